#!/usr/bin/env bash
# Make sure a Docker engine answers. On a Debian-like machine as root, install Debian's docker.io
# and start the daemon when needed; elsewhere, explain what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'sandbox: %s\n' "$*"; }

gvisor() {
  if [ "${DLI_SANDBOX_RUNTIME:-}" = runsc ] || [ "${DLI_GVISOR:-}" = 1 ]; then
    bash sandbox/ensure-gvisor.sh
  fi
}

if docker info >/dev/null 2>&1; then
  gvisor
  exit 0
fi
if [ ! -f /etc/debian_version ] || [ "$(id -u)" != 0 ]; then
  say "no Docker engine answers. Install Docker (https://docs.docker.com/engine/install/),"
  say "start it, and make sure this user may use it (docker info must work)."
  exit 1
fi
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap) # offline image builds
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mkdir -p var
say "starting dockerd in the background (log: var/dockerd.log)"
nohup dockerd >var/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    say "Docker engine is up"
    gvisor
    exit 0
  fi
  sleep 1
done
say "dockerd did not answer within 60 s; see var/dockerd.log"
exit 1
