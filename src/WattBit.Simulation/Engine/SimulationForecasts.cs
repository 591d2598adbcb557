using System.Globalization;
using WattBit.Signals;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The forecasting a host composes for a simulation (decision 0177): the forecasting engine behind the Core
/// <see cref="ISignalForecaster"/> contract, and the signals of the days before the period it learns from. Immutable.
/// </summary>
/// <param name="Forecaster">The forecaster (the CLI composes the forecasting engine's regression model).</param>
/// <param name="History">The signals of the days before the period (the previous fiscal year's last weeks), or null: the first days then fall back to AR(1) until the period itself holds enough history.</param>
public sealed record SimulationForecasting(ISignalForecaster Forecaster, SignalYear? History = null);

/// <summary>
/// Which forecast the policies planned on and how good it was, judged on the actuals of the objective's series (lifecycle
/// carbon or price) over every area and step.
/// </summary>
/// <param name="Source">What the forecast came from, in words.</param>
/// <param name="Series">The forecast series ("lifecycle carbon gCO2/kWh" or "price JPY/kWh").</param>
/// <param name="Mae">Mean absolute error of the forecast planned on (P50 for the engine) against the actuals.</param>
/// <param name="Ar1Mae">The same for the AR(1) forecast of the scenario's forecast_error, for comparison.</param>
/// <param name="SeasonalNaiveMae">The same for the value of the same hour a day before the forecast was made (the engine's origin), or NaN for AR(1).</param>
/// <param name="BelowP10">Share of actuals below the P10 (ideal 0.10), or NaN without quantiles.</param>
/// <param name="BelowP90">Share of actuals below the P90 (ideal 0.90), or NaN without quantiles.</param>
/// <param name="FallbackDays">Days (area-days) planned on AR(1) because the engine had too little history.</param>
public sealed record ForecastSkill(string Source, string Series, double Mae, double Ar1Mae, double SeasonalNaiveMae, double BelowP10, double BelowP90, int FallbackDays)
{
    /// <summary>
    /// What of the score was published ahead and planned on as published (decision 0220), in words: the prices of each
    /// delivery day from their publication the day before, or that the series is not published ahead; null for a result
    /// built by hand.
    /// </summary>
    public string? Published { get; init; }

    /// <summary>
    /// Mean absolute error against the actuals of what each day's plan read at its midnight over the 48 h from there (the
    /// day and the next) in the areas with sites: the published prices where they were published, the forecast beyond;
    /// NaN when nothing was published ahead.
    /// </summary>
    public double PlannedOnMae { get; init; } = double.NaN;

    /// <summary>The same over the same 48 h windows for the forecast alone (what was planned on before decision 0220); NaN when nothing was published ahead.</summary>
    public double ForecastOnlyMae { get; init; } = double.NaN;

    /// <summary>One line for the console and the report.</summary>
    public string Describe() => string.Concat(
        FormattableString.Invariant($"Forecasts planned on: {Source}; {Series} MAE {Mae:0.0} against the actuals (AR(1) of the scenario's forecast_error: {Ar1Mae:0.0}"),
        double.IsNaN(SeasonalNaiveMae) ? ")" : FormattableString.Invariant($"; yesterday's value at the origin: {SeasonalNaiveMae:0.0})"),
        double.IsNaN(BelowP10) ? "" : FormattableString.Invariant($"; actuals below P10 {BelowP10:P0}, below P90 {BelowP90:P0}"),
        FallbackDays > 0 ? FormattableString.Invariant($"; {FallbackDays} area-days on AR(1) for lack of history") : "",
        Published is null ? "" : "; " + Published,
        double.IsNaN(PlannedOnMae) ? "" : FormattableString.Invariant($": MAE of what each day's plan read over its 48 h {PlannedOnMae:0.0} ({ForecastOnlyMae:0.0} on the forecast alone)"), ".");
}

