"""docker-compose.yml describes the distributed deployment: api, worker, postgres, redis."""

import shutil
import subprocess

import pytest
import yaml

from app.config import ROOT

COMPOSE = ROOT / "docker-compose.yml"


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


def test_docker_compose_config_accepts_it_when_available() -> None:
    # `docker compose` (the v2 plugin) is not in Debian's docker.io; where it exists, it must agree.
    if shutil.which("docker") is None:
        pytest.skip("no docker client")
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed; the test above checks the file")
    env = {"DLI_SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "pw", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
