"""Property-based test of the REST API from its own OpenAPI schema: no request, however malformed,
gets a 500, and every API error has the one JSON shape."""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from app.catalog import service as catalog
from app.catalog.loader import load_catalog
from app.config import ROOT, Settings
from app.main import create_app
from app.migrate import upgrade
from app.users import service as users
from tests.submissions.test_api import RecordingQueue


def _app_with_token():  # type: ignore[no-untyped-def]
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='dli-fuzz-')) / 'fuzz.db'}"
    upgrade(url)
    app = create_app(
        Settings(
            database_url=url,
            env="test",
            problems_dir=ROOT / "problems",
            submissions_per_minute=10_000,
        )
    )
    app.state.queue = RecordingQueue()  # grading is not under test here
    with app.state.sessionmaker() as db:
        catalog.sync(db, specs=load_catalog(ROOT / "problems"))
        user = users.create_user(db, username="fuzzer", password="long enough pw")
        _, token = users.create_token(db, user=user, name="fuzz")
        db.commit()
    return app, {"Authorization": f"Bearer {token}"}


APP, AUTH = _app_with_token()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# Both valid requests and ones that break the schema (wrong types, missing fields, bad values).
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_breaks_the_api(case) -> None:  # type: ignore[no-untyped-def]
    for headers in (AUTH, {}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:300])
        if response.status_code >= 400 and case.path.startswith("/api/"):
            body = response.json()
            assert set(body) == {"error", "detail"}, body