/// <summary>
/// The forecast score the policies plan on [area][step] (through a <see cref="ForecastView"/>, which puts each day's
/// published prices over it once they are published; decision 0220): the forecasting engine's day-ahead P50 (each day's values from
/// the forecast made at 00:00 JST the day before, 24-48 h ahead, so a plan made at midnight of that day or the day before
/// only reads what was known) or AR(1) noise on the actuals. The engine forecasts only the areas that have sites: no
/// policy reads another area's score (they rank sites by their own area's), so those keep AR(1) and the skill is measured
/// over the areas with sites (decision 0215: the engine's forecasts were most of a year's run). Stateless and thread-safe.
/// </summary>
public static class SimulationForecasts
{
    /// <summary>The score the policies plan on and its skill.</summary>
    /// <param name="world">The world.</param>
    /// <param name="forecasting">The forecasting the host composed, or null.</param>
    /// <param name="cancellationToken">Stops the forecasts between days (a year of daily forecasts takes a while).</param>
    /// <exception cref="ArgumentException">The scenario asks for <c>forecast: engine</c> and the host composed none.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static (double[][] Score, ForecastSkill Skill) Build(SimulationWorld world, SimulationForecasting? forecasting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        var scenario = world.Scenario;
        var cost = scenario.Objective == SimulationObjective.Cost;
        var actual = cost ? world.Price : world.CarbonLifecycle;
        var seriesName = cost ? "price JPY/kWh" : "lifecycle carbon gCO2/kWh";
        var ar1 = Simulator.Forecasts(world);
        var ar1Mae = Mae(ar1, actual);
        if (scenario.Forecast == ForecastSource.Engine && forecasting is null)
        {
            throw new ArgumentException($"{scenario.Name}: forecast: engine needs the forecasting engine, which the host composes (wattbit simulate does).");
        }

        if (scenario.Forecast == ForecastSource.Ar1 || forecasting is null)
        {
            var source = string.Create(CultureInfo.InvariantCulture, $"AR(1) noise on the actuals (relative error {scenario.ForecastError:0.##}, lag-1 correlation 0.9)");
            return (ar1, WithPublished(world, ar1, new ForecastSkill(source, seriesName, ar1Mae, ar1Mae, double.NaN, double.NaN, double.NaN, 0)));
        }

        var spd = (int)Math.Round(TimeSpan.FromDays(1) / scenario.Step);
        var areas = actual.Count;
        var p50 = new double[areas][];
        var p10 = new double[areas][];
        var p90 = new double[areas][];
        var naive = new double[areas][];
        var fallback = new int[areas];
        var history = forecasting.History;
        var sited = new bool[areas];
        foreach (var a in world.SiteArea)
        {
            sited[a] = true;
        }

        Parallel.For(0, areas, new ParallelOptions { CancellationToken = cancellationToken }, a =>
        {
            if (!sited[a])
            {
                (p50[a], p10[a], p90[a], naive[a]) = (ar1[a], [], [], []);
                return;
            }

            double[] before = [];
            if (history is not null && history.Step == scenario.Step && history.Period.End == scenario.Start && a < history.Areas.Count)
            {
                before = cost ? history.Areas[a].Price : history.Areas[a].CarbonLifecycle;
            }

            var values = new double[before.Length + world.Steps];
            before.CopyTo(values, 0);
            actual[a].CopyTo(values, before.Length);
            var series = new TimeSeries(scenario.Start - (scenario.Step * before.Length), scenario.Step, values,
                cost ? SeriesUnit.YenPerKilowattHour : SeriesUnit.GramsPerKilowattHour, $"{world.AreaCodes[a]} {seriesName}");
            var (f50, f10, f90, n) = (new double[world.Steps], new double[world.Steps], new double[world.Steps], new double[world.Steps]);
            for (var day = 0; day * spd < world.Steps && !cancellationToken.IsCancellationRequested; day++)
            {
                var from = day * spd;
                var to = Math.Min(world.Steps, from + spd);
                var origin = scenario.Start + (scenario.Step * (from - spd));
                var originIndex = before.Length + from - spd;
                var q = originIndex > 0 ? forecasting.Forecaster.Forecast(series, origin, 2 * spd) : null;
                for (var t = from; t < to; t++)
                {
                    var k = t - from + spd;
                    var lag = originIndex - spd + (t - from);
                    n[t] = lag >= 0 ? values[lag] : double.NaN;
                    if (q is null || double.IsNaN(q.Central[k]))
                    {
                        (f50[t], f10[t], f90[t]) = (ar1[a][t], double.NaN, double.NaN);
                        continue;
                    }

                    (f50[t], f10[t], f90[t]) = (q.Central[k], q.AtLevel(k, 0.1), q.AtLevel(k, 0.9));
                }

                if (q is null)
                {
                    fallback[a]++;
                }
            }

            (p50[a], p10[a], p90[a], naive[a]) = (f50, f10, f90, n);
        });
        cancellationToken.ThrowIfCancellationRequested();

