using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Japan;

/// <summary>One step of a calibration: the parameters tried and their mean R² on the calibration days.</summary>
/// <param name="Parameters">The parameters.</param>
/// <param name="MeanRSquared">Mean line R² over the calibration days.</param>
/// <param name="MeanDirectionShare">Mean direction share over the calibration days.</param>
public sealed record CalibrationStep(JapanModelParameters Parameters, double MeanRSquared, double MeanDirectionShare);

/// <summary>
/// Fits the uncertain parameters of the backbone (decision 0102) on the calibration days only: a coordinate search
/// over stated candidate values of the 500 kV and lower-class reactances (275 kV fixed: only ratios matter to DC flows),
/// the two load-allocation shares and the equivalent branches' factor, maximising the mean line R². Deterministic.
/// </summary>
public static class JapanCalibration
{
    /// <summary>Scores parameters on the calibration days of <paramref name="sources"/>.</summary>
    public static CalibrationStep Score(JapanModelSources sources, JapanModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(parameters);
        var model = JapanModelBuilder.Build(sources, parameters);
        var dc = new DcModel(model.Network);
        var days = sources.Days.Where(d => parameters.IsCalibration(d.Day)).ToArray();
        var metrics = new ReplayMetrics[days.Length];
        Parallel.For(0, days.Length, i => metrics[i] = JapanReplay.Run(model, dc, days[i]).Metrics);
        return new CalibrationStep(parameters, metrics.Average(m => m.RSquared), metrics.Average(m => m.DirectionShare));
    }

    /// <summary>Runs the coordinate search from <paramref name="start"/> for <paramref name="rounds"/> rounds.</summary>
    /// <param name="sources">Sources (only the calibration days' flows are compared).</param>
    /// <param name="start">Starting parameters (their calibration days are kept).</param>
    /// <param name="rounds">Passes over the parameters.</param>
    /// <param name="progress">Receives every step tried.</param>
    public static CalibrationStep Fit(JapanModelSources sources, JapanModelParameters start, int rounds, Action<CalibrationStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        var best = Score(sources, start);
        progress?.Invoke(best);
        (string Name, double[] Values, Func<JapanModelParameters, double, JapanModelParameters> Set)[] axes =
        [
            ("Reactance500", [0.06, 0.08, 0.1, 0.12, 0.15, 0.18, 0.22, 0.28], (p, v) => p with { Reactance500 = v }),
            ("ReactanceLower", [0.2, 0.25, 0.31, 0.40, 0.55, 0.75], (p, v) => p with { ReactanceLower = v }),
            ("LoadUniformShare", [0, 0.25, 0.5, 0.75, 1], (p, v) => p with { LoadUniformShare = v }),
            ("OtherUniformShare", [0, 0.25, 0.5, 0.75, 1], (p, v) => p with { OtherUniformShare = v }),
            ("EquivalentFactor", [0.25, 0.5, 1, 2, 4, 8], (p, v) => p with { EquivalentFactor = v }),
            ("LargePlantMw", [300, 500, 1000, 1500, 2000, 3000, 1e9], (p, v) => p with { LargePlantMw = v }),
        ];
        for (var round = 0; round < rounds; round++)
        {
            var improved = false;
            foreach (var (_, values, set) in axes)
            {
                foreach (var v in values)
                {
                    var step = Score(sources, set(best.Parameters, v));
                    progress?.Invoke(step);
                    if (step.MeanRSquared > best.MeanRSquared + 1e-4)
                    {
                        best = step;
                        improved = true;
                    }
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return best;
    }
}
