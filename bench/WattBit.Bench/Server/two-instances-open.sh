# The open-loop mode of two-instances.sh (sourced by it after PostgreSQL is up: uses start_server, $out, $key, $pa, $pb,
# $read_url, $loadgen, $seconds, $share, $conns). See the usage at the top of two-instances.sh and decision 0217.
results="$root/out/two-instances/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_s() { # pid -> user+system CPU seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
probe() { # base-url year -> "reads/s ingest/s", closed loop, 3 s each
  local r i
  r=$(wrk -t1 -c"$conns" -d3s "$1$read_url" | awk '/Requests\/sec/{print $2}')
  i=$(WATTBIT_KEY="$key" WATTBIT_INGEST_YEAR="$2" wrk -t1 -c"$conns" -d3s -s "$here/ingest.lua" "$1" | awk '/Requests\/sec/{print $2}')
  echo "$r $i"
}
warm() { # base-url year
  WATTBIT_KEY="$key" WATTBIT_INGEST_YEAR="$2" wrk -t1 -c2 -d2s -s "$here/ingest.lua" "$1" >/dev/null
  wrk -t1 -c2 -d2s "$1$read_url" >/dev/null
}
phase() { # name pids -- loadgen targets...
  local name=$1; shift; local ps=(); while [ "$1" != -- ]; do ps+=("$1"); shift; done; shift
  local la0 c0=() c1=() i
  la0=$(loadavg); for p in "${ps[@]}"; do c0+=("$(cpu_s "$p")"); done
  dotnet "$loadgen" --duration "$seconds" --warmup "$warmup" --connections "$conns" --key "$key" \
    --csv "$results/$name.trace.csv" --summary "$results/$name.summary.tsv" "$@" >"$results/$name.loadgen.txt"
  for p in "${ps[@]}"; do c1+=("$(cpu_s "$p")"); done
  { echo "load_before	$la0"; echo "load_after	$(loadavg)"
    echo "generator_cpu	$(grep '^generator CPU' "$results/$name.loadgen.txt" | sed 's/^generator CPU: //')"
    for i in "${!ps[@]}"; do echo "server_cpu_$i	$(awk -v a="${c0[$i]}" -v b="${c1[$i]}" -v s="$((seconds + warmup))" 'BEGIN{printf "%.1f s = %.0f %% of one core", b - a, 100 * (b - a) / s}')"; done
  } >"$results/$name.env"
}

echo "machine: $(nproc) cores; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); server $dll"
echo "open loop: ${seconds} s per phase after ${warmup} s of the same load not recorded (WATTBIT_BENCH_WARMUP); each route at ${share} % of its probed capacity in all; $conns connections per route and instance"
echo "load average before: $(loadavg)"
start_server a "$pa"; a=$started
warm "http://127.0.0.1:$pa" 2040
read -r cra cia <<<"$(probe "http://127.0.0.1:$pa" 2041)"
start_server b "$pb"; b=$started
warm "http://127.0.0.1:$pb" 2042
read -r crb cib <<<"$(probe "http://127.0.0.1:$pb" 2043)"
reads=$(awk -v a="$cra" -v b="$crb" -v s="$share" 'BEGIN{printf "%.0f", s / 100 * (a + b) / 2}')
ingest=$(awk -v a="$cia" -v b="$cib" -v s="$share" 'BEGIN{printf "%.0f", s / 100 * (a + b) / 2}')
half() { awk -v r="$1" 'BEGIN{printf "%.1f", r / 2}'; }
printf 'probe (closed loop, wrk, %d connections, 3 s, one instance at a time): reads %s / %s req/s, ingest %s / %s req/s (A / B)\n' "$conns" "$cra" "$crb" "$cia" "$cib"
echo "asked: reads $reads req/s and ingest $ingest req/s in all (two instances: half each; one instance: all on A)"
{ echo "reads_capacity	$cra	$crb"; echo "ingest_capacity	$cia	$cib"; echo "share	$share"; echo "seconds	$seconds"
  echo "connections	$conns"; echo "commit	$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"; } >"$results/run.tsv"
ua="http://127.0.0.1:$pa"; ub="http://127.0.0.1:$pb"
phase two "$a" "$b" -- --target "reads-a,read,$(half "$reads"),$ua$read_url" --target "reads-b,read,$(half "$reads"),$ub$read_url" \
  --target "ingest-a,ingest,$(half "$ingest"),$ua,2025" --target "ingest-b,ingest,$(half "$ingest"),$ub,2026"
kill "$b" 2>/dev/null || true; wait "$b" 2>/dev/null || true
phase one "$a" -- --target "reads-a,read,$reads,$ua$read_url" --target "ingest-a,ingest,$ingest,$ua,2027"
kill "$a" 2>/dev/null || true; wait "$a" 2>/dev/null || true
for i in a b; do
  grep -o 'runtime-trace second=.*' "$out/$i/server.log" | sed 's/^runtime-trace //' >"$results/runtime-$i.txt" || true
done
python3 "$here/two-instances-open.py" "$results"
echo "load average after: $(loadavg)"
echo "per-second traces: $results"
