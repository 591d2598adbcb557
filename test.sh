#!/usr/bin/env bash
# Runs every WattBit test on this machine. Installs what the tests need when it is missing and this machine
# allows it (Debian/Ubuntu with root or sudo), saying what it installs; otherwise it names what is missing.
#   ./test.sh                 every test project in WattBit.slnx
#   ./test.sh --filter X      extra arguments go to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# What the tests start for real, and the Debian package that brings it.
need=()
# PostgreSQL server binaries: the storage and cluster tests start a real server on loopback.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# Slurm (slurmctld, slurmd, client tools) and munge: the execution tests start a real single-node cluster.
{ [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && command -v sbatch >/dev/null; } || need+=(slurm-wlm)
{ [ -x /usr/sbin/munged ] && [ -x /usr/sbin/mungekey ]; } || need+=(munge)
# Chromium: the dashboard tests drive the system browser with Playwright (never a downloaded one).
[ -x /usr/bin/chromium ] || need+=(chromium)
# A Japanese font: the dashboard's and the reports' area names (東京, 関西 ...) are drawn, not boxes, in the browser's
# screenshots and rendered plots.
{ command -v fc-list >/dev/null && fc-list :lang=ja | grep -q .; } || need+=(fonts-ipafont-gothic)
# Node.js and npm: the server's build builds the dashboard (web/) with Vite.
command -v npm >/dev/null || need+=(nodejs npm)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null; then
    echo "== test.sh: installing ${need[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "== test.sh: missing ${need[*]} and cannot install them here (needs apt-get with root or sudo);" >&2
    echo "   the tests that start these fail and name what is missing." >&2
  fi
fi

command -v dotnet >/dev/null || {
  echo "== test.sh: the .NET SDK is not on PATH; install the version in global.json (https://dot.net)." >&2
  exit 1
}
[ -d ../shared/data ] || [ -n "${WATTBIT_SHARED_DATA:-}" ] || {
  echo "== test.sh: ../shared/data (the team's public test data, beside this repository) is missing;" >&2
  echo "   the tests that read real data fail. Set WATTBIT_SHARED_DATA to its path if it lives elsewhere." >&2
}

echo "== test.sh: dotnet test WattBit.slnx $*"
exec dotnet test WattBit.slnx "$@"
