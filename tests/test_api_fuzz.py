"""Property-based test of the REST API from its own OpenAPI schema: no request, however malformed,
gets a 500, and every API error has the one JSON shape."""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.catalog import service as catalog
from app.config import ROOT, Settings
from app.judge.spec import load_catalog
from app.main import create_app
from app.migrate import upgrade
from tests.helpers import RecordingQueue, user_with_token


def _app_with_token():
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
    app.state.queue = RecordingQueue()  # grading is not under test (the app is not started)
    with app.state.sessionmaker() as db:
        catalog.sync(db, specs=load_catalog(ROOT / "problems"))
        fuzzer = user_with_token(db, "fuzzer")
    return app, fuzzer.headers


APP, AUTH = _app_with_token()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# Both valid requests and ones that break the schema (wrong types, missing fields, bad values).
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_breaks_the_api(case) -> None:
    for headers in (AUTH, {}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:300])
        if response.status_code >= 400 and case.path.startswith("/api/"):
            body = response.json()
            assert set(body) == {"error", "detail"}, body


# Strings that look like numbers to one part of Python and not to another, or that are otherwise
# awkward: schemathesis rarely draws these at random (it missed "?cursor=²"), so every string
# parameter of every operation in the schema gets each of them.
AWKWARD = [
    "²",  # superscript two: str.isdigit() is True, int() refuses it
    "٣",  # Arabic-Indic three: int() accepts it
    "\uff11\uff12",  # fullwidth digits
    "Ⅻ",
    "½",
    "\U0001d7d7",  # mathematical bold nine
    "1e400",
    "-1",
    "0x10",
    " 7",
    "7\u200b",
    "9" * 40,
    "\u202e",
    "😀",
    "",
    "..",
    "%00",
    "a" * 5000,
]
FILLERS = {"integer": "1", "string": "softmax-cross-entropy"}


def _string_parameters(operation):
    for parameter in operation.iter_parameters():
        kind = parameter.definition.get("schema", {})
        types = {kind.get("type")} | {option.get("type") for option in kind.get("anyOf", [])}
        if parameter.location in ("query", "path") and "string" in types:
            yield parameter


OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize(
    "operation",
    [op for op in OPERATIONS if any(True for _ in _string_parameters(op))],
    ids=lambda op: f"{op.method.upper()} {op.path}",
)
def test_awkward_strings_in_every_string_parameter(operation) -> None:
    path_defaults = {
        p.name: FILLERS.get(p.definition.get("schema", {}).get("type"), "x" * 43)
        for p in operation.iter_parameters()
        if p.location == "path"
    }
    for parameter in _string_parameters(operation):
        for value in AWKWARD:
            path = dict(path_defaults)
            query = {}
            if parameter.location == "path":
                path[parameter.name] = value or "x"
            else:
                query[parameter.name] = value
            case = operation.Case(path_parameters=path, query=query)
            response = case.call(headers=AUTH)
            assert response.status_code < 500, (operation.path, parameter.name, value)
            if response.status_code >= 400 and case.path.startswith("/api/"):
                assert set(response.json()) == {"error", "detail"}
