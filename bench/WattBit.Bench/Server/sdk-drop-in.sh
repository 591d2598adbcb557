#!/usr/bin/env bash
# The Carbon Aware SDK drop-in's own speed (loopback only, bounded), against WattBit's native SDK route, in one run.
# The SDK itself is measured against the drop-in by sdk-vs-wattbit.sh (its WebApi built outside the repository); here
# this measures the drop-in on a file of the SDK's JSON shape — {"Emissions":[{Location, Time, Rating, Duration}]},
# 10 Azure-like locations x 7 days of 5-minute points (20,160 points, as the SDK's test-data-azure-emissions.json
# holds 5-minute WattTime-style data) — and the same query on a server without the drop-in over Japan's areas.
#   drop-in  GET /emissions/bylocations/best, 3 locations x 24 h of the file
#   native   GET /emissions/bylocations/best, 3 areas (TK, KN, KY) x 24 h of the reference year
# Usage: bench/WattBit.Bench/Server/sdk-drop-in.sh [seconds=10] [connections=16]
# WATTBIT_SERVER_DLL: an already built server (for example the Debug build) instead of building Release.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-10}"; conns="${2:-16}"; port=5103
dll="${WATTBIT_SERVER_DLL:-$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll}"
[ -n "${WATTBIT_SERVER_DLL:-}" ] || dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo -p:WattBitSkipDashboard=true >/dev/null
out="$(mktemp -d)"; server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$out"' EXIT
python3 "$here/sdk-data.py" "$out"
run() { # label env... ; runs wrk on $query
  local label=$1; shift
  mkdir -p "$out/$label"
  env "$@" WattBit__Store="$out/$label/wattbit.db" WattBit__Journal="$out/$label/journal.jsonl" WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000 \
    Logging__LogLevel__Default=Warning dotnet "$dll" --urls "http://127.0.0.1:$port" >"$out/$label/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port$query" | head -c 300; echo
  wrk -t1 -c2 -d2s "http://127.0.0.1:$port$query" >/dev/null
  wrk -t1 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port$query" >"$out/$label.txt"
  kill $server; wait $server 2>/dev/null || true; server=
  echo "== $label: $(awk '/Requests\/sec/{print $2}' "$out/$label.txt") req/s, $(grep -E '^ +99%' "$out/$label.txt" | tr -s ' ')  $(grep -E 'Non-2xx|Socket errors' "$out/$label.txt" | tr '\n' ' ')"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
query="/emissions/bylocations/best?location=eastus&location=westus&location=japaneast&time=2022-01-03T00:00:00Z&toTime=2022-01-04T00:00:00Z"
run drop-in DataSources__EmissionsDataSource=Json DataSources__Configurations__Json__DataFileLocation="$out/emissions.json" \
  LocationDataSourcesConfiguration__LocationSourceFiles__0__DataFileLocation="$out/regions.json"
query="/emissions/bylocations/best?location=TK&location=KN&location=KY&time=2025-10-01T00:00:00Z&toTime=2025-10-02T00:00:00Z"
run native X=1
d=$(awk '/Requests\/sec/{print $2}' "$out/drop-in.txt"); n=$(awk '/Requests\/sec/{print $2}' "$out/native.txt")
echo "drop-in / native requests/s: $(awk -v a="$d" -v b="$n" 'BEGIN{printf "%.2f", a/b}')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
