"""Settings: one class, read from `DLI_*` environment variables (and an optional `.env`)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# A fixed development secret keeps laptop sessions valid across restarts; production sets its own.
DEV_SECRET_KEY = "dli-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DLI_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'dli.db'}"
    secret_key: str = DEV_SECRET_KEY
    problems_dir: Path = ROOT / "problems"
    host: str = "127.0.0.1"
    port: int = 8000
    # Seconds a client has to send its request headers before the connection is closed.
    header_timeout_s: float = 10.0
    # Proxies whose X-Forwarded-For names the client (rate limits per address rely on it).
    forwarded_allow_ips: str = "127.0.0.1"
    # Secure cookies need HTTPS; on by default in production.
    cookie_secure: bool | None = None
    session_max_age_s: int = 14 * 24 * 3600
    # How long a write waits for another transaction's lock before it fails with a 503.
    database_lock_timeout_s: float = 10.0
    # Requests holding a database session at once (the others wait without a thread) and the
    # connections kept for them; background work (grading, waiters) uses up to as many more.
    database_connections: int = 16

    sandbox_image: str = "dli-sandbox"
    sandbox_pool_size: int = 2
    # CPU weight of all sandboxes together against one process of the host (Docker's default
    # for a container is 1024), given to the cgroup `sandbox_cgroup` that holds them all
    # (app.sandbox.cgroup); "" leaves sandboxes in Docker's default cgroup.
    sandbox_cpu_shares: int = 64
    sandbox_cgroup: str = "dli-sandbox"
    sandbox_runtime: str | None = None
    sandbox_cpus: float = 1.0
    sandbox_pids: int = 64
    sandbox_output_kib: int = 64
    sandbox_result_mib: int = 32
    # `container`: a fresh container per job. `box`: long-lived containers whose supervisor runs
    # each job in a child of its own (uid, scratch, rlimits, seccomp); see the README's threat model.
    sandbox_isolation: Literal["container", "box"] = "container"
    sandbox_box_memory_mb: int = 1024  # a box's whole memory: one job's limit, its supervisor, /tmp
    sandbox_box_jobs: int = 500  # jobs a box serves before it is replaced
    sandbox_box_minutes: float = 30.0  # and how long it may live
    sandbox_box_max: int = 8  # boxes at most, idle or busy
    # Where box mode keeps each box's results file, shared with the engine's host (a tmpfs): results
    # then bypass the engine's attach stream. "": they come over the stream (a remote engine, or a
    # server in a container of its own, as in docker-compose.yml).
    sandbox_results_dir: str = "/dev/shm"

    submissions_per_minute: int = 12
    # A user's submissions queued or being graded at once; past it, 429.
    max_pending_per_user: int = 30
    # Long-polls (GET /submissions/{id}?wait=) one user may hold open at once, per API process.
    max_waits_per_user: int = 20
    # How long a worker's claim on a job lasts without renewal; it renews every third of this.
    job_lease_s: float = 90.0

    # Processes `dli serve` runs (each with its own event loop and, inline, its grading threads).
    web_processes: int = Field(default=1, ge=1, le=64)
    queue: Literal["inline", "celery"] = "inline"
    workers: int = 2
    redis_url: str = "redis://127.0.0.1:6379/0"
    # How long Redis keeps a job unacknowledged before handing it to another worker: longer than
    # any grading takes, short enough that a killed worker's job is soon redelivered.
    celery_visibility_s: int = 120
    # `dli worker` serves its Prometheus metrics on this port (0: not at all).
    worker_metrics_port: int = 0
    # A worker starts its sandbox pool and judge processes as it starts, rather than for its first
    # job, which would wait for them (about 1.5 s after each restart). Default: on, except in tests.
    warm_start: bool | None = None
    # Log lines as JSON (with the request id), or as text for a terminal.
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.env == "production" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "DLI_SECRET_KEY must be set to a random value of at least 32 characters "
                "when DLI_ENV=production"
            )
        return self

    @property
    def starts_warm(self) -> bool:
        return self.env != "test" if self.warm_start is None else self.warm_start

    @property
    def secure_cookies(self) -> bool:
        return self.env == "production" if self.cookie_secure is None else self.cookie_secure


@lru_cache
def get_settings() -> Settings:
    return Settings()
