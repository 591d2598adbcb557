using BenchmarkDotNet.Attributes;
using WattBit.Data.Import;
using WattBit.Forecasting;
using WattBit.Time;

namespace WattBit.Bench.Forecasting;

/// <summary>
/// One day-ahead forecast (96 half hours, P10/P50/P90) of the real Tokyo demand from a year of history: the WattBit
/// regression against the seasonal-naive baseline (which also computes its error quantiles over 56 days).
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*ForecastBenchmarks*'</c>.
/// The whole backtest is timed by <c>wattbit forecast backtest</c> itself (it prints seconds per series).
/// </summary>
[Config(typeof(WattBit.Bench.Storage.InProcessThroughputConfig))]
[MemoryDiagnoser]
public class ForecastBenchmarks
{
    private ForecastRequest? _request;

    [GlobalSetup]
    public void Setup()
    {
        var folder = BenchData.Path("japan", "area-supply-demand", "tokyo");
        var parts = Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).Select(f => AreaSupplyDemandImporter.ReadFile(f));
        TimeSeries demand = AreaSupplyDemand.Merge(parts)[SupplyDemandKeys.Demand];
        var origin = new DateTimeOffset(2026, 7, 1, 10, 0, 0, Jst.Offset);
        _request = new ForecastRequest(demand, origin, 96);
    }

    [Benchmark(Baseline = true)]
    public double SeasonalNaive() => new SeasonalNaiveForecaster().Forecast(_request!).Value(0.5, 0);

    [Benchmark]
    public double Regression() => new RegressionForecaster().Forecast(_request!).Value(0.5, 0);
}
