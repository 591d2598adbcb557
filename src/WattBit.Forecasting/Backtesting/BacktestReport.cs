using WattBit.Time;

namespace WattBit.Forecasting.Backtesting;

/// <summary>
/// Error sums of one forecaster over a backtest, per horizon step: <c>Count[k]</c> scored points at step k,
/// <c>AbsoluteError[k]</c> the sum of |actual − P50|, <c>Pinball[l][k]</c> the sum of level-l pinball losses,
/// <c>Below[l][k]</c> how many actuals fell below the level-l quantile (a tie counts one half). Immutable once built.
/// </summary>
/// <param name="Forecaster">The forecaster's name.</param>
/// <param name="Count">Scored points per step.</param>
/// <param name="AbsoluteError">Sum of absolute errors of the median per step.</param>
/// <param name="Pinball">Sum of pinball losses per level and step.</param>
/// <param name="Below">Actuals below the quantile per level and step.</param>
public sealed record ForecasterScore(string Forecaster, long[] Count, double[] AbsoluteError, double[][] Pinball, double[][] Below)
{
    /// <summary>Mean absolute error of the median over steps [from, to) (in the series' unit); NaN when nothing was scored.</summary>
    public double Mae(int from, int to) => Sum(AbsoluteError, from, to) / Points(from, to);

    /// <summary>Mean pinball loss over steps [from, to), averaged over all quantile levels (in the series' unit).</summary>
    public double MeanPinball(int from, int to)
    {
        double s = 0;
        foreach (var row in Pinball)
        {
            s += Sum(row, from, to);
        }

        return s / Pinball.Length / Points(from, to);
    }

    /// <summary>The share of actuals below the level-index <paramref name="level"/> quantile over steps [from, to).</summary>
    public double ShareBelow(int level, int from, int to)
    {
        double below = 0;
        for (var k = from; k < to; k++)
        {
            below += Below[level][k];
        }

        return below / Points(from, to);
    }

    private double Points(int from, int to)
    {
        long n = 0;
        for (var k = from; k < to; k++)
        {
            n += Count[k];
        }

        return n;
    }

    private static double Sum(double[] values, int from, int to)
    {
        double s = 0;
        for (var k = from; k < to; k++)
        {
            s += values[k];
        }

        return s;
    }
}

/// <summary>A horizon band of a report, [From, To) in steps, with a label such as "0-6 h".</summary>
/// <param name="Label">The label.</param>
/// <param name="From">First step (inclusive).</param>
/// <param name="To">Last step (exclusive).</param>
public readonly record struct HorizonBand(string Label, int From, int To);

/// <summary>Where the first forecaster of a report fails to beat a baseline.</summary>
/// <param name="Metric">"MAE", "pinball" or "calibration P10"...</param>
/// <param name="Band">The horizon band.</param>
/// <param name="Baseline">The baseline that did as well or better.</param>
/// <param name="Value">The forecaster's value.</param>
/// <param name="BaselineValue">The baseline's value.</param>
public sealed record Shortfall(string Metric, string Band, string Baseline, double Value, double BaselineValue)
{
    /// <summary>True when both are equal to 1 part in a million (for example both exactly zero for solar at night).</summary>
    public bool IsTie => Math.Abs(Value - BaselineValue) <= 1e-6 * Math.Max(1, Math.Max(Math.Abs(Value), Math.Abs(BaselineValue)));
}

/// <summary>The result of <see cref="Backtest.Run"/>. Immutable.</summary>
/// <param name="Series">The series' name.</param>
/// <param name="Unit">Its unit (errors are in it).</param>
/// <param name="Step">Its step.</param>
/// <param name="Levels">The quantile levels.</param>
/// <param name="Origins">Origins scored.</param>
/// <param name="SkippedOrigins">Origins skipped (a forecaster lacked history).</param>
/// <param name="FirstOrigin">The first origin.</param>
/// <param name="LastOrigin">The last origin.</param>
/// <param name="Scores">One score per forecaster, in the order given (the first is the candidate, the others baselines).</param>
public sealed record BacktestReport(string Series, SeriesUnit Unit, TimeSpan Step, IReadOnlyList<double> Levels, int Origins, int SkippedOrigins,
    DateTimeOffset FirstOrigin, DateTimeOffset LastOrigin, IReadOnlyList<ForecasterScore> Scores)
{
    /// <summary>The number of steps per origin.</summary>
    public int Steps => Scores[0].Count.Length;

    /// <summary>Horizon bands of 6 hours (the last may be shorter), plus "all".</summary>
    public IReadOnlyList<HorizonBand> Bands()
    {
        var per = (int)Math.Max(1, TimeSpan.FromHours(6) / Step);
        var list = new List<HorizonBand>();
        for (var from = 0; from < Steps; from += per)
        {
            var to = Math.Min(Steps, from + per);
            list.Add(new HorizonBand($"{(Step * from).TotalHours:0.#}-{(Step * to).TotalHours:0.#} h", from, to));
        }

        list.Add(new HorizonBand("all", 0, Steps));
        return list;
    }

    /// <summary>
    /// Every band and metric where the first forecaster does not beat every other one: MAE and mean pinball must be
    /// lower; calibration (|share below − level| for the outer levels) must be closer to nominal.
    /// </summary>
    public IReadOnlyList<Shortfall> Shortfalls()
    {
        var list = new List<Shortfall>();
        var candidate = Scores[0];
        foreach (var band in Bands())
        {
            foreach (var baseline in Scores.Skip(1))
            {
                Check("MAE", candidate.Mae(band.From, band.To), baseline.Mae(band.From, band.To));
                Check("pinball", candidate.MeanPinball(band.From, band.To), baseline.MeanPinball(band.From, band.To));
                for (var l = 0; l < Levels.Count; l++)
                {
                    if (Math.Abs(Levels[l] - 0.5) < 1e-9)
                    {
                        continue;
                    }

                    Check($"calibration P{Levels[l] * 100:0}", Math.Abs(candidate.ShareBelow(l, band.From, band.To) - Levels[l]),
                        Math.Abs(baseline.ShareBelow(l, band.From, band.To) - Levels[l]));
                }

                void Check(string metric, double value, double other)
                {
                    if (!(value < other))
                    {
                        list.Add(new Shortfall(metric, band.Label, baseline.Forecaster, value, other));
                    }
                }
            }
        }

        return list;
    }
}
