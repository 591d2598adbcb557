using WattBit.Simulation.Reporting;

namespace WattBit.Simulation.Tests;

public sealed class SimulationReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wattbit-sim-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Report_IsSelfContainedHtmlWithPngPlots_SvgsBeside_AndCsvsOfEveryPolicy()
    {
        var result = TestScenarios.Run(TestScenarios.Parse(TestScenarios.Yaml(days: 7)));
        var path = SimulationReport.Write(result, _dir);
        var html = File.ReadAllText(path);
        Assert.Equal(6, CountOf(html, "src=\"data:image/png;base64,iVBOR"));
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
        var svgs = Directory.GetFiles(Path.Combine(_dir, "plots"), "*.svg");
        Assert.Equal(6, svgs.Length);
        Assert.All(svgs, f => Assert.Contains("<svg", File.ReadAllText(f), StringComparison.Ordinal));
        var summary = File.ReadAllLines(Path.Combine(_dir, "summary.csv"));
        Assert.Equal(1 + result.Policies.Count, summary.Length);
        Assert.StartsWith("wattbit-planner,", summary[^1], StringComparison.Ordinal);
        Assert.Equal(1 + (result.Policies.Count * 10), File.ReadAllLines(Path.Combine(_dir, "areas.csv")).Length);
        Assert.Equal(1 + (result.Policies.Count * 12), File.ReadAllLines(Path.Combine(_dir, "curtailment_by_month.csv")).Length);
        Assert.Equal(1 + (result.Policies.Count * result.Scenario.Sites.Count), File.ReadAllLines(Path.Combine(_dir, "sites.csv")).Length);
    }

    [Fact]
    public void WhyNotes_ExplainOverLimitHoursOfPoliciesBlindToLimits_AndAreasWhoseEmissionsRise()
    {
        var result = TestScenarios.Run(TestScenarios.Parse(TestScenarios.Yaml(gridFactor: 0.5, targetMw: 8)));
        var notes = ReportNotes.Why(result);
        var baseline = result.Policies[0];
        Assert.True(baseline.StepsAnySiteOverLimit > 0);
        Assert.Contains(notes, n => n.StartsWith($"baseline is over a limit in {baseline.StepsAnySiteOverLimit:N0} of", StringComparison.Ordinal));

        // No note blames a limit-honouring policy for being over a limit.
        Assert.DoesNotContain(notes, n => n.StartsWith("wattbit", StringComparison.Ordinal));

        // Every area named as rising did emit more than under the baseline (read from the area totals).
        foreach (var p in result.Policies.Skip(1).Where(p => p.Overall.LifecycleTonnes < baseline.Overall.LifecycleTonnes))
        {
            var rising = Enumerable.Range(0, result.World.AreaCodes.Count).Where(a => p.ByArea[a].LifecycleTonnes > baseline.ByArea[a].LifecycleTonnes + 0.5).ToArray();
            var note = notes.SingleOrDefault(n => n.StartsWith($"Under {Policies.PolicyFactory.Name(p.Policy)} emissions rise", StringComparison.Ordinal));
            Assert.Equal(rising.Length > 0, note is not null);
            foreach (var a in rising.Take(4))
            {
                Assert.Contains(result.World.AreaCodes[a] + " +", note!, StringComparison.Ordinal);
            }
        }

        Assert.Contains(ReportNotes.Meanings, m => m.Column == "hours over limit" && m.Meaning.StartsWith("hours in which at least one site", StringComparison.Ordinal));
    }

    [Fact]
    public void SameSeed_WritesTheSameCsvs()
    {
        var a = SimulationReport.Write(TestScenarios.Run(TestScenarios.Parse(TestScenarios.Yaml(days: 7, forecastError: 0.1))), Path.Combine(_dir, "a"));
        var b = SimulationReport.Write(TestScenarios.Run(TestScenarios.Parse(TestScenarios.Yaml(days: 7, forecastError: 0.1))), Path.Combine(_dir, "b"));
        foreach (var file in new[] { "summary.csv", "areas.csv", "curtailment_by_month.csv", "sites.csv", "watch_site.csv" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(Path.GetDirectoryName(a)!, file)), File.ReadAllText(Path.Combine(Path.GetDirectoryName(b)!, file)));
        }
    }

    [Theory]
    [InlineData(1234567.84, "1234568")]
    [InlineData(907916.66, "907916.7")]
    [InlineData(12.34567, "12.346")]
    [InlineData(0.00004, "0")]
    [InlineData(-0.0004, "0")]
    [InlineData(-2.5e9, "-2500000000")]
    [InlineData(0, "0")]
    public void CsvNumbers_KeepAboutSevenSignificantDigits_AndAtMostThreeDecimals(double value, string text) =>
        Assert.Equal(text, SimulationReport.Rounded(value));

    [Fact]
    public void Summary_HasOneRowPerPolicyInScenarioOrder()
    {
        var result = TestScenarios.Run(TestScenarios.Parse(TestScenarios.Yaml(days: 3)));
        var rows = SimulationReport.Summary(result);
        Assert.Equal(["baseline", "time-shift", "greenest-site", "capacity-caps", "wattbit", "wattbit-planner"], rows.Select(r => r.Policy));
        Assert.Equal(0, rows[^1].HoursOverLimit);
    }

    private static int CountOf(string text, string fragment)
    {
        var n = 0;
        for (var i = text.IndexOf(fragment, StringComparison.Ordinal); i >= 0; i = text.IndexOf(fragment, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
