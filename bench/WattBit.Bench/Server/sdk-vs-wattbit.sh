#!/usr/bin/env bash
# The Carbon Aware SDK's own WebApi and WattBit's drop-in, side by side (loopback only, bounded; never in CI): both
# started on the same JSON emissions file and location file with the SDK's own configuration keys, the same queries
# sent to both (answers compared as parsed JSON: status, then body), then the same wrk load on each query, one server
# at a time, in one run; prints each query's requests/s and p99 for both and the ratio WattBit / SDK.
# The ceiling: a minimal Kestrel app (built here into the temporary folder, never in the repository) that answers each
# query with the SDK's recorded answer for it (status and the same bytes, computed once: no work per request) under the
# same wrk load. Its req/s is what any server of this HTTP stack reaches on this machine with this load; ceiling / SDK is
# the highest ratio any server could show against the SDK on that query here (WATTBIT_BENCH_CEILING=0 skips it).
# The SDK is never vendored: build its WebApi outside this repository (docs/server.md says how) and name its dll:
#   CARBON_AWARE_SDK_DLL=/tmp/casdk/src/CarbonAware.WebApi/src/bin/Release/net10.0/CarbonAware.WebApi.dll \
#     bench/WattBit.Bench/Server/sdk-vs-wattbit.sh [seconds=10] [connections=16]
# WATTBIT_SERVER_DLL: an already built server instead of building Release.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-10}"; conns="${2:-16}"; port=5104
sdk="${CARBON_AWARE_SDK_DLL:?set CARBON_AWARE_SDK_DLL to the CarbonAware.WebApi.dll of the SDK}"
dll="${WATTBIT_SERVER_DLL:-$root/src/WattBit.Server/bin/Release/net10.0/WattBit.Server.dll}"
[ -n "${WATTBIT_SERVER_DLL:-}" ] || dotnet build -c Release "$root/src/WattBit.Server" -v q -nologo -p:WattBitSkipDashboard=true >/dev/null
out="$(mktemp -d)"; server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$out"' EXIT
# The SDK's JSON shape (sdk-data.py, shared with sdk-drop-in.sh).
python3 "$here/sdk-data.py" "$out"
cat >"$out/compare.py" <<'PY'
import json, sys
def load(code, body):
    c = open(code).read().strip(); b = open(body).read()
    try:
        return c, (json.loads(b) if b.strip() else None)
    except ValueError:
        return c, b
a, b = load(sys.argv[1], sys.argv[2]), load(sys.argv[3], sys.argv[4])
print("same answer" if a == b else "DIFFERENT: sdk %s %s / wattbit %s %s" % (a[0], str(a[1])[:160], b[0], str(b[1])[:160]))
PY
queries=(
  "/emissions/bylocations/best?location=eastus&location=westus&location=japaneast&time=2022-01-03T00:00:00Z&toTime=2022-01-04T00:00:00Z"
  "/emissions/bylocation?location=eastus&time=2022-01-03T00:00:00Z&toTime=2022-01-03T08:00:00Z"
  "/emissions/bylocations?location=eastus&location=uksouth&time=2022-01-03T00:00:00Z&toTime=2022-01-03T02:00:00Z"
  "/emissions/average-carbon-intensity?location=eastus&startTime=2022-01-03T00:00:00Z&endTime=2022-01-03T06:00:00Z"
  "/emissions/bylocation?location=nowhere&time=2022-01-03T00:00:00Z&toTime=2022-01-03T02:00:00Z"
)
config=(DataSources__EmissionsDataSource=Json DataSources__Configurations__Json__Type=JSON DataSources__Configurations__Json__DataFileLocation="$out/emissions.json"
  LocationDataSourcesConfiguration__LocationSourceFiles__0__DataFileLocation="$out/regions.json")
