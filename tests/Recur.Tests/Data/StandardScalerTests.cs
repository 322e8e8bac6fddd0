using Recur.Forecasting;

namespace Recur.Tests.Data;

public class StandardScalerTests
{
    [Fact]
    public void FitsOnTheTrainingPartOnly()
    {
        double[] y = new double[20];
        for (int i = 0; i < y.Length; i++) y[i] = i < 14 ? i % 2 * 2 : 1e6; // train: 0,2,0,2,…
        var split = ForecastSplit.Chronological(y.Length);
        Assert.Equal(14, split.TrainEnd);
        var scaler = StandardScaler.Fit(y, split);
        Assert.Equal(1.0, scaler.Mean, 12);
        Assert.Equal(1.0, scaler.Std, 12); // population std of {0, 2}
    }

    [Fact]
    public void TransformAndInverseRoundTrip()
    {
        var scaler = StandardScaler.Fit([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        Assert.Equal((5.0, 2.0), (scaler.Mean, scaler.Std));
        Assert.Equal([-1.5, 0, 2], scaler.Transform([2.0, 5.0, 9.0]));
        Assert.Equal([2.0, 5.0, 9.0], scaler.Inverse([-1.5, 0.0, 2.0]));
        Assert.Equal([2.0, 5.0, 9.0], scaler.Inverse([-1.5f, 0f, 2f]));
    }

    [Fact]
    public void ConstantTrainingPartOnlyCentres()
    {
        var scaler = StandardScaler.Fit([3.0, 3.0, 3.0]);
        Assert.Equal(1.0, scaler.Std);
        Assert.Equal(1.5, scaler.Transform(4.5));
        Assert.Throws<ArgumentException>(() => StandardScaler.Fit([]));
    }
}
