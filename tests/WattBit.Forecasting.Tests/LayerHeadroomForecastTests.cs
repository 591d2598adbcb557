using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Forecasting.Tests;

public sealed class LayerHeadroomForecastTests
{
    // 2025-06-02 00:00 JST, a Monday; ten weeks of hours.
    private static readonly DateTimeOffset s_first = new(2025, 6, 2, 0, 0, 0, Jst.Offset);
    private const int Days = 70;
    private const double Sigma = 50;

    // The truth: a daily shape 800 + 300·sin(2π·hour/24) MW plus independent N(0, 50²) noise (seeded), so the true P10/P50/P90
    // of an hour are its shape ∓ 1.2816·σ and a calibrated P90 covers 90 % of the actual hours.
    private static double Shape(int t) => 800 + (300 * Math.Sin(2 * Math.PI * (t % 24) / 24.0));

    private static (HeadroomTable Layer, double[] Actual) Layer()
    {
        var random = new Random(20);
        var actual = new double[Days * 24];
        for (var t = 0; t < actual.Length; t++)
        {
            // Box-Muller from two uniforms.
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            actual[t] = Shape(t) + (Sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        var substation = new Substation("TK:test", "テスト", JapanAreas.Tokyo, 275, null);
        var hours = actual.Select((v, t) => new HeadroomHour(s_first.AddHours(t), v + 500, v, "line A", "line B"));
        var layer = new HeadroomTable(new HeadroomLayerInfo("test", true, "synthetic", s_first, actual.Length), [(substation, HeadroomSource.Model, hours)]);
        return (layer, actual);
    }

    [Fact]
    public void Forecast_HeldOutWeeks_P90CoversAboutNinetyPercentOfActuals_AndTheQuantilesSitOnTheTruth()
    {
        var (layer, actual) = Layer();
        int covered = 0, below10 = 0, n = 0;
        double medianError = 0, spread = 0;
        // Two held-out weeks, each forecast from its start with only the hours before it.
        foreach (var week in new[] { 8, 9 })
        {
            var origin = s_first.AddDays(7 * week);
            var forecast = new LayerHeadroomForecast(layer, origin);
            var q = forecast.Forecast("TK:test", TimeWindow.FromDuration(origin, TimeSpan.FromDays(7)));
            Assert.Equal(168, q.Count);
            for (var k = 0; k < q.Count; k++)
            {
                var t = (7 * 24 * week) + k;
                Assert.Equal(s_first.AddHours(t), q[k].Start);
                Assert.True(q[k].P10Mw <= q[k].P50Mw && q[k].P50Mw <= q[k].P90Mw, $"hour {t}: {q[k]}");
                covered += actual[t] <= q[k].P90Mw ? 1 : 0;
                below10 += actual[t] < q[k].P10Mw ? 1 : 0;
                medianError += Math.Abs(q[k].P50Mw - Shape(t));
                spread += q[k].P90Mw - q[k].P50Mw;
                n++;
            }
        }

        // Counted here, not by the forecaster: 336 actual hours against their P90 and P10.
        var coverage = (double)covered / n;
        Assert.InRange(coverage, 0.8, 0.97);
        Assert.InRange((double)below10 / n, 0.03, 0.2);
        Assert.True(medianError / n < 0.6 * Sigma, $"mean |P50 − truth| {medianError / n:F1} MW");
        Assert.InRange(spread / n, 0.7 * 1.2816 * Sigma, 1.6 * 1.2816 * Sigma);
    }

    [Fact]
    public void Forecast_WindowBeforeTheOriginOrTooLittleHistory_IsNoData_AndAnUnknownSubstationThrows()
    {
        var (layer, _) = Layer();
        var origin = s_first.AddDays(56);
        var forecast = new LayerHeadroomForecast(layer, origin, horizonHours: 24);
        Assert.Empty(forecast.Forecast("TK:test", TimeWindow.FromDuration(s_first, TimeSpan.FromDays(7))));
        // Only the horizon's hours: a week asked, a day given; a window starting later starts there.
        Assert.Equal(24, forecast.Forecast("TK:test", TimeWindow.FromDuration(origin, TimeSpan.FromDays(7))).Count);
        var later = forecast.Forecast("TK:test", TimeWindow.FromDuration(origin.AddHours(5), TimeSpan.FromHours(3)));
        Assert.Equal([origin.AddHours(5), origin.AddHours(6), origin.AddHours(7)], later.Select(h => h.Start));
        Assert.Empty(new LayerHeadroomForecast(layer, s_first.AddDays(5)).Forecast("TK:test", TimeWindow.FromDuration(s_first.AddDays(5), TimeSpan.FromDays(1))));
        Assert.Throws<UnknownSubstationException>(() => forecast.Forecast("TK:nowhere", TimeWindow.FromDuration(origin, TimeSpan.FromDays(1))));
        Assert.Throws<ArgumentException>(() => new LayerHeadroomForecast(layer, origin.AddMinutes(30)));
    }
}
