using Recur.Forecasting;

namespace Recur.Tests.Data;

public class ForecastSplitTests
{
    [Theory]
    [InlineData(1461, 1022, 146, 293)] // seattle-weather
    [InlineData(8759, 6131, 875, 1753)] // seattle-temps
    [InlineData(90, 63, 9, 18)] // exact floor: float int(0.7 * 90) would give 62
    [InlineData(10, 7, 1, 2)]
    [InlineData(9, 6, 0, 3)]
    [InlineData(0, 0, 0, 0)]
    public void SplitSizes(int n, int train, int validation, int test)
    {
        var split = ForecastSplit.Chronological(n);
        Assert.Equal((train, validation, test), (split.TrainCount, split.ValidationCount, split.TestCount));
        Assert.Equal((0, train), split.Range(SeriesPart.Train));
        Assert.Equal((train, train + validation), split.Range(SeriesPart.Validation));
        Assert.Equal((train + validation, n), split.Range(SeriesPart.Test));
    }

    [Fact]
    public void TestOriginsStartAtTheTestPartAndDropTheTail()
    {
        var split = ForecastSplit.Chronological(1461);
        int[] origins = split.Origins(SeriesPart.Test, lookback: 60, horizon: 7);
        Assert.Equal(1168, origins[0]);
        Assert.Equal(1461 - 7, origins[^1]); // the last horizon ends exactly at the last row
        Assert.Equal(287, origins.Length);
    }

    [Fact]
    public void OriginsNeedAFullLookback()
    {
        // n = 100: train [0,70), validation [70,80), test [80,100); lookback 85 cuts into test.
        var split = ForecastSplit.Chronological(100);
        Assert.Equal([85, 86, 87, 88, 89, 90, 91], split.Origins(SeriesPart.Test, lookback: 85, horizon: 9));
        Assert.Empty(split.Origins(SeriesPart.Validation, lookback: 85, horizon: 9));
        Assert.Empty(split.Origins(SeriesPart.Test, lookback: 10, horizon: 21));
    }

    [Fact]
    public void EachPartsSamplesStayInsideItOrEarlier()
    {
        var split = ForecastSplit.Chronological(8759);
        const int lookback = 168, horizon = 24;
        int[] train = split.Origins(SeriesPart.Train, lookback, horizon);
        Assert.Equal(lookback, train[0]);
        Assert.Equal(split.TrainEnd - horizon, train[^1]);

        int[] validation = split.Origins(SeriesPart.Validation, lookback, horizon);
        Assert.Equal(split.TrainEnd, validation[0]); // inputs reach back into train
        Assert.Equal(split.ValidationEnd - horizon, validation[^1]); // targets never reach test

        int[] test = split.Origins(SeriesPart.Test, lookback, horizon);
        Assert.Equal(split.ValidationEnd, test[0]);
        Assert.Equal(8759 - horizon, test[^1]);
    }
}
