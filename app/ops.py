"""Operations: liveness and readiness, Prometheus metrics, and JSON logs with a request id.

- `GET /healthz`: the process answers (for a restart policy).
- `GET /readyz`: the database answers, the queue can take jobs, the sandbox engine and image are
  there (for a load balancer); 503 with what is missing otherwise.
- `GET /metrics`: queue depth per state, verdicts by kind, submit-to-verdict latency, warm
  sandboxes, long-polls waiting, database connections in use, sandbox failures. The counters
  live in the process that grades (`dli serve` with the inline queue; each `dli worker` serves
  its own on DLI_WORKER_METRICS_PORT).
"""

import logging
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel, Field
from sqlalchemy import func, select, text
from starlette.concurrency import run_in_threadpool

from app.models import Submission, SubmissionStatus

log = logging.getLogger("dli.ops")
router = APIRouter(tags=["operations"])

VERDICTS = Counter("dli_verdicts_total", "Verdicts recorded, by kind", ["verdict"])
VERDICT_SECONDS = Histogram(
    "dli_verdict_seconds",
    "From submission to recorded verdict",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
SANDBOX_FAILURES = Counter(
    "dli_sandbox_failures_total", "Gradings that failed on our side (internal_error)"
)


class AppCollector(Collector):
    """Gauges read when scraped: the queue from the database, the pool and waiters from the app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("dli_queue_jobs", "Submissions by state", labels=["state"])
        with self.app.state.sessionmaker() as db:
            counts = dict(
                db.execute(
                    select(Submission.status, func.count()).group_by(Submission.status)
                ).all()
            )
        for state in SubmissionStatus:
            depth.add_metric([state.value], counts.get(state, 0))
        yield depth
        waiters = getattr(self.app.state, "waiters", None)
        yield GaugeMetricFamily(
            "dli_verdict_waiters",
            "Long-polls waiting for a verdict",
            value=waiters.waiting if waiters else 0,
        )
        pool = self.app.state.sessionmaker.kw["bind"].pool
        connections = GaugeMetricFamily(
            "dli_db_connections", "Database connections of this process", labels=["state"]
        )
        connections.add_metric(["in_use"], pool.checkedout())
        connections.add_metric(["idle"], pool.checkedin())
        yield connections
        holder = getattr(getattr(self.app.state, "queue", None), "holder", None)
        sandbox = getattr(holder, "_sandbox", None)
        yield GaugeMetricFamily(
            "dli_sandbox_pool_warm",
            "Started sandbox containers waiting for a job",
            value=sandbox.warm_count() if sandbox is not None else 0,
        )


def app_registry(app: Any) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(AppCollector(app))
    return registry


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(description='database, queue, sandbox: "ok" or why not')


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


def _readiness(request: Request) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with request.app.state.sessionmaker() as db:
            db.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    queue = getattr(request.app.state, "queue", None)
    ready = getattr(queue, "ready", None)
    checks["queue"] = (ready() or "ok") if callable(ready) else "ok"
    reason = queue.unavailable_reason() if queue is not None else "no queue"
    checks["sandbox"] = f"unavailable: {reason}" if reason else "ok"
    return checks


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request) -> JSONResponse:
    """The database, the queue and the sandbox engine and image: 200 if all answer, else 503."""
    checks = await run_in_threadpool(_readiness, request)
    ok = all(value == "ok" for value in checks.values())
    body = Readiness(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), 200 if ok else 503)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus metrics."""
    body = generate_latest(REGISTRY) + await run_in_threadpool(
        generate_latest, request.app.state.metrics_registry
    )
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def log_config(json_logs: bool, level: str = "INFO") -> dict[str, Any]:
    """logging.config.dictConfig for `dli serve` (and uvicorn): JSON lines with the request id,
    link tokens redacted."""
    fmt = "%(asctime)s %(levelname)s %(name)s %(correlation_id)s %(message)s"
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": fmt,
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        }
        if json_logs
        else {"format": "%(levelname)s %(name)s [%(correlation_id)s] %(message)s"}
    )
    filters = {
        "request_id": {"()": "asgi_correlation_id.CorrelationIdFilter", "default_value": "-"},
        "redact": {"()": "app.serving.RedactLinkTokens"},
    }
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "main",
        "filters": ["request_id", "redact"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": filters,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            "uvicorn": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["main"], "level": level, "propagate": False},
            "dli": {"handlers": ["main"], "level": level, "propagate": False},
        },
    }
