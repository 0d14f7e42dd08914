"""One JSON error shape for the API, a rendered page for browsers, never a stack trace."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import DEV_SECRET_KEY, Settings


def test_api_errors_have_one_shape(client: TestClient) -> None:
    for path, status in [("/api/v1/me", 401), ("/api/v1/nothing-here", 404)]:
        resp = client.get(path)
        assert resp.status_code == status
        body = resp.json()
        assert set(body) == {"error", "detail"}


def test_browser_errors_render_a_page(client: TestClient) -> None:
    resp = client.get("/problems/missing")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")
    assert "Not found" in resp.text


def test_malformed_form_is_422_not_500(client: TestClient) -> None:
    token = client.get("/register").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    resp = client.post("/register", data={"csrf_token": token})  # no username, no password
    assert resp.status_code == 422


def test_unexpected_exception_hides_the_traceback(app: FastAPI) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("secret internals")

    client = TestClient(app, raise_server_exceptions=False)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.json() == {"error": "internal_error", "detail": "Something went wrong on our side."}
    page = client.get("/boom")
    assert page.status_code == 500
    assert "secret internals" not in page.text and "Traceback" not in page.text


def test_security_headers_are_set(client: TestClient) -> None:
    headers = client.get("/").headers
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="DLI_SECRET_KEY"):
        Settings(env="production", secret_key=DEV_SECRET_KEY)
    with pytest.raises(ValueError, match="DLI_SECRET_KEY"):
        Settings(env="production", secret_key="short")
    ok = Settings(env="production", secret_key="k" * 40)
    assert ok.secure_cookies


def test_the_api_reference_pages_get_the_security_headers_too(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        headers = client.get(path).headers
        assert (
            headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        )
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
