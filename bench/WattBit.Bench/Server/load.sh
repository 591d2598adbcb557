#!/usr/bin/env bash
# Load test of the WattBit server with wrk (loopback only, bounded): throughput and latency percentiles of
#   baseline  GET /health                                  (no work: the cost of the HTTP stack itself)
#   best      GET /emissions/bylocations/best (3 areas, 24 h)
#   signal    GET /api/areas/TK/signals/carbon/current
#   ingest    PUT /api/areas/TK/signals/carbon (one value per request, grid operator key)
# Usage: bench/WattBit.Bench/Server/load.sh [seconds=10] [connections=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-10}"
connections="${2:-32}"
port=5099
work="$(mktemp -d)"
key="bench-grid-operator-key-0123456789"
sha="$(printf %s "$key" | sha256sum | cut -d' ' -f1)"

dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo >/dev/null
WattBit__Store="$work/wattbit.db" WattBit__Journal="$work/journal.jsonl" \
WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000 \
WattBit__ApiKeys__0__Id=bench-tso WattBit__ApiKeys__0__Sha256="$sha" WattBit__ApiKeys__0__Role=grid-operator WattBit__ApiKeys__0__Area=TK \
Logging__LogLevel__Default=Warning \
  dotnet "$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

best="/emissions/bylocations/best?location=TK&location=KN&location=KY&time=2025-10-01T00:00:00Z&toTime=2025-10-02T00:00:00Z"
curl -sf "http://127.0.0.1:$port$best" >/dev/null   # warm up (reference year, JIT)
for name in baseline best signal ingest; do
  case $name in
    baseline) args=("http://127.0.0.1:$port/health") ;;
    best) args=("http://127.0.0.1:$port$best") ;;
    signal) args=("http://127.0.0.1:$port/api/areas/TK/signals/carbon/current") ;;
    ingest) args=(-s "$here/ingest.lua" "http://127.0.0.1:$port") ;;
  esac
  WATTBIT_KEY="$key" wrk -t2 -c"$connections" -d2s "${args[@]}" >/dev/null   # warm-up round
  echo "== $name"
  WATTBIT_KEY="$key" wrk -t2 -c"$connections" -d"${seconds}s" --latency "${args[@]}" | grep -E "Requests/sec|Latency|  50%|  99%|Non-2xx|Socket errors"
done
