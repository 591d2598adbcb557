using WattBit.Forecasting.Calendar;

namespace WattBit.Forecasting;

/// <summary>Settings of <see cref="RegressionForecaster"/>. Immutable.</summary>
/// <param name="TrainingDays">How many earlier daily origins train each horizon's regression (default 56).</param>
/// <param name="ProfileDays">How many recent days of the same day type make the profile of a slot (default 4).</param>
/// <param name="ProfileLookbackDays">How far back to look for those days (default 56).</param>
/// <param name="RecentSlots">How many of the last steps before the origin measure the recent departure from the profile (default 6 = 3 h at 30 min).</param>
/// <param name="Lambda">Ridge penalty on the standardised coefficients (default 1).</param>
/// <param name="ValidationDays">How many of the latest origins score a model fitted on older ones, to measure the forward errors behind the quantiles (default 28).</param>
public sealed record RegressionOptions(int TrainingDays = 56, int ProfileDays = 4, int ProfileLookbackDays = 56, int RecentSlots = 6, double Lambda = 1.0,
    int ValidationDays = 28)
{
    /// <summary>The defaults.</summary>
    public static RegressionOptions Default { get; } = new();
}

/// <summary>
/// WattBit's day-ahead forecaster: a profile-and-correction regression, one per horizon step, refitted at every origin.
/// <para>
/// For a target slot it builds the <em>profile</em> (mean of the same slot on the last few days of the same Japanese day
/// type: weekday, Saturday-like, Sunday/holiday-like, see <see cref="JapaneseCalendar"/>), then regresses the actual on
/// that profile, the departure of the latest known same-slot day from its own profile (yesterday's weather carried
/// forward), the departure of the last few hours from theirs (the current level), the value a week earlier,
/// day-type and special-period (Golden Week, Obon, year end) indicators, and any exogenous inputs at the target and
/// their change since the lag day. The ridge fit uses the previous <see cref="RegressionOptions.TrainingDays"/> daily
/// origins. Quantiles come from the fit's leave-one-out residuals at that horizon and its neighbours, so they are
/// out-of-sample errors, not in-sample ones; their spread comes from a model fitted
/// <see cref="RegressionOptions.ValidationDays"/> days earlier and scored since (forward errors, which include drift).
/// For an intermittent series (all-zero on at least half of the training days, like curtailment) each step instead
/// takes whichever of the regression, the latest same-slot value, the last value or the profile had the lowest recent
/// error. Forecasts of a series that was never negative are never negative.
/// Stateless and thread-safe.
/// </para>
/// </summary>
/// <param name="options">Settings; null = <see cref="RegressionOptions.Default"/>.</param>
public sealed class RegressionForecaster(RegressionOptions? options = null) : IForecaster
{
    private const int BaseFeatures = 12;
    private const int Candidates = 4;

    /// <summary>The settings in use.</summary>
    public RegressionOptions Options { get; } = options ?? RegressionOptions.Default;

    /// <inheritdoc />
    public string Name => "wattbit";

