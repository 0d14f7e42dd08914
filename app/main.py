"""The FastAPI application factory."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import ops
from app.assets import AssetFiles, asset_url
from app.catalog import api as catalog_api
from app.catalog import pages as catalog_pages
from app.config import ROOT, Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.handlers import install_error_handlers
from app.interviews import candidate_api as interview_candidate_api
from app.interviews import pages as interview_pages
from app.interviews import proctor_api as interview_proctor_api
from app.interviews.timer import Sweeper
from app.judge.spec import Catalog
from app.ops import app_registry
from app.serving import install_log_redaction
from app.submissions import api as submissions_api
from app.submissions.queue import make_queue
from app.submissions.waiting import VerdictWaiters
from app.users import api as users_api
from app.users import pages as users_pages
from app.web import templates

MAX_BODY_BYTES = 512 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}
# The API reference pages run Swagger UI and ReDoc from files this server serves (no CDN); ReDoc
# starts a web worker from a blob.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class EdgeMiddleware:
    """Refuses a body whose declared length is too large before anything reads it, and adds the
    security headers to every answer (a plain ASGI middleware: no task or stream per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        docs = scope["path"] in ("/docs", "/redoc")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if docs and key == "Content-Security-Policy":
                        value = DOCS_CSP
                    headers.setdefault(key, value)
            await send(message)

        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            detail = f"request bodies are limited to {MAX_BODY_BYTES >> 10} KiB"
            response = JSONResponse({"error": "payload_too_large", "detail": detail}, 413)
            return await response(scope, receive, send_with_headers)
        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(
        settings.database_url,
        lock_timeout_s=settings.database_lock_timeout_s,
        connections=settings.database_connections,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db_slots = asyncio.Semaphore(settings.database_connections)  # see db.get_db
        app.state.waiters = VerdictWaiters(app.state.sessionmaker, settings.max_waits_per_user)
        await app.state.waiters.start()
        app.state.queue = await run_in_threadpool(
            make_queue,
            settings,
            app.state.sessionmaker,
            app.state.catalog,
            app.state.waiters.notify,
        )
        app.state.interview_timer = Sweeper(app.state.sessionmaker).start()
        await run_in_threadpool(app.state.catalog.specs)  # read the folders now, not mid-request
        # What exists now lives as long as the process: keep it out of the garbage collector, whose
        # full passes over it took about 80 ms each with the GIL held, a pause for every request.
        gc.collect()
        gc.freeze()
        yield
        gc.unfreeze()  # collectable again once the app is gone (tests start many in one process)
        app.state.interview_timer.close()
        await run_in_threadpool(app.state.queue.close)
        await app.state.waiters.close()
        engine.dispose()

    app = FastAPI(
        title="dli",
        description="Deep-learning coding interview practice: catalog, submissions, grading.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from npm packages installed at setup, not from a CDN
        redoc_url=None,
        # Counted as the bytes arrive, chunked bodies included: a body past the limit is a 413
        # before it is all read, whatever route it was sent to and whoever sent it.
        max_body_size=MAX_BODY_BYTES,
    )
    install_log_redaction()
    app.state.settings = settings
    app.state.catalog = Catalog(settings.problems_dir)  # loaded on first use
    app.state.metrics_registry = app_registry(app)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.db_slots = asyncio.Semaphore(settings.database_connections)

    # Pages and API answers are compressed on the way out; built assets are gzipped at build time.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="dli_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    app.add_middleware(EdgeMiddleware)
    # Outermost: every request gets an id (or keeps a valid X-Request-ID), in the answer and in
    # every log line written while it is served, the access log's included.
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app)
    app.mount("/static", AssetFiles(directory=str(ROOT / "app" / "static")), name="static")
    routers = (
        ops.router,
        catalog_pages.router,
        users_pages.router,
        interview_pages.router,
        catalog_api.router,
        submissions_api.router,
        interview_proctor_api.router,
        interview_candidate_api.router,
        users_api.router,
    )
    for router in routers:
        app.include_router(router)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> Response:
        return _docs_page(request, "swagger", "Swagger UI")

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> Response:
        return _docs_page(request, "redoc", "ReDoc")

    return app


def _docs_page(request: Request, kind: str, title: str) -> Response:
    ready = asset_url("swagger-ui.js" if kind == "swagger" else "redoc.js") is not None
    ctx = {"kind": kind, "title": title, "ready": ready}
    return templates.TemplateResponse(request, "docs.html", ctx)