        long scored = 0, below10 = 0, below90 = 0;
        for (var a = 0; a < areas; a++)
        {
            for (var t = 0; t < world.Steps && sited[a]; t++)
            {
                var x = actual[a][t];
                if (double.IsNaN(p10[a][t]) || double.IsNaN(x))
                {
                    continue;
                }

                scored++;
                below10 += x < p10[a][t] ? 1 : 0;
                below90 += x < p90[a][t] ? 1 : 0;
            }
        }

        var withSites = Enumerable.Range(0, areas).Where(a => sited[a]).ToArray();
        var skill = new ForecastSkill($"day-ahead P50 of the {forecasting.Forecaster.Name}, made at 00:00 JST the day before (24-48 h ahead)"
            + (history is null ? "" : string.Create(CultureInfo.InvariantCulture, $", learning from {history.Period} before the period"))
            + (withSites.Length == areas ? "" : string.Create(CultureInfo.InvariantCulture, $", in the {withSites.Length} areas with sites ({string.Join(", ", withSites.Select(a => world.AreaCodes[a]))}; AR(1) elsewhere, which no policy reads)")),
            seriesName, Mae([.. withSites.Select(a => p50[a])], [.. withSites.Select(a => actual[a])]), Mae([.. withSites.Select(a => ar1[a])], [.. withSites.Select(a => actual[a])]),
            Mae([.. withSites.Select(a => naive[a])], [.. withSites.Select(a => actual[a])]),
            scored == 0 ? double.NaN : (double)below10 / scored, scored == 0 ? double.NaN : (double)below90 / scored, fallback.Sum());
        return (p50, WithPublished(world, p50, skill));
    }

    /// <summary>
    /// <paramref name="skill"/> with what was published ahead (decision 0220): under the cost objective with
    /// <c>published_prices</c> on, each delivery day's prices from their publication the day before and the MAE of what
    /// the plans read beside the forecast's alone; else that the series is forecast throughout.
    /// </summary>
    /// <param name="world">The world.</param>
    /// <param name="forecast">The forecast score [area][step].</param>
    /// <param name="skill">The forecast's skill.</param>
    public static ForecastSkill WithPublished(SimulationWorld world, IReadOnlyList<double[]> forecast, ForecastSkill skill)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(skill);
        var scenario = world.Scenario;
        if (scenario.Objective != SimulationObjective.Cost)
        {
            return skill with { Published = "carbon intensity is not published ahead in Japan: every day planned on its forecast" };
        }

        if (!ForecastView.PublishesPrices(scenario))
        {
            return skill with { Published = "published_prices: false: every day planned on its price forecast, not on the day-ahead prices published the day before" };
        }

        var spd = (int)Math.Round(TimeSpan.FromDays(1) / scenario.Step);
        var at = ForecastView.PublicationStep(scenario);
        int[] areas = [.. world.SiteArea.Distinct().Order()];
        return skill with
        {
            Published = string.Create(CultureInfo.InvariantCulture, $"each day planned on its day-ahead prices, published at {scenario.PricePublication:hh\\:mm} JST the day before (JEPX), later days on the forecast"),
            PlannedOnMae = ForecastView.PlannedOnMae(forecast, world.Price, areas, spd, at, published: true),
            ForecastOnlyMae = ForecastView.PlannedOnMae(forecast, world.Price, areas, spd, at, published: false),
        };
    }

    private static double Mae(IReadOnlyList<double[]> forecast, IReadOnlyList<double[]> actual)
    {
        double sum = 0;
        long n = 0;
        for (var a = 0; a < actual.Count; a++)
        {
            for (var t = 0; t < actual[a].Length; t++)
            {
                var e = forecast[a][t] - actual[a][t];
                if (!double.IsNaN(e))
                {
                    sum += Math.Abs(e);
                    n++;
                }
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }
}