    /// <inheritdoc />
    public ProbabilisticForecast Forecast(ForecastRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = SeriesView.Create(request);
        var s = view.SlotsPerDay;
        var minimum = (Options.ProfileDays + 8) * s;
        if (view.Origin < minimum)
        {
            throw new InsufficientHistoryException(
                $"{request.History.Name}: the regression forecaster needs at least {minimum / s} days of history before the origin; it has {view.Origin / (double)s:0.#}.");
        }

        var featureCount = BaseFeatures + (2 * view.Exogenous.Length);
        var steps = request.Steps;
        var training = Options.TrainingDays;
        var validation = Options.ValidationDays;
        // Per step and candidate (0 = the regression, then the rules): the forecast now, its errors, its recent error.
        var candidates = new double[steps, Candidates];
        var errors = new List<double>[steps, Candidates];
        var recentError = new double[steps, Candidates];
        var recentCount = new int[steps, Candidates];
        var rows = new List<double[]>(training + validation);
        var targets = new List<double>(training + validation);
        var ages = new List<int>(training + validation);
        for (var k = 0; k < steps; k++)
        {
            rows.Clear();
            targets.Clear();
            ages.Clear();
            var first = (k / s) + 1; // the earliest past origin whose step k is already known
            for (var n = first; n < first + training + validation; n++)
            {
                var past = view.Origin - (n * s);
                if (past < minimum / 2)
                {
                    break;
                }

                var actual = view.Known(past + k);
                var x = Features(view, past, k, featureCount);
                if (!double.IsNaN(actual) && x is not null)
                {
                    rows.Add(x);
                    targets.Add(actual);
                    ages.Add(n - first);
                }
            }

            for (var c = 0; c < Candidates; c++)
            {
                candidates[k, c] = double.NaN;
                errors[k, c] = [];
            }

            var now = Features(view, view.Origin, k, featureCount);
            if (now is null)
            {
                candidates[k, 0] = Fallback(view, k);
                continue;
            }

            var recent = ages.FindLastIndex(a => a < training) + 1; // samples are newest first
            if (recent >= featureCount + 3)
            {
                var (model, loo) = Ridge.Fit(rows[..recent], targets[..recent], Options.Lambda);
                candidates[k, 0] = model.Predict(now);
                var forward = ForwardResiduals(rows, targets, ages, featureCount);
                errors[k, 0] = Recentre(forward, loo);
                foreach (var e in forward ?? [])
                {
                    recentError[k, 0] += Math.Abs(e);
                    recentCount[k, 0]++;
                }
            }

            for (var c = 1; c < Candidates; c++)
            {
                candidates[k, c] = Rule(now, c);
                for (var i = 0; i < rows.Count; i++)
                {
                    var e = targets[i] - Rule(rows[i], c);
                    errors[k, c].Add(e);
                    recentError[k, c] += Math.Abs(e); // a rule has no fit, so every sample is an honest test of it
                    recentCount[k, c]++;
                }

                errors[k, c].Sort();
            }
        }

        // On a continuous series the regression is used throughout: its forward errors come from a model some weeks
        // older than the one that forecasts, so comparing them with the rules' errors would wrongly favour the rules.
        // On an intermittent one (zero all day on at least half the days, like curtailment) a few events dominate the fit and a
        // rule is often better, so each step takes the candidate with the lowest recent error.
        var intermittent = ZeroDayShare(view, training) >= 0.5;
        var point = new double[steps];
        var residuals = new List<double>[steps];
        for (var k = 0; k < steps; k++)
        {
            var best = intermittent ? Choose(recentError, recentCount, k, steps) : 0;
            if (double.IsNaN(candidates[k, best]))
            {
                best = 0;
            }

            point[k] = candidates[k, best];
            residuals[k] = errors[k, best];
        }

        var nonNegative = ResidualQuantiles.LooksNonNegative(view, Options.TrainingDays * s);
        return new ProbabilisticForecast(Name, request.Origin, request.History.Step, request.Levels,
            ResidualQuantiles.Build(point, residuals, request.Levels, nonNegative), request.History.Unit, request.History.Name);
    }

    /// <summary>The share of the last <paramref name="days"/> whole days before the origin on which every known value is zero.</summary>
    private static double ZeroDayShare(SeriesView view, int days)
    {
        int zeroDays = 0, counted = 0;
        for (var d = 1; d <= days; d++)
        {
            var from = view.Origin - (d * view.SlotsPerDay);
            if (from < 0)
            {
                break;
            }

            var allZero = true;
            for (var i = from; i < from + view.SlotsPerDay && allZero; i++)
            {
                allZero = double.IsNaN(view.Y[i]) || view.Y[i] == 0;
            }

            counted++;
            zeroDays += allZero ? 1 : 0;
        }

        return counted == 0 ? 0 : zeroDays / (double)counted;
    }

