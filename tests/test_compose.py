"""docker-compose.yml describes the distributed deployment: api, worker, postgres, redis."""

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docker
import httpx
import yaml

from app.bench_load import GOOD
from app.config import ROOT, get_settings
from app.sandbox.container import LABEL
from app.sandbox.image import build_debian_base, build_image
from tests.helpers import docker_answers, require_or_skip

COMPOSE = ROOT / "docker-compose.yml"
OFFLINE = ROOT / "tests" / "compose"  # stand-ins for the registry's images, see offline.yml
BASE = "dli-compose-base:bookworm-1"
# Not normalised: the grader must say so (a stub worker that accepts everything would not).
WRONG = GOOD.replace(
    "x - logsumexp(x, axis=axis, keepdims=True)", "x - np.max(x, axis, keepdims=True)"
)
BASE_PACKAGES = "python3,python3-venv,python-is-python3,postgresql,redis-server"


def test_compose_file_describes_the_deployment() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert {"api", "worker", "postgres", "redis"} <= set(services)
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert env["DLI_QUEUE"] == "celery"
        assert env["DLI_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["DLI_REDIS_URL"].startswith("redis://redis:")
        assert "DLI_SECRET_KEY" in env and env["DLI_ENV"] == "production"
    assert "dli worker" in services["worker"]["command"]
    assert "/var/run/docker.sock:/var/run/docker.sock" in services["worker"]["volumes"]
    assert "volumes" not in services["api"]  # only workers get the Docker socket
    assert "8000:8000" in services["api"]["ports"]


def test_schema_and_catalog_are_set_up_once_before_any_replica_starts() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    migrate = services["migrate"]
    assert migrate["command"] == 'sh -c "dli db upgrade && dli problems sync"'
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        wait = services[name]["depends_on"]["migrate"]
        assert wait["condition"] == "service_completed_successfully"
        assert "upgrade" not in str(services[name]["command"])
    assert "--no-sync" in services["api"]["command"]  # replicas never sync concurrently


def compose_command() -> list[str]:
    """Docker Compose: the v2 plugin where installed, else Debian's `docker-compose` (v1)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    require_or_skip(False, "Docker Compose is not installed (apt-get install docker-compose)")
    return []


def test_docker_compose_config_accepts_it() -> None:
    env = {"DLI_SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "pw", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [*compose_command(), "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _build_context(into: Path) -> None:
    """The files the images need, and wheels of every dependency (the builds reach no index)."""
    for name in ("pyproject.toml", "README.md", "alembic.ini"):
        shutil.copy(ROOT / name, into / name)
    for name in ("app", "migrations", "problems", "sandbox"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in OFFLINE.iterdir():
        if path.suffix in (".Dockerfile", ".sh"):
            shutil.copy(path, into / path.name)
    # async-timeout: redis needs it below Python 3.11.3, which Debian's 3.11.2 is.
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(into / "wheels")),
            *(str(ROOT), "setuptools>=69", "wheel", "async-timeout>=4.0.3"),
        ],
        check=True,
        capture_output=True,
    )


def test_the_deployment_grades_a_submission_for_real(tmp_path: Path) -> None:
    """`up` with docker-compose.yml as it is (images from a Debian base, no registry here): the
    migrate service sets up the database once and ends, the api answers, and a submission sent to
    the api is graded by the Celery worker in a sandbox on this host's engine."""
    compose = compose_command()
    require_or_skip(docker_answers(), "no Docker engine answers")
    client = docker.from_env(timeout=600)
    build_debian_base(client, BASE, BASE_PACKAGES)
    build_image(get_settings())  # the worker's `dli sandbox build` finds it up to date
    _build_context(tmp_path)
    project = f"dlitest{os.getpid()}"
    env = {
        **os.environ,
        "DLI_COMPOSE_CONTEXT": str(tmp_path),
        "DLI_SECRET_KEY": secrets.token_urlsafe(32),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(12),
    }
    cmd = [*compose, "-p", project, "-f", str(COMPOSE), "-f", str(OFFLINE / "offline.yml")]

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cmd, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def sandboxes() -> set[str]:
        return {c.id for c in client.containers.list(all=True, filters={"label": LABEL})}

    before = sandboxes()
    try:
        up = run("up", "-d", "--build", timeout=900)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        migrate = client.containers.list(
            all=True,
            filters={
                "label": [
                    f"com.docker.compose.project={project}",
                    "com.docker.compose.service=migrate",
                ]
            },
        )
        assert [c.attrs["State"]["ExitCode"] for c in migrate] == [0]
        api = httpx.Client(base_url="http://127.0.0.1:8000", timeout=60)
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if api.get("/readyz").status_code == 200:
                    break
            assert time.monotonic() < deadline, run("logs", "--tail", "50").stdout
            time.sleep(1)
        made = run(
            "exec",
            "-T",
            "api",
            "sh",
            "-c",
            "printf 'a long enough passphrase 42' | dli user create alice --password-stdin"
            " >/dev/null && dli token create alice",
        )
        assert made.returncode == 0, made.stderr
        api.headers["Authorization"] = f"Bearer {made.stdout.split()[-1]}"
        verdicts = {}
        for name, code in (("good", GOOD), ("wrong", WRONG)):
            body = {"problem": "log-softmax", "code": code, "mode": "submit"}
            sent = api.post("/api/v1/submissions", json=body)
            assert sent.status_code == 202, sent.text
            for _ in range(10):
                found = api.get(f"/api/v1/submissions/{sent.json()['id']}?wait=30").json()
                if found["status"] == "done":
                    break
            verdicts[name] = found["verdict"]
        assert verdicts == {"good": "accepted", "wrong": "wrong_answer"}, verdicts
    finally:
        down = run("down", "-v", "--rmi", "local", timeout=300)
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove("dli-compose-postgres:offline")
    assert down.returncode == 0, down.stderr
    left = sandboxes() - before  # the worker's warm pool, removed when it stopped
    for leftover in left:
        client.containers.get(leftover).remove(force=True)
    assert not left
