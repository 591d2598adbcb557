namespace WattBit.Forecasting;

/// <summary>
/// The shared shape of the two baselines: a fixed rule for the point forecast, and quantiles from the rule's own errors
/// over the previous <see cref="TrainingDays"/> daily origins (at the same time of day as the request's origin).
/// </summary>
public abstract class BaselineForecaster : IForecaster
{
    private protected BaselineForecaster(int trainingDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingDays, 1);
        TrainingDays = trainingDays;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>How many earlier daily origins supply the errors behind the quantiles (default 56).</summary>
    public int TrainingDays { get; }

    /// <summary>The rule: the forecast made at origin index <paramref name="origin"/> for step <paramref name="k"/> (0-based), from values before the origin only.</summary>
    private protected abstract double Point(SeriesView view, int origin, int k);

    /// <inheritdoc />
    public ProbabilisticForecast Forecast(ForecastRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = SeriesView.Create(request);
        var steps = request.Steps;
        var point = new double[steps];
        var residuals = new List<double>[steps];
        for (var k = 0; k < steps; k++)
        {
            point[k] = Point(view, view.Origin, k);
            residuals[k] = [];
            for (var n = (k / view.SlotsPerDay) + 1; n <= (k / view.SlotsPerDay) + TrainingDays; n++)
            {
                var past = view.Origin - (n * view.SlotsPerDay);
                var actual = view.Known(past + k);
                var forecast = past > 0 ? Point(view, past, k) : double.NaN;
                if (!double.IsNaN(actual) && !double.IsNaN(forecast))
                {
                    residuals[k].Add(actual - forecast);
                }
            }
        }

        var nonNegative = ResidualQuantiles.LooksNonNegative(view, TrainingDays * view.SlotsPerDay);
        return new ProbabilisticForecast(Name, request.Origin, request.History.Step, request.Levels,
            ResidualQuantiles.Build(point, residuals, request.Levels, nonNegative), request.History.Unit, request.History.Name);
    }
}

/// <summary>Persistence: every step is forecast as the last known value before the origin.</summary>
/// <param name="trainingDays">How many earlier daily origins supply the errors behind the quantiles.</param>
public sealed class PersistenceForecaster(int trainingDays = 56) : BaselineForecaster(trainingDays)
{
    /// <inheritdoc />
    public override string Name => "persistence";

    private protected override double Point(SeriesView view, int origin, int k)
    {
        for (var i = origin - 1; i >= Math.Max(0, origin - view.SlotsPerDay); i--)
        {
            if (!double.IsNaN(view.Y[i]))
            {
                return view.Y[i];
            }
        }

        return double.NaN;
    }
}

/// <summary>
/// Seasonal naive (daily): every step is forecast as the value at the same time of day on the latest day already known
/// at the origin (yesterday for today, two days ago for tomorrow's slots that are not yet known a day earlier).
/// </summary>
/// <param name="trainingDays">How many earlier daily origins supply the errors behind the quantiles.</param>
public sealed class SeasonalNaiveForecaster(int trainingDays = 56) : BaselineForecaster(trainingDays)
{
    /// <inheritdoc />
    public override string Name => "seasonal-naive";

    private protected override double Point(SeriesView view, int origin, int k)
    {
        var days = (k / view.SlotsPerDay) + 1;
        var index = origin + k - (days * view.SlotsPerDay);
        return index >= 0 ? view.Y[index] : double.NaN;
    }
}
