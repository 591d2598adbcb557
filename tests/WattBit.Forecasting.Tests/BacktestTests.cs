using WattBit.Data.Import;
using WattBit.Forecasting.Backtesting;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Forecasting.Tests;

public sealed class BacktestTests
{
    [Fact]
    public void Pinball_HandValues()
    {
        Assert.Equal(0.2, Metrics.Pinball(12, 10, 0.1), 12);   // actual above P10 by 2: 0.1 x 2
        Assert.Equal(1.8, Metrics.Pinball(10, 12, 0.1), 12);   // actual below P10 by 2: 0.9 x 2
        Assert.Equal(1.0, Metrics.Pinball(10, 12, 0.5), 12);
    }

    [Fact]
    public void BelowShare_PointMassAtActual_CountsAsItsLevel()
    {
        var f = new ProbabilisticForecast("m", SyntheticSeries.Start, SyntheticSeries.Step, [0.1, 0.5, 0.9], [[0.0, 0, 1], [0.0, 2, 2], [0.0, 3, 2]],
            SeriesUnit.Megawatts);
        Assert.Equal(0.1, Metrics.BelowShare(0, f, 0, 0), 12);
        Assert.Equal(0.9, Metrics.BelowShare(0, f, 0, 2), 12);
        Assert.Equal(1, Metrics.BelowShare(1, f, 1, 1));
        Assert.Equal(0, Metrics.BelowShare(1, f, 1, 0));
        // Step 2: P50 = P90 = 2 = actual, P10 = 1 < actual: the mass spans (0.1, 1).
        Assert.Equal((0.5 - 0.1) / 0.9, Metrics.BelowShare(2, f, 2, 1), 12);
    }

    [Fact]
    public void Backtest_SameForecasterTwice_ReportsTiesNotWins()
    {
        var (demand, _) = SyntheticSeries.Demand(80);
        var report = Backtest.Run(demand, [new SeasonalNaiveForecaster(), new SeasonalNaiveForecaster()], new BacktestOptions(WarmupDays: 70));
        Assert.True(report.Origins > 0);
        Assert.NotEmpty(report.Shortfalls());
        Assert.All(report.Shortfalls(), s => Assert.True(s.IsTie));
    }

    [Fact]
    public void Backtest_MissingActuals_AreNotScored()
    {
        var (demand, _) = SyntheticSeries.Demand(75);
        var values = demand.Values.ToArray();
        var gapFrom = demand.IndexOf(SyntheticSeries.Start.AddDays(71));
        for (var i = gapFrom; i < gapFrom + 48; i++)
        {
            values[i] = double.NaN;
        }

        var withGap = new TimeSeries(demand.Start, demand.Step, values, demand.Unit, demand.Name);
        var report = Backtest.Run(withGap, [new PersistenceForecaster()], new BacktestOptions(WarmupDays: 70));
        var full = Backtest.Run(demand, [new PersistenceForecaster()], new BacktestOptions(WarmupDays: 70));
        Assert.True(report.Scores[0].Count.Sum() < full.Scores[0].Count.Sum());
        Assert.False(double.IsNaN(report.Scores[0].Mae(0, report.Steps)));
    }

    [Fact]
    public void Backtest_TooShortSeries_Throws()
    {
        var (demand, _) = SyntheticSeries.Demand(20);
        Assert.Throws<InsufficientHistoryException>(() => Backtest.Run(demand, [new PersistenceForecaster()]));
    }

    [Fact]
    public void Backtest_TokyoDemandSpring_BeatsBothBaselinesOnMaeAndPinball()
    {
        // Real TEPCO PG actuals, April to July 2025 (four monthly files), read with the area importer.
        var months = new[] { "202504", "202505", "202506", "202507" }
            .Select(m => AreaSupplyDemandImporter.ReadFile(SharedData.Path("japan", "area-supply-demand", "tokyo", $"eria_jukyu_{m}_03.csv")));
        var demand = AreaSupplyDemand.Merge(months)[SupplyDemandKeys.Demand];

        var report = Backtest.Run(demand, [new RegressionForecaster(), new PersistenceForecaster(), new SeasonalNaiveForecaster()]);

        Assert.True(report.Origins >= 40);
        var all = report.Steps;
        foreach (var baseline in report.Scores.Skip(1))
        {
            Assert.True(report.Scores[0].Mae(0, all) < baseline.Mae(0, all), $"MAE vs {baseline.Forecaster}");
            Assert.True(report.Scores[0].MeanPinball(0, all) < baseline.MeanPinball(0, all), $"pinball vs {baseline.Forecaster}");
        }
    }
}
