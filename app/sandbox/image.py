"""Build the sandbox image. Tagged with a hash of its contents: a changed runner is a new image.

Where a container registry answers, `sandbox/Dockerfile` builds from the slim Python image. Where none
does (offline machines, our CI), the same layout is built on a base made from Debian's packages with
debootstrap and `docker import`. Either way the image's NumPy is the server's own version, unpacked
from its wheel on PyPI: a candidate's code meets the NumPy the references and the graders were
written and run with (Debian's 1.24 and NumPy 2 promote types differently), and it runs faster.
"""

import contextlib
import hashlib
import importlib.metadata
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import docker

from app.config import ROOT, Settings

SANDBOX_DIR = ROOT / "sandbox"
CONTEXT_FILES = {
    "Dockerfile": SANDBOX_DIR / "Dockerfile",
    "Dockerfile.offline": SANDBOX_DIR / "Dockerfile.offline",
    "runner.py": SANDBOX_DIR / "runner.py",
    "supervisor.py": SANDBOX_DIR / "supervisor.py",
    "casekit.py": ROOT / "app" / "judge" / "casekit.py",
}
REGISTRY_BASE = "python:3.11-slim"
# The tag names the base's package list: a changed list is a new base.
OFFLINE_BASE = "dli-sandbox-base:bookworm-3"
OFFLINE_PACKAGES = "python3,python3-seccomp"
NUMPY = importlib.metadata.version("numpy")  # the server's: the image gets the same
PULL_TIMEOUT_S = 20.0


def image_tag(settings: Settings) -> str:
    digest = hashlib.sha256()
    for name, path in sorted(CONTEXT_FILES.items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"numpy=={NUMPY}".encode())
    return f"{settings.sandbox_image}:{digest.hexdigest()[:12]}"


def _has_image(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
        return True
    except docker.errors.ImageNotFound:
        return False


def _registry_answers(client: docker.DockerClient) -> bool:
    """Try to pull the slim base, giving up quickly: an offline daemon can hang on DNS."""
    if _has_image(client, REGISTRY_BASE):
        return True
    outcome: list[bool] = []

    def pull() -> None:
        try:
            client.images.pull(REGISTRY_BASE)
            outcome.append(True)
        except Exception:
            outcome.append(False)

    worker = threading.Thread(target=pull, daemon=True)
    worker.start()
    worker.join(PULL_TIMEOUT_S)
    return bool(outcome and outcome[0])


def build_debian_base(
    client: docker.DockerClient, tag: str, packages: str, log: Callable[[str], None] = print
) -> None:
    """An image of Debian bookworm (minbase) with `packages`, made with debootstrap and imported:
    the offline stand-in for a registry's base image. Nothing to do if `tag` exists."""
    if _has_image(client, tag):
        return
    if shutil.which("debootstrap") is None:
        raise RuntimeError(
            "no registry answers and debootstrap is missing: apt-get install debootstrap"
        )
    with tempfile.TemporaryDirectory(prefix="dli-rootfs-") as tmp:
        rootfs, tarball = Path(tmp) / "rootfs", Path(tmp) / "rootfs.tar"
        log(f"building {tag} with debootstrap (a minute or two)")
        subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={packages}", "bookworm", str(rootfs)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Package caches and docs are dead weight in every container.
        for junk in (
            "var/cache/apt/archives",
            "var/lib/apt/lists",
            "usr/share/doc",
            "usr/share/man",
        ):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."], check=True)
        repository, version = tag.split(":")
        client.api.import_image(src=str(tarball), repository=repository, tag=version)


def unpack_numpy(into: Path) -> None:
    """The server's NumPy for the image's Python 3.11, from its PyPI wheel, unpacked in `into`
    (a wheel is a zip of the files as installed; the image needs no pip)."""
    machine = platform.machine()
    with tempfile.TemporaryDirectory(prefix="dli-wheel-") as wheels:
        fetched = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "-q", f"numpy=={NUMPY}", "--no-deps"),
                *("--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp"),
                *("--platform", f"manylinux_2_28_{machine}"),
                *("--platform", f"manylinux2014_{machine}", "-d", wheels),
            ],
            capture_output=True,
            text=True,
        )
        if fetched.returncode != 0:
            raise RuntimeError(
                f"could not download the wheel of NumPy {NUMPY} for the sandbox image (PyPI must "
                f"answer, as for the setup): {fetched.stderr.strip()[-2000:]}"
            )
        (wheel,) = Path(wheels).glob("numpy-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(into)


def build_image(settings: Settings, force: bool = False, log: Callable[[str], None] = print) -> str:
    tag = image_tag(settings)
    client = docker.from_env(timeout=600)
    if _has_image(client, tag) and not force:
        log(f"sandbox image {tag} is up to date")
        return tag
    if _registry_answers(client):
        dockerfile = "Dockerfile"
        log(f"a registry answers: building {tag} from sandbox/Dockerfile ({REGISTRY_BASE})")
    else:
        dockerfile = "Dockerfile.offline"
        log(f"no registry answers: building {tag} on a Debian base made with debootstrap")
        build_debian_base(client, OFFLINE_BASE, OFFLINE_PACKAGES, log)
    with tempfile.TemporaryDirectory(prefix="dli-sandbox-") as context:
        for name, path in CONTEXT_FILES.items():
            shutil.copy(path, Path(context) / name)
        unpack_numpy(Path(context) / "site-packages")
        client.images.build(path=context, dockerfile=dockerfile, tag=tag, rm=True, pull=False)
    log(f"built sandbox image {tag}")
    for old in client.images.list(name=settings.sandbox_image):
        if tag not in old.tags:
            # An image still used by a container stays; the next build tries again.
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(old.id, force=False)
    return tag
