namespace WattBit.Simulation.Engine;

/// <summary>
/// The score a policy plans on as of the simulated time (decision 0220): what is known at a decision — the actuals of the
/// past and, where the series is published ahead, the published values of a delivery day once its publication time has
/// passed — and the forecast beyond. JEPX's day-ahead spot market closes at 10:00 JST the day before delivery and
/// publishes every area's prices for the whole delivery day then, so at 00:00 of a day that day's prices are known and
/// only later days are forecast. Carbon intensity is not published ahead in Japan: a carbon score stays the forecast
/// throughout. The view is plain arrays: <see cref="Values"/> [area][step] and <see cref="Prefix"/> [area][step + 1],
/// rewritten once per publication (each day's steps set to the published values, the prefix sums redone from there),
/// never per query. Days are counted from the period's start (00:00 JST). One per simulated policy; not thread-safe.
/// </summary>
public sealed class ForecastView
{
    private readonly double[][] _published;
    private readonly int _stepsPerDay;
    private readonly int _publicationStep;
    private readonly int _steps;

    /// <summary>Creates the view at the period's start (its first day's values published the day before).</summary>
    /// <param name="forecast">The forecast score [area][step]; not modified (the view copies it where it publishes).</param>
    /// <param name="published">The values published ahead [area][step] (the actual day-ahead prices), or null when the
    /// score is not published ahead: the view is then the forecast at every step, at no cost.</param>
    /// <param name="stepsPerDay">Steps in a day.</param>
    /// <param name="publicationStep">Step of the day before delivery at whose start the delivery day's values are published
    /// (10 at hourly steps for 10:00; 0 to <paramref name="stepsPerDay"/>, the latter meaning at the delivery day's own midnight).</param>
    /// <exception cref="ArgumentException">The arrays are not of one shape, or the steps are out of range.</exception>
    public ForecastView(IReadOnlyList<double[]> forecast, IReadOnlyList<double[]>? published, int stepsPerDay, int publicationStep)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerDay, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(publicationStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(publicationStep, stepsPerDay);
        _steps = forecast.Count > 0 ? forecast[0].Length : 0;
        if (forecast.Any(f => f.Length != _steps) || (published is not null && (published.Count != forecast.Count || published.Any(p => p.Length != _steps))))
        {
            throw new ArgumentException($"the forecast ({forecast.Count} areas) and the published values ({published?.Count ?? 0} areas) must have {_steps} steps in every area.", nameof(published));
        }

        _stepsPerDay = stepsPerDay;
        _publicationStep = publicationStep;
        _published = published is null ? [] : [.. published];
        Publishes = published is not null;
        Values = Publishes ? [.. forecast.Select(f => (double[])f.Clone())] : [.. forecast];
        Prefix = new double[forecast.Count][];
        for (var a = 0; a < Prefix.Length; a++)
        {
            Prefix[a] = new double[_steps + 1];
            Sums(a, 0);
        }

        AdvanceTo(0);
    }

    /// <summary>
    /// The view a policy of <paramref name="world"/> plans on: the scenario's published prices over
    /// <paramref name="forecast"/> where the score is price (cost objective) and the scenario keeps
    /// <c>published_prices</c> on; else the forecast alone (a carbon score is never published ahead).
    /// </summary>
    /// <param name="world">The world (its actual prices are the published ones).</param>
    /// <param name="forecast">The forecast score [area][step].</param>
    public static ForecastView For(SimulationWorld world, IReadOnlyList<double[]> forecast)
    {
        ArgumentNullException.ThrowIfNull(world);
        return new ForecastView(forecast, PublishesPrices(world.Scenario) ? world.Price : null, StepsPerDay(world.Scenario), PublicationStep(world.Scenario));
    }

    /// <summary>Whether <paramref name="scenario"/>'s score is published ahead: price (the cost objective) with <c>published_prices</c> on.</summary>
    /// <param name="scenario">The scenario.</param>
    public static bool PublishesPrices(Scenarios.SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.PublishedPrices && scenario.Objective == Scenarios.SimulationObjective.Cost;
    }

