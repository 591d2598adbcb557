using WattBit.Data.Reference;
using WattBit.Signals;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Plans on forecasts from a Core <see cref="ISignalForecaster"/> (decision 0177): each day's score comes from the
/// forecast made at 00:00 the day before, the days without one fall back to AR(1), and the skill is recomputed from the
/// world's actuals. Only the areas with sites are forecast (decision 0215): the others keep AR(1), which no policy reads.
/// </summary>
public sealed class ForecastSourceTests
{
    // Central = 1000 + the origin's day relative to the period start; P10 and P90 one below and above; null (too little
    // history) when the origin is less than two days after the history's start.
    private sealed class DayStamp(DateTimeOffset periodStart) : ISignalForecaster
    {
        public string Name => "day stamp";

        public QuantileSeries? Forecast(TimeSeries history, DateTimeOffset origin, int steps)
        {
            if (origin - history.Start < TimeSpan.FromDays(2))
            {
                return null;
            }

            var day = (origin - periodStart).TotalDays;
            TimeSeries Of(double v) => new(origin, history.Step, [.. Enumerable.Repeat(v, steps)], SeriesUnit.GramsPerKilowattHour);
            return new QuantileSeries(Of(1000 + day), [new(0.1, Of(999 + day)), new(0.9, Of(1001 + day))]);
        }
    }

    private static SimulationScenario Scenario(string forecast = "") =>
        ScenarioFile.Parse(TestScenarios.Yaml(sites: 4, days: 7, jobs: 100, forecastError: 0.1).Replace("forecast_error:", forecast + "forecast_error:", StringComparison.Ordinal), "f.yaml");

    [Fact]
    public void EachDay_IsPlannedOnTheForecastMadeTheDayBefore_AndTheFirstDaysWithoutHistoryFallBackToAr1()
    {
        var scenario = Scenario();
        var world = TestScenarios.World(scenario);
        var ar1 = Simulator.Forecasts(world);
        var (score, skill) = SimulationForecasts.Build(world, new SimulationForecasting(new DayStamp(scenario.Start)));
        var sited = world.SiteArea.Distinct().Order().ToArray();
        Assert.InRange(sited.Length, 1, world.AreaCodes.Count - 1); // the case has areas without sites
        for (var a = 0; a < score.Length; a++)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                var day = t / 24;
                Assert.Equal(day < 3 || !sited.Contains(a) ? ar1[a][t] : 1000 + day - 1, score[a][t], 9);
            }
        }

        Assert.Equal(3 * sited.Length, skill.FallbackDays);
        double sum = 0, below10 = 0, below90 = 0, n = 0;
        foreach (var a in sited)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                var actual = world.CarbonLifecycle[a][t];
                sum += Math.Abs(score[a][t] - actual);
                if (t >= 72)
                {
                    n++;
                    below10 += actual < 999 + (t / 24) - 1 ? 1 : 0;
                    below90 += actual < 1001 + (t / 24) - 1 ? 1 : 0;
                }
            }
        }

        Assert.Equal(sum / (sited.Length * world.Steps), skill.Mae, 9);
        Assert.Equal(below10 / n, skill.BelowP10, 9);
        Assert.Equal(below90 / n, skill.BelowP90, 9);
        Assert.Contains("day stamp", skill.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryBeforeThePeriod_GivesTheFirstDayItsForecast()
    {
        var scenario = Scenario();
        var world = TestScenarios.World(scenario);
        var history = SignalYears.Compose(scenario.FiscalYear, scenario.Seed, new TimeWindow(scenario.Start.AddDays(-7), scenario.Start), scenario.Step);
        var (score, skill) = SimulationForecasts.Build(world, new SimulationForecasting(new DayStamp(scenario.Start), history));
        Assert.Equal(0, skill.FallbackDays);
        Assert.All(world.SiteArea.Distinct(), a => Assert.Equal(999, score[a][0], 9));
    }

    [Fact]
    public void Ar1_IgnoresTheForecaster_AndEngineWithoutOne_IsAnError()
    {
        var ar1Scenario = Scenario("forecast: ar1\n");
        var world = TestScenarios.World(ar1Scenario);
        var (score, skill) = SimulationForecasts.Build(world, new SimulationForecasting(new DayStamp(ar1Scenario.Start)));
        Assert.Equal(Simulator.Forecasts(world), score);
        Assert.StartsWith("AR(1)", skill.Source, StringComparison.Ordinal);
        var engine = TestScenarios.World(Scenario("forecast: engine\n"));
        var e = Assert.Throws<ArgumentException>(() => SimulationForecasts.Build(engine, null));
        Assert.Contains("forecast: engine needs the forecasting engine", e.Message, StringComparison.Ordinal);
    }
}
