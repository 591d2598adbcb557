#!/usr/bin/env bash
# Two WattBit instances on one PostgreSQL (loopback only, bounded), against one instance in the same run:
#   one    one instance: reads (current carbon signal) alone, then ingest (one published value per request) alone
#   two    a second instance on the same database; the same loads split evenly over both (half the connections each,
#          as a load balancer would), read and ingest p99 of each instance
#   kill   writers alternating between the instances (two-instances.py); instance A is killed (SIGKILL) half-way, its
#          writers go on with B; every write answered 200 is then read back from B
# It starts a throwaway PostgreSQL cluster (Debian postgresql package; as root it runs as the postgres user), prints
# the machine (cores, load average before and after each configuration, commit) and removes everything at the end.
# The three phases run once per thread-pool configuration (WATTBIT_BENCH_MIN_THREADS, default "default"; "default 64": the
# runtime's own minimum, one thread per core, then a minimum of 64 worker threads: the server's runtimeconfig with
# System.Threading.ThreadPool.MinThreads added, through dotnet exec --runtimeconfig), on the same database, in the same run, so their numbers compare.
# Usage: bench/WattBit.Bench/Server/two-instances.sh [seconds=10] [read-connections=16] [ingest-connections=4] [writers=8]
#
# Open loop (decision 0217): bench/WattBit.Bench/Server/two-instances.sh open [seconds=20] [share-percent=10] [connections=4]
#   Each phase first sends its load for WATTBIT_BENCH_WARMUP seconds (default 3) without recording it (the generator's own start).
#   probe  each instance alone, closed loop (wrk, 3 s): the reads and the ingest it serves per second (its capacity)
#   two    both instances at fixed rates (WattBit.LoadGen, open loop, latency from each request's intended send time):
#          reads at share % of the probed read capacity in all, half on each instance, and ingest likewise, together
#   one    the same total rates on instance A alone
#   Prints per instance and route: rate asked / achieved, p50, p99, p99.9, max, the load average and the generator's and
#   servers' CPU; then whether "reads p99 < 10 ms with two instances" (and ingest p99 < 50 ms) holds at those rates, and
#   the tail seconds (a route's p99 in that second over its target) joined with the servers' per-second runtime trace (GC
#   pauses, thread pool, NOTIFYs, job ticks, lease renewals). Per-second CSVs are kept under out/two-instances/.
# WATTBIT_SERVER_DLL: an already built server (for example the Debug build) instead of building Release.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
mode=closed
if [ "${1:-}" = open ]; then mode=open; shift; fi
if [ "$mode" = open ]; then seconds="${1:-20}"; share="${2:-10}"; conns="${3:-4}"; warmup="${WATTBIT_BENCH_WARMUP:-3}"
else seconds="${1:-10}"; rc="${2:-16}"; ic="${3:-4}"; writers="${4:-8}"; fi
pa=5101; pb=5102; pgport=55441
key="bench-grid-operator-key-0123456789"
sha="$(printf %s "$key" | sha256sum | cut -d' ' -f1)"
dll="${WATTBIT_SERVER_DLL:-$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll}"
[ -n "${WATTBIT_SERVER_DLL:-}" ] || dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo -p:WattBitSkipDashboard=true >/dev/null
loadgen="$root/bench/WattBit.LoadGen/bin/Release/net10.0/WattBit.LoadGen.dll"
[ "$mode" = closed ] || dotnet build -c Release "$root/bench/WattBit.LoadGen" -v q -nologo >/dev/null
out="$(mktemp -d)"; chmod 755 "$out"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  as_pg "$bin/pg_ctl" -D "$out/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
mkdir "$out/pg"; [ "$(id -u)" = 0 ] && chown postgres "$out/pg"
as_pg "$bin/initdb" -D "$out/pg" -U wattbit --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$bin/pg_ctl" -D "$out/pg" -o "-p $pgport -k $out/pg -c listen_addresses=127.0.0.1" -l "$out/pg/server.log" -w start >/dev/null
store="postgres:Host=127.0.0.1;Port=$pgport;Username=wattbit;Database=postgres"

