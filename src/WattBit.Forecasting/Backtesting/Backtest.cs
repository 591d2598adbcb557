using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Forecasting.Backtesting;

/// <summary>Settings of a rolling-origin backtest. Immutable.</summary>
/// <param name="Steps">Forecast steps per origin (default 96 = 48 h of 30-min steps).</param>
/// <param name="OriginTimeOfDay">The JST time of day of every origin (default 10:00, the JEPX day-ahead gate closure).</param>
/// <param name="WarmupDays">Days of history before the first origin (default 70: 56 training days + profile days + a week).</param>
/// <param name="Levels">Quantile levels; null = P10, P50, P90.</param>
public sealed record BacktestOptions(int Steps = 96, TimeSpan? OriginTimeOfDay = null, int WarmupDays = 70, IReadOnlyList<double>? Levels = null)
{
    /// <summary>The defaults.</summary>
    public static BacktestOptions Default { get; } = new();
}

/// <summary>The progress of a backtest: origins done out of the total.</summary>
/// <param name="Done">Origins evaluated so far.</param>
/// <param name="Total">Origins to evaluate.</param>
public readonly record struct BacktestProgress(int Done, int Total);

/// <summary>
/// Rolling-origin evaluation: one origin per day at a fixed time of day; at each, every forecaster sees only the values
/// before the origin and forecasts the next <see cref="BacktestOptions.Steps"/> steps, which are scored against the
/// actuals (MAE of the median, pinball loss of every quantile, share of actuals below each quantile). Steps whose
/// actual is missing are not scored; an origin where a forecaster cannot forecast is skipped for every forecaster, so
/// all are scored on the same points. Thread-safe; origins run in parallel.
/// </summary>
public static class Backtest
{
    /// <summary>Runs the backtest of <paramref name="forecasters"/> on <paramref name="series"/>.</summary>
    /// <exception cref="InsufficientHistoryException">The series is too short for the warm-up and one horizon.</exception>
    public static BacktestReport Run(TimeSeries series, IReadOnlyList<IForecaster> forecasters, BacktestOptions? options = null,
        IReadOnlyList<TimeSeries>? exogenous = null, IProgress<BacktestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(forecasters);
        if (forecasters.Count == 0)
        {
            throw new ArgumentException("At least one forecaster is needed.", nameof(forecasters));
        }

        options ??= BacktestOptions.Default;
        var levels = options.Levels ?? ForecastLevels.Default;
        ForecastLevels.Check(levels);
        var origins = Origins(series, options);
        if (origins.Count == 0)
        {
            throw new InsufficientHistoryException(
                $"{series.Name}: {series.Window} is too short for a backtest ({options.WarmupDays} days of warm-up, then {TimeSeries.FormatStep(series.Step * options.Steps)} horizons).");
        }

        var perOrigin = new Accumulator[origins.Count][];
        var done = 0;
        Parallel.For(0, origins.Count, new ParallelOptions { CancellationToken = cancellationToken }, o =>
        {
            var request = new ForecastRequest(series, origins[o], options.Steps, levels, exogenous);
            var forecasts = new ProbabilisticForecast[forecasters.Count];
            try
            {
                for (var f = 0; f < forecasters.Count; f++)
                {
                    forecasts[f] = forecasters[f].Forecast(request);
                }
            }
            catch (InsufficientHistoryException)
            {
                perOrigin[o] = [];
                return;
            }

            var acc = new Accumulator[forecasters.Count];
            var start = series.IndexOf(origins[o]);
            for (var f = 0; f < forecasters.Count; f++)
            {
                acc[f] = new Accumulator(options.Steps, levels);
            }

            for (var k = 0; k < options.Steps; k++)
            {
                var actual = series[start + k];
                var scorable = !double.IsNaN(actual);
                for (var f = 0; f < forecasters.Count && scorable; f++)
                {
                    scorable = !double.IsNaN(forecasts[f].ValueAt(0, k));
                }

                if (!scorable)
                {
                    continue;
                }

                for (var f = 0; f < forecasters.Count; f++)
                {
                    acc[f].Add(k, actual, forecasts[f]);
                }
            }

            perOrigin[o] = acc;
            progress?.Report(new BacktestProgress(Interlocked.Increment(ref done), origins.Count));
        });

        var results = new List<ForecasterScore>(forecasters.Count);
        var used = 0;
        for (var f = 0; f < forecasters.Count; f++)
        {
            var total = new Accumulator(options.Steps, levels);
            used = 0;
            foreach (var acc in perOrigin)
            {
                if (acc.Length > 0)
                {
                    total.Merge(acc[f]);
                    used++;
                }
            }

            results.Add(total.ToScore(forecasters[f].Name));
        }

        return new BacktestReport(series.Name, series.Unit, series.Step, levels, used, origins.Count - used,
            origins.Count > 0 ? origins[0] : series.Start, origins[^1], results);
    }

