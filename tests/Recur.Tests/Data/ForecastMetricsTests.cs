using Recur.Forecasting;

namespace Recur.Tests.Data;

public class ForecastMetricsTests
{
    [Fact]
    public void RmseMaeAndStepErrors()
    {
        double[] y = [0, 0, 1, 2, 3, 4];
        // Origins 2 and 4, horizon 2: actual (1,2) and (3,4); errors (+1,−1) and (+3,0).
        var errors = ForecastMetrics.Evaluate(y, [2, 4], 2, [2, 1, 6, 4]);
        Assert.Equal(Math.Sqrt((1 + 1 + 9 + 0) / 4.0), errors.Rmse, 12);
        Assert.Equal((1 + 1 + 3 + 0) / 4.0, errors.Mae, 12);
        Assert.Equal([Math.Sqrt((1 + 9) / 2.0), Math.Sqrt((1 + 0) / 2.0)], errors.RmseByStep);
        Assert.Equal(2, errors.Origins);
    }

    [Fact]
    public void RejectsMismatchedSizes()
    {
        double[] y = [0, 1, 2, 3];
        Assert.Throws<ArgumentException>(() => ForecastMetrics.Evaluate(y, [1], 2, [1.0]));
        Assert.Throws<ArgumentException>(() => ForecastMetrics.Evaluate(y, [3], 2, [1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => ForecastMetrics.Evaluate(y, [], 2, []));
    }
}
