"""The FastAPI application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from app.catalog import api as catalog_api
from app.catalog import pages as catalog_pages
from app.config import ROOT, Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.interviews import api as interviews_api
from app.interviews import pages as interview_pages
from app.interviews.timer import Sweeper
from app.serving import install_log_redaction
from app.submissions import api as submissions_api
from app.submissions.queue import make_queue
from app.users import api as users_api
from app.users import pages as users_pages

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
# The API reference pages load Swagger UI and ReDoc from their CDN and start them with an
# inline script: the same headers, with a policy that allows exactly that.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src blob:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url, lock_timeout_s=settings.database_lock_timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.queue = make_queue(settings, app.state.sessionmaker)
        app.state.interview_timer = Sweeper(app.state.sessionmaker).start()
        yield
        app.state.interview_timer.close()
        app.state.queue.close()
        engine.dispose()

    app = FastAPI(
        title="dli",
        description="Deep-learning coding interview practice: catalog, submissions, grading.",
        version="0.1.0",
        lifespan=lifespan,
        # Counted as the bytes arrive, chunked bodies included: a body past the limit is a 413
        # before it is all read, whatever route it was sent to and whoever sent it.
        max_body_size=MAX_BODY_BYTES,
    )
    install_log_redaction()
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="dli_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        # Refuse oversized bodies from their declared length, before anything reads them.
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            detail = f"request bodies are limited to {MAX_BODY_BYTES >> 10} KiB"
            return JSONResponse({"error": "payload_too_large", "detail": detail}, 413)
        return await call_next(request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        docs = request.url.path in ("/docs", "/redoc")
        for key, value in SECURITY_HEADERS.items():
            if docs and key == "Content-Security-Policy":
                value = DOCS_CSP
            response.headers.setdefault(key, value)
        return response

    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(ROOT / "app" / "static")), name="static")
    routers = (
        catalog_pages.router,
        users_pages.router,
        interview_pages.router,
        catalog_api.router,
        submissions_api.router,
        interviews_api.router,
        users_api.router,
    )
    for router in routers:
        app.include_router(router)
    return app
