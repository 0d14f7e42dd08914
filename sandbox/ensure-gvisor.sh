#!/usr/bin/env bash
# Make gVisor's runsc available to Docker as the runtime "runsc" (Debian's package, as root):
# install it where missing, register it in /etc/docker/daemon.json (other settings kept), and
# have dockerd reload its configuration. Run by ensure-docker.sh when DLI_SANDBOX_RUNTIME=runsc
# (or DLI_GVISOR=1, which CI sets so that the hostile suites run under both runtimes).
set -euo pipefail

say() { printf 'sandbox: %s\n' "$*"; }

if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
  exit 0
fi
if [ ! -f /etc/debian_version ] || [ "$(id -u)" != 0 ]; then
  say "gVisor is not registered with Docker. Install runsc (https://gvisor.dev/docs/user_guide/install/)"
  say "and add it to /etc/docker/daemon.json with \"runtimeArgs\": [\"--network=none\", \"--oci-seccomp\"]."
  exit 1
fi
if ! command -v runsc >/dev/null 2>&1; then
  say "installing runsc (gVisor) with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq runsc >/dev/null
fi
mkdir -p /etc/docker
# --network=none: without it, containers started with `--network none` fail under runsc.
# --oci-seccomp: Docker's seccomp profile also applies inside gVisor (no unshare, no mount...).
python3 - "$(command -v runsc)" <<'PY'
import json, pathlib, sys
path = pathlib.Path("/etc/docker/daemon.json")
config = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
config.setdefault("runtimes", {})["runsc"] = {
    "path": sys.argv[1],
    "runtimeArgs": ["--network=none", "--oci-seccomp"],
}
path.write_text(json.dumps(config, indent=2) + "\n")
PY
pkill -HUP -x dockerd || true
for _ in $(seq 1 30); do
  if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
    say "gVisor (runsc) is registered with Docker"
    exit 0
  fi
  sleep 1
done
say "dockerd did not pick up the runsc runtime; restart it (see var/dockerd.log)"
exit 1