    /// <summary>The step of the day before delivery from whose start the delivery day's prices are known: the first step starting at or after <see cref="Scenarios.SimulationScenario.PricePublication"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    public static int PublicationStep(Scenarios.SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return (int)Math.Min(StepsPerDay(scenario), Math.Ceiling(scenario.PricePublication / scenario.Step));
    }

    private static int StepsPerDay(Scenarios.SimulationScenario scenario) => Math.Max(1, (int)Math.Round(TimeSpan.FromDays(1) / scenario.Step));

    /// <summary>Whether the score is published ahead (else the view is the forecast at every step).</summary>
    public bool Publishes { get; }

    /// <summary>The score as known now [area][step]: the published values before <see cref="KnownThrough"/>, the forecast from there. Read only.</summary>
    public double[][] Values { get; }

    /// <summary>Prefix sums of <see cref="Values"/> [area][step + 1], for O(1) window totals. Read only.</summary>
    public double[][] Prefix { get; }

    /// <summary>End (exclusive) of the steps whose published values are known now; 0 when nothing is published ahead.</summary>
    public int KnownThrough { get; private set; }

    /// <summary>
    /// The end (exclusive) of the steps published by the start of step <paramref name="step"/>: the whole of the first day
    /// (published before the period), and day d ≥ 1 from step (d − 1) × steps per day + the publication step on.
    /// </summary>
    /// <param name="step">The step.</param>
    public int KnownAt(int step)
    {
        if (!Publishes)
        {
            return 0;
        }

        var days = step >= _publicationStep ? ((step - _publicationStep) / _stepsPerDay) + 2 : 1;
        return (int)Math.Min(_steps, (long)days * _stepsPerDay);
    }

    /// <summary>
    /// Moves the view to the start of step <paramref name="step"/>: every delivery day published by then has its steps set
    /// to the published values and the prefix sums are redone from the first of them. Never moves back.
    /// </summary>
    /// <param name="step">The step.</param>
    public void AdvanceTo(int step)
    {
        var known = KnownAt(step);
        if (known <= KnownThrough)
        {
            return;
        }

        var from = KnownThrough;
        for (var a = 0; a < Values.Length; a++)
        {
            Array.Copy(_published[a], from, Values[a], from, known - from);
            Sums(a, from);
        }

        KnownThrough = known;
    }

    /// <summary>
    /// The mean absolute error, against <paramref name="actual"/>, of what each day's plan reads at its midnight over the
    /// <paramref name="horizonDays"/> days from there, in <paramref name="areas"/>: with <paramref name="published"/> the
    /// view (published days at their actual values), else the forecast alone. NaN when nothing is scored.
    /// </summary>
    /// <param name="forecast">The forecast score [area][step].</param>
    /// <param name="actual">The actuals [area][step] (also the published values).</param>
    /// <param name="areas">The areas scored.</param>
    /// <param name="stepsPerDay">Steps in a day.</param>
    /// <param name="publicationStep">As in the constructor.</param>
    /// <param name="published">Whether the values are published ahead.</param>
    /// <param name="horizonDays">Days read from each midnight (2: the day and the next, the engine's day-ahead reach).</param>
    public static double PlannedOnMae(IReadOnlyList<double[]> forecast, IReadOnlyList<double[]> actual, IReadOnlyList<int> areas, int stepsPerDay, int publicationStep,
        bool published, int horizonDays = 2)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(areas);
        var view = new ForecastView(forecast, published ? actual : null, stepsPerDay, publicationStep);
        var n = forecast.Count > 0 ? forecast[0].Length : 0;
        double sum = 0;
        long count = 0;
        for (var day = 0; day < n; day += stepsPerDay)
        {
            view.AdvanceTo(day);
            foreach (var a in areas)
            {
                for (var t = day; t < Math.Min(n, day + (horizonDays * stepsPerDay)); t++)
                {
                    var e = view.Values[a][t] - actual[a][t];
                    if (!double.IsNaN(e))
                    {
                        sum += Math.Abs(e);
                        count++;
                    }
                }
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    private void Sums(int a, int from)
    {
        var p = Prefix[a];
        var v = Values[a];
        for (var t = from; t < v.Length; t++)
        {
            p[t + 1] = p[t] + v[t];
        }
    }
}
