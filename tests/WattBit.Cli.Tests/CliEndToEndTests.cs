using WattBit.Testing;

namespace WattBit.Cli.Tests;

public sealed class CliEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-").FullName;

    private static string Sample(string name) => Path.Combine(SharedData.RepoRoot, "samples", "shift", name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Help_ListsEveryCommandWithItsPurpose()
    {
        var r = await WattbitProcess.RunAsync(_dir, "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var command in new[] { "demo", "shift", "best" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s+\S.+$", r.Out);
        }
    }

    [Fact]
    public async Task Help_ExplainsEveryGridTermItsCommandsUse()
    {
        var r = await WattbitProcess.RunAsync(_dir, "--help");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n');
        var legend = Array.FindIndex(lines, l => l.Contains("Terms used in the commands", StringComparison.Ordinal));
        var commands = Array.FindIndex(lines, l => l.TrimStart().StartsWith("Commands:", StringComparison.Ordinal));
        Assert.True(legend >= 0 && commands > legend, r.Out);
        foreach (var term in new[] { "空き容量", "②", "③" })
        {
            // The commands' own descriptions use the term, so the legend has to explain it: a legend line starts with it and says what it is.
            Assert.Contains(lines[commands..], l => l.Contains(term, StringComparison.Ordinal));
            var entry = lines[legend..commands].SingleOrDefault(l => l.TrimStart().StartsWith(term, StringComparison.Ordinal));
            Assert.True(entry is not null, $"no legend line for {term}:\n{r.Out}");
            Assert.Contains("headroom", entry, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Demo_RunsOnBuiltInDataAndWritesSchedules()
    {
        var r = await WattbitProcess.RunAsync(_dir, "demo", "--out", "out");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Emissions (kg CO2)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Cost (JPY)", r.Out, StringComparison.Ordinal);
        Assert.Contains("proven optimal", r.Out, StringComparison.Ordinal);
        var schedule = await File.ReadAllLinesAsync(Path.Combine(_dir, "out", "schedule-carbon.csv"));
        Assert.Equal("id,location,start,end", schedule[0]);
        Assert.True(schedule.Length > 300);
    }

    [Fact]
    public async Task Shift_WritesTheScheduleAndTotals()
    {
        var r = await WattbitProcess.RunAsync(_dir, "shift", "--signal", Sample("signal-price.csv"), "--jobs", Sample("jobs.csv"),
            "--objective", "cost", "--out", "s.csv");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Matches(@"Cost \(JPY\)\s+│\s+[\d,.]+\s+│\s+[\d,.]+\s+│\s+-\d", r.Out);
        var rows = (await File.ReadAllLinesAsync(Path.Combine(_dir, "s.csv"))).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, row => Assert.Equal(4, row.Length));
        Assert.Equal(300, rows.Select(row => row[0]).Distinct().Count());
    }

    [Fact]
    public async Task Shift_ToStandardOutput_KeepsTheCsvClean()
    {
        var r = await WattbitProcess.RunAsync(_dir, "shift", "--signal", Sample("signal-carbon.csv"), "--jobs", Sample("jobs.csv"), "--out", "-");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,location,start,end", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^[^,]+,(HKD|TK|KY),\d{4}-\d\d-\d\dT[\d:]+\+09:00,\d{4}-\d\d-\d\dT[\d:]+\+09:00$", l));
        Assert.Contains("Emissions", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shift_WithCapacity_SaysWhetherTheOptimumIsProven()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "j.csv"), """
            id,release,deadline,duration_minutes,power_kw,interruptible,locations
            a,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,100,false,TK
            b,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,100,false,TK
            c,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,300,false,TK
            """);
        var r = await WattbitProcess.RunAsync(_dir, "shift", "--signal", Sample("signal-carbon.csv"), "--jobs", "j.csv", "--capacity-kw", "TK=150");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("proven optimal", r.Out, StringComparison.Ordinal);
        Assert.Contains("2 of 3 jobs placed", r.Out, StringComparison.Ordinal);
        Assert.Contains("exceeds the capacity of every location", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad-timestamp", "j.csv:2:3: release: '2025-13-01T00:00:00+09:00' is not an ISO 8601 timestamp")]
    [InlineData("missing-column", "j.csv:1: missing column 'power_kw'")]
    [InlineData("deadline-before-release", "j.csv:2:29: job 'a': deadline 2025-05-12T00:00:00+09:00 is not after its release")]
    [InlineData("too-long", "j.csv:2:55: job 'a': duration 600 min is longer than its window")]
    [InlineData("unknown-location", "j.csv:2:68: job 'a': unknown location 'OSAKA'")]
    public async Task Shift_MalformedJobs_FailWithOneLineNamingTheFileLineAndColumn(string kind, string expected)
    {
        var row = kind switch
        {
            "bad-timestamp" => "a,2025-13-01T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,100,false,TK",
            "missing-column" => "a,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,false,TK",
            "deadline-before-release" => "a,2025-05-12T06:00:00+09:00,2025-05-12T00:00:00+09:00,60,100,false,TK",
            "too-long" => "a,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,600,100,false,TK",
            _ => "a,2025-05-12T00:00:00+09:00,2025-05-12T06:00:00+09:00,60,100,false,OSAKA",
        };
        var header = kind == "missing-column"
            ? "id,release,deadline,duration_minutes,interruptible,locations"
            : "id,release,deadline,duration_minutes,power_kw,interruptible,locations";
        await File.WriteAllTextAsync(Path.Combine(_dir, "j.csv"), header + "\n" + row + "\n");
        var r = await WattbitProcess.RunAsync(_dir, "shift", "--signal", Sample("signal-carbon.csv"), "--jobs", "j.csv");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Out + r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "schedule.csv")));
    }

    [Fact]
    public async Task Shift_MixedSignalSteps_FailWithTheLine()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "s.csv"), """
            timestamp,location,value
            2025-05-12T00:00:00+09:00,TK,400
            2025-05-12T01:00:00+09:00,TK,400
            2025-05-12T01:30:00+09:00,TK,400
            """);
        var r = await WattbitProcess.RunAsync(_dir, "shift", "--signal", "s.csv", "--jobs", Sample("jobs.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("s.csv:4:1: mixed steps", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Best_FindsTheLowestWindowAndListsIt()
    {
        var r = await WattbitProcess.RunAsync(_dir, "best", "--signal", Sample("signal-carbon.csv"), "--location", "TK", "--location", "KY",
            "--from", "2025-05-12T00:00:00+09:00", "--to", "2025-05-13T00:00:00+09:00", "--window", "120");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Matches(@"│ (TK|KY)\s+│ 2025-05-12T\d\d:\d\d:00\+09:00 │", r.Out);
    }

    [Fact]
    public async Task Best_ToBeforeFrom_IsAClearError()
    {
        var r = await WattbitProcess.RunAsync(_dir, "best", "--signal", Sample("signal-carbon.csv"), "--location", "TK",
            "--from", "2025-05-13T00:00:00+09:00", "--to", "2025-05-12T00:00:00+09:00");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("must be after --from", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Best_UnknownLocation_NamesItWithoutDotNetParameterNames()
    {
        var r = await WattbitProcess.RunAsync(_dir, "best", "--signal", Sample("signal-carbon.csv"), "--location", "XX",
            "--from", "2025-05-12T00:00:00+09:00", "--to", "2025-05-13T00:00:00+09:00");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown location 'XX'", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signals_BadMetric_ExitsTwoWithOneErrorLineAndNoUsageDump()
    {
        var r = await WattbitProcess.RunAsync(_dir, "signals", "--area", "TK", "--metric", "nope");
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("nope", lines[0], StringComparison.Ordinal);
        Assert.Equal("(see 'wattbit signals --help')", lines[^1]);
        Assert.DoesNotContain("Usage:", r.Out + r.Error, StringComparison.Ordinal);
    }
}
