#!/usr/bin/env bash
# Load test of serving the headroom layer (issue 15: p99 under 10 ms for one substation's day) with wrk (loopback only,
# bounded), each route against baselines measured in the same run:
#   health    GET /health                                        (no work: the cost of the HTTP stack itself)
#   areas     GET /api/areas                                     (a small static JSON list: the cost of a JSON answer)
#   day       GET /api/grid/substations/TK:上尾/headroom?from=&to= (one substation's day: the issue's target)
#   day-tso   the same after a grid operator's upload for another substation (the upload laid over the model)
#   zones     GET /api/grid/welcome-zones?mw=50&from=&to=          (every substation classified over the day; answered
#             from the welcome-zone cache after the first request, decision 0122)
#   zones-miss the same with mw cycling over 5000 sizes (1.0, 1.1, ... MW): every request misses the cache (64 answers)
#             and classifies every substation again, as every request did before the cache
#   zones-tso the zones after the upload (the cache emptied by the layer change, then refilled)
#   all       GET /api/grid/headroom?from=&to=                   (every substation's 24 hours, the map's slider)
# The layer is the Japan backbone (every substation unless SUBSTATIONS is set, e.g. SUBSTATIONS="TK:上尾 TK:上野"),
# DAYS days from today, computed once at start (Warm) before the first timed request.
# Usage: bench/WattBit.Bench/Server/layer-load.sh [seconds=10] [connections=4] [days=7]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-10}"
connections="${2:-4}"
days="${3:-7}"
port=5098
work="$(mktemp -d)"
key="bench-grid-operator-key-0123456789"
sha="$(printf %s "$key" | sha256sum | cut -d' ' -f1)"

dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo -p:WattBitSkipDashboard=true >/dev/null
env=(WattBit__Store="$work/wattbit.db" WattBit__Journal="$work/journal.jsonl"
  WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000
  WattBit__ApiKeys__0__Id=bench-tso WattBit__ApiKeys__0__Sha256="$sha" WattBit__ApiKeys__0__Role=grid-operator WattBit__ApiKeys__0__Area=TK
  WattBit__HeadroomLayer__Days="$days" WattBit__HeadroomLayer__Warm=true Logging__LogLevel__Default=Warning)
i=0
for s in ${SUBSTATIONS:-}; do env+=("WattBit__HeadroomLayer__Substations__$i=$s"); i=$((i + 1)); done
started=$(date +%s.%N)
env "${env[@]}" dotnet "$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
# The first layer request waits for the warm computation.
list="$(curl -sf --max-time 1800 "$base/api/grid/substations")"
echo "layer ready after $(echo "$(date +%s.%N) - $started" | bc) s: $(echo "$list" | grep -o '"id"' | wc -l) substations, $days days"
from="$(echo "$list" | sed -E 's/.*"from":"([^"]+)".*/\1/')"
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
to="$(python3 -c 'import sys, datetime; print((datetime.datetime.fromisoformat(sys.argv[1]) + datetime.timedelta(days=1)).isoformat())' "$from")"
window="from=$(enc "$from")&to=$(enc "$to")"
ageo="$(enc "TK:上尾")"
day="$base/api/grid/substations/$ageo/headroom?$window"
curl -sf "$day" >/dev/null || { echo "TK:上尾 is not in the layer: set SUBSTATIONS to include it"; exit 1; }

# zones-miss: a new size per request (mw = 1.0 + (n mod 5000) / 10), so no answer is ever found in the cache.
cat >"$work/miss.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/api/grid/welcome-zones?mw=" .. string.format("%.1f", 1 + (n % 5000) / 10) .. "&$window")
end
LUA
for name in health areas day zones zones-miss all upload day-tso zones-tso; do
  case $name in
    health) url="$base/health" ;;
    areas) url="$base/api/areas" ;;
    day | day-tso) url="$day" ;;
    zones | zones-tso) url="$base/api/grid/welcome-zones?mw=50&$window" ;;
    zones-miss) url="$base/api/grid/welcome-zones" ;;
    all) url="$base/api/grid/headroom?$window" ;;
    upload)
      # A grid operator's upload for TK:上野 (the node its uploadNode names): from now on the layer is overlaid.
      node="$(echo "$list" | python3 -c 'import sys, json; print(next(s["uploadNode"] for s in json.load(sys.stdin)["substations"] if s["id"] == "TK:上野"))' 2>/dev/null || true)"
      if [ -n "$node" ]; then
        curl -sf -X PUT -H "X-Api-Key: $key" -H "Content-Type: application/json" \
          -d "{\"start\":\"$from\",\"stepMinutes\":60,\"values\":[100,100,100,100]}" "$base/api/areas/TK/nodes/$node/headroom" >/dev/null
        echo "== (uploaded 4 hours for TK:上野, node $node)"
      else
        echo "== (TK:上野 is not in the layer: day-tso runs without an upload)"
      fi
      continue ;;
  esac
  script=()
  [ "$name" = zones-miss ] && script=(-s "$work/miss.lua")
  wrk -t1 -c"$connections" -d2s "${script[@]}" "$url" >/dev/null   # warm-up round
  echo "== $name"
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "${script[@]}" "$url" | grep -E "Requests/sec|Latency|  50%|  99%|Non-2xx|Socket errors"
done
