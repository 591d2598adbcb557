#!/usr/bin/env bash
# Ingest latency under concurrent reads (loopback only, bounded), group commit against one commit per request, in the
# same run. For each setting (WattBit:GroupCommit=false, the baseline, then true) it starts the Release server on a
# fresh SQLite store and measures with wrk:
#   alone   PUT /api/areas/TK/signals/carbon (one value per request) with nothing else running
#   loaded  the same ingest while a second wrk reads the current signal and the best location as fast as it can
# and prints the p50/p99/max of ingest and reads, then the loaded ingest p99 of group commit as a ratio of the baseline's.
# Usage: bench/WattBit.Bench/Server/ingest-under-reads.sh [seconds=10] [ingest-connections=8] [read-connections=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-10}"
ic="${2:-8}"
rc="${3:-32}"
port=5098
key="bench-grid-operator-key-0123456789"
sha="$(printf %s "$key" | sha256sum | cut -d' ' -f1)"
# WATTBIT_SERVER_DLL: an already built server (for example the Debug build) instead of building Release.
dll="${WATTBIT_SERVER_DLL:-$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll}"
[ -n "${WATTBIT_SERVER_DLL:-}" ] || dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo -p:WattBitSkipDashboard=true >/dev/null
out="$(mktemp -d)"
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$out"' EXIT

p99_ms() { # wrk --latency output -> 99th percentile in ms
  awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$1"
}

for group in false true; do
  work="$out/$group"; mkdir -p "$work"
  WattBit__Store="$work/wattbit.db" WattBit__Journal="$work/journal.jsonl" WattBit__GroupCommit=$group \
  WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000 \
  WattBit__ApiKeys__0__Id=bench-tso WattBit__ApiKeys__0__Sha256="$sha" WattBit__ApiKeys__0__Role=grid-operator WattBit__ApiKeys__0__Area=TK \
  Logging__LogLevel__Default=Warning dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  WATTBIT_KEY="$key" wrk -t1 -c"$ic" -d2s -s "$here/ingest.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up
  WATTBIT_KEY="$key" wrk -t1 -c"$ic" -d"${seconds}s" --latency -s "$here/ingest.lua" "http://127.0.0.1:$port" >"$work/alone.txt"
  wrk -t1 -c"$rc" -d"$((seconds + 2))s" --latency "http://127.0.0.1:$port/api/areas/TK/signals/carbon/current" >"$work/reads.txt" &
  reads=$!
  sleep 1
  WATTBIT_KEY="$key" wrk -t1 -c"$ic" -d"${seconds}s" --latency -s "$here/ingest.lua" "http://127.0.0.1:$port" >"$work/loaded.txt"
  wait $reads
  kill $server; wait $server 2>/dev/null || true; server=
  for f in alone loaded reads; do
    echo "== group commit $group: $f"
    grep -E "Requests/sec|Latency|  50%|  99%|Non-2xx|Socket errors" "$work/$f.txt"
  done
done
base=$(p99_ms "$out/false/loaded.txt"); grouped=$(p99_ms "$out/true/loaded.txt")
echo "ingest p99 under reads: one commit per request ${base} ms, group commit ${grouped} ms, ratio $(awk -v a="$grouped" -v b="$base" 'BEGIN{printf "%.2f", a/b}')"