    private static List<DateTimeOffset> Origins(TimeSeries series, BacktestOptions options)
    {
        var timeOfDay = options.OriginTimeOfDay ?? TimeSpan.FromHours(10);
        var startJst = series.Start.ToOffset(Jst.Offset);
        var first = new DateTimeOffset(startJst.Date, Jst.Offset).AddDays(options.WarmupDays) + timeOfDay;
        var list = new List<DateTimeOffset>();
        for (var o = first; o + (series.Step * options.Steps) <= series.End; o = o.AddDays(1))
        {
            if (series.TryIndexOf(o, out _))
            {
                list.Add(o);
            }
            else if ((o - series.Start).Ticks % series.Step.Ticks != 0)
            {
                throw new SeriesAlignmentException($"{series.Name}: origin time {Iso8601.Format(o)} is not on the series' grid.");
            }
        }

        return list;
    }

    /// <summary>Sums of errors per horizon step for one forecaster.</summary>
    private sealed class Accumulator(int steps, IReadOnlyList<double> levels)
    {
        private readonly int _median = IndexOfMedian(levels);
        private readonly double[] _absolute = new double[steps];
        private readonly double[][] _pinball = NewMatrix(levels.Count, steps);
        private readonly double[][] _below = NewMatrix(levels.Count, steps);
        private readonly long[] _count = new long[steps];

        public void Add(int k, double actual, ProbabilisticForecast forecast)
        {
            _count[k]++;
            _absolute[k] += Math.Abs(actual - forecast.ValueAt(_median, k));
            for (var l = 0; l < levels.Count; l++)
            {
                var q = forecast.ValueAt(l, k);
                _pinball[l][k] += Metrics.Pinball(actual, q, levels[l]);
                _below[l][k] += Metrics.BelowShare(actual, forecast, k, l);
            }
        }

        public void Merge(Accumulator other)
        {
            for (var k = 0; k < steps; k++)
            {
                _count[k] += other._count[k];
                _absolute[k] += other._absolute[k];
                for (var l = 0; l < levels.Count; l++)
                {
                    _pinball[l][k] += other._pinball[l][k];
                    _below[l][k] += other._below[l][k];
                }
            }
        }

        public ForecasterScore ToScore(string name) => new(name, [.. _count], [.. _absolute], [.. _pinball.Select(r => r.ToArray())], [.. _below.Select(r => r.ToArray())]);

        private static int IndexOfMedian(IReadOnlyList<double> levels)
        {
            for (var i = 0; i < levels.Count; i++)
            {
                if (Math.Abs(levels[i] - 0.5) < 1e-9)
                {
                    return i;
                }
            }

            throw new ArgumentException("levels must include 0.5", nameof(levels));
        }

        private static double[][] NewMatrix(int rows, int columns) => [.. Enumerable.Range(0, rows).Select(_ => new double[columns])];
    }
}

/// <summary>Scoring rules.</summary>
public static class Metrics
{
    /// <summary>The pinball (quantile) loss of quantile forecast <paramref name="q"/> at level <paramref name="level"/> for an actual value: level·(y−q) when y ≥ q, (1−level)·(q−y) otherwise.</summary>
    public static double Pinball(double actual, double q, double level) =>
        actual >= q ? level * (actual - q) : (1 - level) * (q - actual);

    /// <summary>
    /// How much the actual counts as "below" the quantile at <paramref name="levelIndex"/>: 1 when below, 0 when above.
    /// When it equals the quantile (a solar forecast of exactly zero at night), the forecast puts a point mass there and
    /// the randomised probability integral transform applies: with the quantiles equal to the actual spanning levels
    /// (a, b) — a the highest level below it (0 if none), b the lowest level above it (1 if none) — the expected share is
    /// (level − a) / (b − a). A sharp, correct forecast is thus neither over- nor under-confident.
    /// </summary>
    public static double BelowShare(double actual, ProbabilisticForecast forecast, int step, int levelIndex)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var q = forecast.ValueAt(levelIndex, step);
        if (actual != q)
        {
            return actual < q ? 1 : 0;
        }

        var levels = forecast.Levels;
        var a = levelIndex;
        while (a >= 0 && forecast.ValueAt(a, step) == actual)
        {
            a--;
        }

        var b = levelIndex;
        while (b < levels.Count && forecast.ValueAt(b, step) == actual)
        {
            b++;
        }

        var from = a >= 0 ? levels[a] : 0;
        var to = b < levels.Count ? levels[b] : 1;
        return (levels[levelIndex] - from) / (to - from);
    }
}
