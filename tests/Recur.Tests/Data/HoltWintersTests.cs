using Recur.Forecasting;

namespace Recur.Tests.Data;

/// <summary>Damped additive Holt-Winters against an independent implementation (Fixtures/holt_winters_reference.py, error-correction form).</summary>
public class HoltWintersTests
{
    private static readonly double[] Y = [1, 3, 2, 4, 3, 5, 4, 6, 7, 5];
    private static readonly HoltWinters Reference = new(2, 0.5, 0.2, 0.3, 0.9);

    [Fact]
    public void TheRecursionMatchesTheReference()
    {
        Assert.Equal(14.75794287869217, Reference.Filter(Y).Sse, 12);
        Assert.Equal([5.738091472392994, 5.939207931296539, 6.05121765713561], Reference.Forecast(Y, [10], 3), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([3.6673610844999995, 5.65861124805], Reference.Forecast(Y, [6], 2), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void TheStartIsTheFirstTwoSeasonsByHand()
    {
        // ℓ = mean(1, 3) = 2, b = (mean(2, 4) − 2)/2 = 0.5, s = (−1, 1): the first one-step forecast is ℓ + φb + s₀ = 2 + 0.45 − 1.
        var s = Reference.Filter(Y);
        Assert.Equal(2, s.Level[1]);
        Assert.Equal(0.5, s.Trend[1]);
        Assert.Equal([-1.0, 1.0], s.Seasonal[..2]);
        Assert.Equal(1.45, Reference.Forecast(Y, [2], 1)[0], 12);
    }

    [Fact]
    public void FittingFindsAtLeastTheReferencesErrorAndForecastsAnExactSeasonalTrend()
    {
        var fit = HoltWinters.Fit(Y, 2);
        Assert.True(fit.Filter(Y).Sse <= Reference.Filter(Y).Sse + 1e-9);
        Assert.InRange(fit.Alpha, 0, 1);
        Assert.InRange(fit.Beta, 0, 1);
        Assert.InRange(fit.Gamma, 0, 1 - fit.Alpha);
        Assert.InRange(fit.Phi, 0.8, 0.98);

        double[] exact = [.. Enumerable.Range(0, 120).Select(i => 10 + 3 * Math.Sin(2 * Math.PI * i / 12) + 2 * Math.Cos(2 * Math.PI * i / 6))];
        var hw = HoltWinters.Fit(exact.AsSpan(0, 96), 12);
        var forecasts = hw.Forecast(exact, [96, 102], 12);
        Assert.All(forecasts.Select((f, k) => f - exact[(k < 12 ? 96 : 102) + k % 12]), e => Assert.True(Math.Abs(e) < 0.05, $"error {e}"));
    }

    [Fact]
    public void TooShortForTwoSeasonsDropsTheSeason()
    {
        Assert.Equal(1, HoltWinters.Fit([1, 2, 3, 4, 5, 6, 7], 12).Season);
        Assert.Equal(1, HoltWinters.EffectiveSeason(25, 12));
        Assert.Equal(12, HoltWinters.EffectiveSeason(26, 12));
        Assert.Throws<ArgumentException>(() => HoltWinters.Fit([1, 2], 1));
    }
}