minthreads=default
start_server() { # name port -> pid in $started
  mkdir -p "$out/$1"
  local run=(dotnet)
  if [ "$minthreads" != default ]; then # the server's own runtimeconfig with the thread-pool minimum added
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["runtimeOptions"].setdefault("configProperties",{})["System.Threading.ThreadPool.MinThreads"]=int(sys.argv[2]); json.dump(c,open(sys.argv[3],"w"))' \
      "${dll%.dll}.runtimeconfig.json" "$minthreads" "$out/min$minthreads.runtimeconfig.json"
    run=(dotnet exec --runtimeconfig "$out/min$minthreads.runtimeconfig.json")
  fi
  WattBit__Store="$store" WattBit__InstanceId="$1" WattBit__Journal="$out/$1/journal.jsonl" \
  WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000 \
  WattBit__ApiKeys__0__Id=bench-tso WattBit__ApiKeys__0__Sha256="$sha" WattBit__ApiKeys__0__Role=grid-operator WattBit__ApiKeys__0__Area=TK \
  WattBit__RuntimeTrace=$([ "$mode" = open ] && echo true || echo false) \
  Logging__LogLevel__Default=Warning "${run[@]}" "$dll" --urls "http://127.0.0.1:$2" \
    --Logging:LogLevel:WattBit.Server.Diagnostics.RuntimeTrace=Information >"$out/$1/server.log" 2>&1 &
  started=$!; pids+=("$started")
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$2/health" >/dev/null && return; sleep 0.5; done
  echo "instance $1 did not start:"; cat "$out/$1/server.log"; exit 1
}
p99() { awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$1"; }
rps() { awk '/Requests\/sec/{print $2}' "$1"; }
read_url="/api/areas/TK/signals/carbon/current"
load() { # label kind(reads|ingest) connections url...
  local label=$1 kind=$2 conns=$3; shift 3
  local n=$#; local per=$(( conns / n > 0 ? conns / n : 1 )); local i=0; local ws=()
  for u in "$@"; do
    i=$((i + 1))
    if [ "$kind" = reads ]; then wrk -t1 -c"$per" -d"${seconds}s" --latency "$u$read_url" >"$out/$label.$i.txt" &
    else WATTBIT_KEY="$key" WATTBIT_INGEST_YEAR=$((2024 + i)) wrk -t1 -c"$per" -d"${seconds}s" --latency -s "$here/ingest.lua" "$u" >"$out/$label.$i.txt" &
    fi
    ws+=($!)
  done
  wait "${ws[@]}"
  for j in $(seq 1 "$n"); do printf '%-14s instance %d: p99 %8.2f ms  %9.1f req/s  %s\n' "$label" "$j" "$(p99 "$out/$label.$j.txt")" "$(rps "$out/$label.$j.txt")" \
    "$(grep -E 'Non-2xx|Socket errors' "$out/$label.$j.txt" | tr -s ' ' | tr '\n' ' ')"; done
  total=$(cat "$out/$label".*.txt | awk '/Requests\/sec/{t+=$2} END{printf "%.1f", t}')
  printf '%-14s together: %9s req/s' "$label" "$total"
  case "$label" in two-*) printf '  = %s x one instance (%s req/s)' "$(awk -v a="$total" -v b="$(cat "$out/one-${label#two-}".*.txt | awk '/Requests\/sec/{t+=$2} END{print t}')" 'BEGIN{printf "%.2f", a/b}')" \
    "$(cat "$out/one-${label#two-}".*.txt | awk '/Requests\/sec/{t+=$2} END{printf "%.1f", t}')";; esac
  printf '  (load average %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ "$mode" = open ]; then
  # shellcheck source=two-instances-open.sh
  . "$here/two-instances-open.sh"
  exit 0
fi

echo "machine: $(nproc) cores; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); server $dll"
echo "settings: ${seconds}s per load, $rc read connections, $ic ingest connections, $writers writers in kill-one"
for minthreads in ${WATTBIT_BENCH_MIN_THREADS:-default}; do
  echo "== thread-pool minimum: $minthreads ($([ "$minthreads" = default ] && echo "the runtime's, one per core" || echo "System.Threading.ThreadPool.MinThreads"))"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  start_server a $pa; a=$started
  WATTBIT_KEY="$key" wrk -t1 -c2 -d2s -s "$here/ingest.lua" "http://127.0.0.1:$pa" >/dev/null   # warm-up
  wrk -t1 -c2 -d2s "http://127.0.0.1:$pa$read_url" >/dev/null
  load one-reads reads "$rc" "http://127.0.0.1:$pa"
  load one-ingest ingest "$ic" "http://127.0.0.1:$pa"
  start_server b $pb; b=$started
  WATTBIT_KEY="$key" WATTBIT_INGEST_YEAR=2030 wrk -t1 -c2 -d2s -s "$here/ingest.lua" "http://127.0.0.1:$pb" >/dev/null   # warm-up, as A's
  wrk -t1 -c2 -d2s "http://127.0.0.1:$pb$read_url" >/dev/null
  load two-reads reads "$rc" "http://127.0.0.1:$pa" "http://127.0.0.1:$pb"
  load two-ingest ingest "$ic" "http://127.0.0.1:$pa" "http://127.0.0.1:$pb"
  python3 "$here/two-instances.py" "http://127.0.0.1:$pa" "http://127.0.0.1:$pb" "$a" "$key" "$seconds" "$writers"
  kill "$b" 2>/dev/null || true; wait "$a" "$b" 2>/dev/null || true
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