    /// <summary>
    /// The candidate for step k with the lowest mean absolute error, pooled over neighbouring steps: the regression's forward
    /// errors over the latest <see cref="RegressionOptions.ValidationDays"/> origins, the rules' errors over all training
    /// origins; the regression when it has no forward errors to compare.
    /// </summary>
    private static int Choose(double[,] error, int[,] count, int k, int steps)
    {
        var best = 0;
        var bestMean = double.PositiveInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            double sum = 0;
            var n = 0;
            for (var j = Math.Max(0, k - ResidualQuantiles.Pool); j <= Math.Min(steps - 1, k + ResidualQuantiles.Pool); j++)
            {
                sum += error[j, c];
                n += count[j, c];
            }

            if (c == 0 && n == 0)
            {
                return 0;
            }

            var mean = sum / n;
            if (n > 0 && mean < bestMean)
            {
                best = c;
                bestMean = mean;
            }
        }

        return best;
    }

    /// <summary>The rule candidates, read off the features: 1 = same slot on the latest known day, 2 = last value, 3 = profile.</summary>
    private static double Rule(double[] x, int candidate) => candidate switch
    {
        1 => x[10],
        2 => x[11],
        _ => x[0],
    };

    /// <summary>
    /// The errors behind the quantiles: the spread of the forward errors (how much worse a model does a few weeks after
    /// its fit) around the centre of the current model's leave-one-out errors (its own bias); the leave-one-out errors
    /// alone when there are no forward ones. The forward errors' own centre is the bias of the older model, which the
    /// refit has removed, so it is not used.
    /// </summary>
    private static List<double> Recentre(List<double>? forward, double[] loo)
    {
        var own = new List<double>(loo);
        own.Sort();
        if (forward is null || forward.Count == 0)
        {
            return own;
        }

        var sorted = new List<double>(forward);
        sorted.Sort();
        var shift = ResidualQuantiles.Empirical(own, 0.5) - ResidualQuantiles.Empirical(sorted, 0.5);
        for (var i = 0; i < sorted.Count; i++)
        {
            sorted[i] += shift;
        }

        return sorted;
    }

    /// <summary>
    /// Errors of the model as it is used, forecasting forward in time: fitted on the samples older than
    /// <see cref="RegressionOptions.ValidationDays"/> days and scored on the newest ones. These errors include the drift
    /// that a leave-one-out error inside the training window misses. Null when there are too few samples.
    /// </summary>
    private List<double>? ForwardResiduals(List<double[]> rows, List<double> targets, List<int> ages, int featureCount)
    {
        var split = ages.FindIndex(a => a >= Options.ValidationDays);
        if (split <= 0 || rows.Count - split < featureCount + 3)
        {
            return null;
        }

        var end = Math.Min(rows.Count, split + Options.TrainingDays);
        var (model, _) = Ridge.Fit(rows[split..end], targets[split..end], Options.Lambda);
        var errors = new List<double>(split);
        for (var i = 0; i < split; i++)
        {
            errors.Add(targets[i] - model.Predict(rows[i]));
        }

        return errors;
    }

    /// <summary>
    /// The features for step k of a forecast made at origin index <paramref name="origin"/>, from values before that origin
    /// only; null when the profile, the lag value or the recent departure is missing.
    /// </summary>
    private double[]? Features(SeriesView view, int origin, int k, int count)
    {
        var s = view.SlotsPerDay;
        var target = origin + k;
        var lag = target - (((k / s) + 1) * s);
        var profile = Profile(view, origin, target, sameType: true);
        var profileAll = Profile(view, origin, target, sameType: false);
        var lagValue = view.Known(lag);
        var lagProfile = Profile(view, origin, lag, sameType: true);
        var last = view.Known(origin - 1);
        var lastProfile = Profile(view, origin, origin - 1, sameType: true);
        var (recent, ratio) = Recent(view, origin);
        var week = target - (7 * s) < origin ? view.Known(target - (7 * s)) : double.NaN;
        if (double.IsNaN(profile) || double.IsNaN(profileAll) || double.IsNaN(lagValue) || double.IsNaN(lagProfile) || double.IsNaN(recent)
            || double.IsNaN(last) || double.IsNaN(lastProfile))
        {
            return null;
        }

        var x = new double[count];
        x[0] = profile;
        x[1] = profileAll;
        x[2] = lagValue - lagProfile;
        x[3] = recent;
        x[4] = last - lastProfile;
        x[5] = profileAll * ratio;
        x[6] = double.IsNaN(week) ? profile : week;
        var type = view.DayTypeAt(target);
        x[7] = type == DayType.Saturday ? 1 : 0;
        x[8] = type == DayType.SundayOrHoliday ? 1 : 0;
        x[9] = view.PeriodAt(target) == SpecialPeriod.None ? 0 : 1;
        x[10] = lagValue;
        x[11] = last;
        for (var e = 0; e < view.Exogenous.Length; e++)
        {
            var at = view.Exogenous[e][target];
            var before = lag >= 0 ? view.Exogenous[e][lag] : double.NaN;
            if (double.IsNaN(at) || double.IsNaN(before))
            {
                return null;
            }

            x[BaseFeatures + (2 * e)] = at;
            x[BaseFeatures + (2 * e) + 1] = at - before;
        }

        return x;
    }

    /// <summary>When the current features are incomplete: the profile alone, or the latest known same-slot value.</summary>
    private double Fallback(SeriesView view, int k)
    {
        var s = view.SlotsPerDay;
        var target = view.Origin + k;
        var profile = Profile(view, view.Origin, target, sameType: true);
        return double.IsNaN(profile) ? view.Known(target - (((k / s) + 1) * s)) : profile;
    }

    /// <summary>
    /// The mean of the same slot as <paramref name="index"/> over the latest <see cref="RegressionOptions.ProfileDays"/> days
    /// of the same day type that are known at <paramref name="origin"/> and lie before <paramref name="index"/>.
    /// </summary>
    private double Profile(SeriesView view, int origin, int index, bool sameType)
    {
        var s = view.SlotsPerDay;
        var type = view.DayTypeAt(Math.Max(index, 0));
        double sum = 0;
        var found = 0;
        for (var j = 1; j <= Options.ProfileLookbackDays && found < Options.ProfileDays; j++)
        {
            var i = index - (j * s);
            if (i < 0)
            {
                break;
            }

            if (i >= origin || (sameType && view.DayTypeAt(i) != type))
            {
                continue;
            }

            var v = view.Y[i];
            if (!double.IsNaN(v))
            {
                sum += v;
                found++;
            }
        }

        return found == 0 ? double.NaN : sum / found;
    }

    /// <summary>
    /// Over the last <see cref="RegressionOptions.RecentSlots"/> known steps: the mean departure from the same-type profile
    /// (an additive level shift), and the ratio of actual to all-days profile (a multiplicative one, which suits solar).
    /// </summary>
    private (double Departure, double Ratio) Recent(SeriesView view, int origin)
    {
        double sum = 0, actual = 0, expected = 0;
        var found = 0;
        for (var r = 1; r <= Options.RecentSlots; r++)
        {
            var v = view.Known(origin - r);
            var p = Profile(view, origin, origin - r, sameType: true);
            var a = Profile(view, origin, origin - r, sameType: false);
            if (!double.IsNaN(v) && !double.IsNaN(p) && !double.IsNaN(a))
            {
                sum += v - p;
                actual += v;
                expected += a;
                found++;
            }
        }

        if (found == 0)
        {
            return (double.NaN, double.NaN);
        }

        var ratio = Math.Abs(expected) > 1e-9 * Math.Max(1, Math.Abs(actual)) ? Math.Clamp(actual / expected, 0, 3) : 1;
        return (sum / found, ratio);
    }
}