# The ceiling app: every request answered from a table built at start (path + query -> status, body), nothing else.
build_ceiling() {
  mkdir -p "$out/ceiling-src"
  cat >"$out/ceiling-src/Ceiling.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
</Project>
XML
  cat >"$out/ceiling-src/Program.cs" <<'CS'
var answers = new Dictionary<string, (int Status, byte[] Body)>(StringComparer.Ordinal);
foreach (var f in Directory.GetFiles(Environment.GetEnvironmentVariable("CEILING_ANSWERS")!, "*.query"))
{
    answers[File.ReadAllText(f).Trim()] = (int.Parse(File.ReadAllText(Path.ChangeExtension(f, ".code")).Trim()), File.ReadAllBytes(Path.ChangeExtension(f, ".body")));
}

var small = """{"ok":true}"""u8.ToArray();
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.Run(ctx =>
{
    var (status, body) = answers.TryGetValue(ctx.Request.Path + ctx.Request.QueryString, out var a) ? a : (200, small);
    ctx.Response.StatusCode = status;
    if (body.Length == 0)
    {
        return Task.CompletedTask;
    }

    ctx.Response.ContentType = "application/json; charset=utf-8";
    ctx.Response.ContentLength = body.Length;
    return ctx.Response.Body.WriteAsync(body).AsTask();
});
app.Run();
CS
  dotnet build -c Release "$out/ceiling-src" -o "$out/ceiling-bin" -v q -nologo >"$out/ceiling-build.log" 2>&1 || { echo "ceiling app did not build:"; cat "$out/ceiling-build.log"; exit 1; }
}
start() { # label dll
  mkdir -p "$out/$1"
  (cd "$(dirname "$2")" && env "${config[@]}" WattBit__Store="$out/$1/wattbit.db" WattBit__Journal="$out/$1/journal.jsonl" \
    WattBit__RequestsPerSecond=1000000 WattBit__Burst=1000000 Logging__LogLevel__Default=Warning \
    dotnet "$2" --urls "http://127.0.0.1:$port" >"$out/$1/server.log" 2>&1) &
  server=$!
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$port/locations" && return; sleep 0.5; done
  echo "$1 did not start:"; cat "$out/$1/server.log"; exit 1
}
stop() { pkill -P "$server" 2>/dev/null || true; kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=; sleep 1; }
measure() { # label
  local i=0
  for q in "${queries[@]}"; do
    i=$((i + 1))
    curl -s -o "$out/$1.$i.body" -w '%{http_code}' "http://127.0.0.1:$port$q" >"$out/$1.$i.code"
    wrk -t1 -c2 -d1s "http://127.0.0.1:$port$q" >/dev/null
    wrk -t1 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port$q" >"$out/$1.$i.wrk"
  done
}
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "settings: ${seconds}s per query, $conns connections, one server at a time on 127.0.0.1:$port"
ceiling="${WATTBIT_BENCH_CEILING:-1}"
[ "$ceiling" = 0 ] || build_ceiling
start sdk "$sdk"; measure sdk; stop
start wattbit "$dll"; measure wattbit; stop
if [ "$ceiling" != 0 ]; then
  mkdir -p "$out/answers"; i=0
  for q in "${queries[@]}"; do
    i=$((i + 1)); printf '%s' "$q" >"$out/answers/$i.query"; cp "$out/sdk.$i.code" "$out/answers/$i.code"; cp "$out/sdk.$i.body" "$out/answers/$i.body"
  done
  export CEILING_ANSWERS="$out/answers"
  start ceiling "$out/ceiling-bin/Ceiling.dll"; measure ceiling; stop
fi
rps() { awk '/Requests\/sec/{print $2}' "$1"; }
p99() { awk '$1=="99%"{print $2}' "$1"; }
i=0
for q in "${queries[@]}"; do
  i=$((i + 1))
  same=$(python3 "$out/compare.py" "$out/sdk.$i.code" "$out/sdk.$i.body" "$out/wattbit.$i.code" "$out/wattbit.$i.body")
  s=$(rps "$out/sdk.$i.wrk"); w=$(rps "$out/wattbit.$i.wrk")
  printf '%s\n  sdk %10s req/s p99 %8s | wattbit %10s req/s p99 %8s | ratio %6s x | %s %s\n' "$q" "$s" "$(p99 "$out/sdk.$i.wrk")" "$w" "$(p99 "$out/wattbit.$i.wrk")" \
    "$(awk -v a="$w" -v b="$s" 'BEGIN{printf "%.1f", a/b}')" "$same" "$(grep -hE 'Non-2xx|Socket errors' "$out/sdk.$i.wrk" "$out/wattbit.$i.wrk" | tr -s ' ' | tr '\n' ' ')"
  if [ "$ceiling" != 0 ]; then
    c=$(rps "$out/ceiling.$i.wrk")
    printf '  ceiling %10s req/s p99 %8s (%s bytes) | ceiling / sdk %6s x | wattbit / ceiling %5s\n' "$c" "$(p99 "$out/ceiling.$i.wrk")" "$(wc -c <"$out/sdk.$i.body")" \
      "$(awk -v a="$c" -v b="$s" 'BEGIN{printf "%.1f", a/b}')" "$(awk -v a="$w" -v b="$c" 'BEGIN{printf "%.2f", a/b}')"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
