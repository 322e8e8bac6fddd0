using Recur.Forecasting;
using Xunit.Abstractions;

namespace Recur.Tests.Data;

/// <summary>The protocol of data/README.md, run end to end through the library on the real files.</summary>
public class BaselinesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("seattle-weather.csv", "temp_max", 60, 7, 365, 4.615, 4.962)]
    [InlineData("seattle-temps.csv", "temp", 168, 24, 24, 2.827, 0.215)]
    public void ReproducesTheReadmeBaselines(string file, string column, int lookback, int horizon, int season,
        double persistenceRmse, double seasonalRmse)
    {
        var series = CsvSeries.Load(DataFiles.Real(file), column);
        double[] y = series.Target.Values;
        var split = ForecastSplit.Chronological(y.Length);
        int[] origins = split.Origins(SeriesPart.Test, lookback, horizon);

        var persistence = ForecastMetrics.Evaluate(y, origins, horizon, Baselines.Persistence(y, origins, horizon));
        var seasonal = ForecastMetrics.Evaluate(y, origins, horizon, Baselines.SeasonalNaive(y, origins, horizon, season));
        output.WriteLine($"{file} {column}: n={y.Length} split={split.TrainCount}/{split.ValidationCount}/{split.TestCount} " +
                         $"origins={origins.Length} [{origins[0]}..{origins[^1]}] missing_filled={series.Target.MissingFilled}");
        output.WriteLine($"  persistence    RMSE {persistence.Rmse:F4} (README {persistenceRmse})  MAE {persistence.Mae:F4}");
        output.WriteLine($"  seasonal naive RMSE {seasonal.Rmse:F4} (README {seasonalRmse})  MAE {seasonal.Mae:F4}");
        output.WriteLine($"  persistence RMSE by step: {string.Join(" ", persistence.RmseByStep.Select(e => e.ToString("F3")))}");

        Assert.Equal(persistenceRmse, Math.Round(persistence.Rmse, 3));
        Assert.Equal(seasonalRmse, Math.Round(seasonal.Rmse, 3));
        Assert.Equal(origins.Length, persistence.Origins);
        Assert.Equal(horizon, persistence.Horizon);
    }

    [Fact]
    public void PersistenceRepeatsTheLastValue()
    {
        double[] y = [1, 2, 3, 4, 5, 6];
        Assert.Equal([3, 3, 5, 5], Baselines.Persistence(y, [3, 5], horizon: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Baselines.Persistence(y, [0], 1));
    }

    [Fact]
    public void SeasonalNaiveUsesOnlyValuesBeforeTheOrigin()
    {
        // Season 3, origin 6: steps 0..2 take y[3..5]; steps 3..6 go back two seasons, y[3..6].
        double[] y = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40];
        Assert.Equal([10, 11, 12, 10, 11, 12, 10], Baselines.SeasonalNaive(y, [6], horizon: 7, season: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Baselines.SeasonalNaive(y, [2], 1, 3));
    }
}
