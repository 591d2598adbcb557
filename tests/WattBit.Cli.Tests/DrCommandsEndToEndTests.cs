using System.Globalization;
using System.Text;

namespace WattBit.Cli.Tests;

/// <summary><c>wattbit dr baseline</c> run as a user runs it, on a meter file whose baseline is computed by hand.</summary>
public sealed class DrCommandsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-dr-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Weekdays 2025-06-23 .. 2025-07-09 read 100 kWh per slot, except 07-07 at 120 and 07-02 at 60; weekends 500.
    // The event on Wed 07-09 13:00-14:00: pool 07-08 100, 07-07 120, 07-04 100, 07-03 100, 07-02 60 -> High 4 = 105;
    // the event day reads 100 in 9-12 -> adjustment -5 -> baseline 100; it reads 70 in the event -> delivered 30.
    private string WriteMeter(Func<DateOnly, TimeOnly, bool>? skip = null)
    {
        var sb = new StringBuilder("timestamp,kwh\n");
        for (var d = new DateOnly(2025, 6, 23); d <= new DateOnly(2025, 7, 9); d = d.AddDays(1))
        {
            for (var i = 0; i < 48; i++)
            {
                var t = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(30 * i));
                if (skip?.Invoke(d, t) == true)
                {
                    continue;
                }

                var kwh = d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 500
                    : d == new DateOnly(2025, 7, 7) ? 120
                    : d == new DateOnly(2025, 7, 2) ? 60
                    : d == new DateOnly(2025, 7, 9) && t.Hour == 13 ? 70
                    : 100;
                sb.Append(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd}T{t:HH:mm}:00+09:00,{kwh}\n");
            }
        }

        var path = Path.Combine(_dir, "m.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task DrBaseline_WritesBaselineActualAndDeliveredPerSlot()
    {
        WriteMeter();

        var r = await WattbitProcess.RunAsync(_dir, "dr", "baseline", "--meter", "m.csv",
            "--event", "2025-07-09T13:00+09:00/2025-07-09T14:00+09:00", "--out", "b.csv");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("High 4 of 5", r.Out, StringComparison.Ordinal);
        Assert.Equal("""
            timestamp,baseline_kwh,actual_kwh,delivered_kwh
            2025-07-09T13:00:00+09:00,100,70,30
            2025-07-09T13:30:00+09:00,100,70,30

            """.ReplaceLineEndings("\n"), (await File.ReadAllTextAsync(Path.Combine(_dir, "b.csv"))).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task DrBaseline_WithACommitmentProfile_CreditsEachSlotWithinItsOwnCommitment()
    {
        WriteMeter();

        // 0.08 MW then 0.04 MW: 40 and 20 kWh committed; 30 delivered in each slot: credited 30 and 20 = 50, shortfall 10.
        var r = await WattbitProcess.RunAsync(_dir, "dr", "baseline", "--meter", "m.csv",
            "--event", "2025-07-09T13:00+09:00/2025-07-09T14:00+09:00", "--commit", "0.08,0.04", "--out", "b.csv");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Committed 60 kWh (down), credited 50 kWh", r.Out, StringComparison.Ordinal);
        Assert.Equal("""
            timestamp,baseline_kwh,actual_kwh,delivered_kwh,committed_kwh,credited_kwh,shortfall_kwh
            2025-07-09T13:00:00+09:00,100,70,30,40,30,10
            2025-07-09T13:30:00+09:00,100,70,30,20,20,0

            """.ReplaceLineEndings("\n"), (await File.ReadAllTextAsync(Path.Combine(_dir, "b.csv"))).ReplaceLineEndings("\n"));

        var bad = await WattbitProcess.RunAsync(_dir, "dr", "baseline", "--meter", "m.csv",
            "--event", "2025-07-09T13:00+09:00/2025-07-09T14:00+09:00", "--commit", "1,2,3");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--commit: the window", bad.Error, StringComparison.Ordinal);
        Assert.Contains("has 2 30-minute slots; the profile gives 3", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrBaseline_GapInAPoolDay_IsNotComputableWithTheSlot()
    {
        WriteMeter((d, t) => d == new DateOnly(2025, 7, 4) && t == new TimeOnly(13, 30));

        var r = await WattbitProcess.RunAsync(_dir, "dr", "baseline", "--meter", "m.csv",
            "--event", "2025-07-09T13:00+09:00/2025-07-09T14:00+09:00", "--out", "b.csv");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not computable", r.Error, StringComparison.Ordinal);
        Assert.Contains("2025-07-04T13:30:00+09:00", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "b.csv")));
    }
}
