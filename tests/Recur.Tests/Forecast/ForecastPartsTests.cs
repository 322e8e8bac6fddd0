using Recur.Forecasting;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>The pieces of the forecaster, each against values worked out by hand.</summary>
public class ForecastPartsTests
{
    private static ForecastSpec Spec(int lookback, int horizon, int season, ForecastAnchor anchor, int features = 0, string[]? calendar = null) => new()
    {
        Features = [.. Enumerable.Range(0, features).Select(f => $"f{f}")],
        Cell = "gru",
        Hidden = 4,
        Layers = 1,
        Lookback = lookback,
        Horizon = horizon,
        Season = season,
        Anchor = anchor,
        Calendar = calendar ?? [],
        DateFormat = "",
        Series = [TestModels.State(inputs: features, horizon: horizon)],
    };

    [Fact]
    public void CutMakesTheWindowRelativeToItsLastValueAndAnchorsOnPersistence()
    {
        double[] z = [0, 1, 2, 4, 7, 11, 16];
        double[] f = [10, 20, 30, 40, 50, 60, 70];
        var batch = ForecastBatch.Cut(Spec(3, 2, 1, ForecastAnchor.Last, features: 1), new ScaledSeries(z, [f]), [3, 5], withTargets: true);
        // origin 3: window z[0..2] = 0, 1, 2 relative to z[2] = 2; the feature as is.
        Assert.Equal([-2, 10, -1, 20, 0, 30, /* origin 5: z[2..4] − 7 */ -5, 30, -3, 40, 0, 50], batch.Inputs);
        Assert.Equal([-2, -1, 0, -5, -3, 0], batch.Window);
        Assert.Equal([2, 2, 7, 7], batch.Anchors);
        Assert.Equal([4 - 2, 7 - 2, 11 - 7, 16 - 7], batch.Targets!);
    }

    [Fact]
    public void SeasonalAnchorRepeatsTheLastSeasonBeforeTheOrigin()
    {
        double[] z = [.. Enumerable.Range(0, 12).Select(i => (double)i * i)];
        var batch = ForecastBatch.Cut(Spec(4, 5, 2, ForecastAnchor.Seasonal), new ScaledSeries(z, []), [6], withTargets: true);
        // ŷ[t+h] = z[t+h−kS], k = ⌊h/S⌋+1: z[4], z[5], z[4], z[5], z[4]: as Baselines.SeasonalNaive.
        Assert.Equal([16, 25, 16, 25, 16], batch.Anchors);
        Assert.Equal(Baselines.SeasonalNaive(z, [6], 5, 2).Select(v => (float)v), batch.Anchors);
        Assert.Equal([36 - 16, 49 - 25, 64 - 16, 81 - 25, 100 - 16], batch.Targets!);
    }

    [Fact]
    public void CutPastTheEndNeedsNoTargets()
    {
        double[] z = [1, 2, 3, 4];
        var batch = ForecastBatch.Cut(Spec(2, 3, 1, ForecastAnchor.Last), new ScaledSeries(z, []), [4], withTargets: false);
        Assert.Equal([-1, 0], batch.Window);
        Assert.Null(batch.Targets);
        Assert.Throws<ArgumentException>(() => ForecastBatch.Cut(Spec(2, 3, 1, ForecastAnchor.Last), new ScaledSeries(z, []), [4], withTargets: true));
        Assert.Throws<ArgumentException>(() => ForecastBatch.Cut(Spec(5, 1, 1, ForecastAnchor.Last), new ScaledSeries(z, []), [4], withTargets: false));
    }

    [Theory]
    [InlineData("rnn", 1)]
    [InlineData("lstm", 2)]
    [InlineData("gru", 3)]
    public void ExpectedShapesAreThoseOfTheNetwork(string cell, int layers)
    {
        var net = new ForecastNet(cell, 5, 6, layers, 9, 4, new Generator(0));
        var actual = net.NamedParameters().Select(p => (p.Name, Shape: string.Join("x", p.Parameter.Shape))).ToList();
        var expected = ForecastNet.ExpectedShapes(cell, 5, 6, layers, 9, 4).Select(e => (e.Name, Shape: string.Join("x", e.Shape))).ToList();
        Assert.Equal(expected, actual);
        Assert.Contains(("rnn.weight_hh_l0", $"{(cell == "lstm" ? 24 : cell == "gru" ? 18 : 6)}x6"), actual);
        Assert.Contains(("highway.weight", "4x9"), actual);
    }

    [Fact]
    public void AnUntrainedModelForecastsItsAnchor()
    {
        var series = CsvSeries.Load(DataFiles.SeattleWeather, "temp_max");
        var y = series.Target.Values;
        var split = ForecastSplit.Chronological(y.Length);
        var state = TestModels.State(horizon: 7, scaler: StandardScaler.Fit(y, split));
        var spec = Spec(30, 7, 1, ForecastAnchor.Last) with { Series = [state] };
        var model = Forecaster.Create(spec, new Generator(1));
        var origins = split.Origins(SeriesPart.Test, 30, 7);
        var forecasts = model.ForecastSeries(state, y, [], null, origins).Point;
        Assert.Equal(Baselines.Persistence(y, origins, 7), forecasts, (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Theory]
    [InlineData(1.0 / 24, 255, "hour_of_day,day_of_week")]
    [InlineData(1.0 / 24, 800, "hour_of_day,day_of_week,day_of_year")]
    [InlineData(1, 1022, "day_of_week,day_of_year")]
    [InlineData(1, 500, "day_of_week")]
    [InlineData(7, 2000, "day_of_year")]
    [InlineData(30.4, 3000, "month_of_year")]
    [InlineData(91, 3000, "month_of_year")]
    [InlineData(365, 30000, "")]
    public void CalendarCyclesAreThoseTheStepSamplesAndTheTrainingPartSpansTwice(double stepDays, double trainDays, string expected)
    {
        var chosen = CalendarFeatures.Choose(TimeSpan.FromDays(stepDays), TimeSpan.FromDays(trainDays));
        Assert.Equal(expected, string.Join(",", chosen));
    }

    [Fact]
    public void CalendarChannelsAreSinAndCosOfThePhase()
    {
        var channels = CalendarFeatures.Channels(["hour_of_day", "day_of_week"], [new DateTime(2024, 1, 1, 6, 0, 0)]); // a Monday
        Assert.Equal(1, channels[0][0], 12); // sin(2π·6/24)
        Assert.Equal(0, channels[1][0], 12);
        double week = 2 * Math.PI * (1 + 0.25) / 7;
        Assert.Equal(Math.Sin(week), channels[2][0], 12);
        Assert.Equal(Math.Cos(week), channels[3][0], 12);
    }

    [Theory]
    [InlineData(3600, "hourly", 24, 24)]
    [InlineData(900, "every 15 minutes", 96, 48)]
    [InlineData(86400, "daily", 7, 7)]
    [InlineData(7 * 86400, "weekly", 52, 4)]
    [InlineData(31 * 86400, "monthly", 12, 6)]
    [InlineData(92 * 86400, "quarterly", 4, 4)]
    [InlineData(365 * 86400, "yearly", 1, 3)]
    public void FrequencyFromTheMedianStep(double seconds, string name, int season, int horizon)
    {
        var f = SeriesFrequency.FromStep(TimeSpan.FromSeconds(seconds));
        Assert.Equal((name, season, horizon), (f.Name, f.Season, f.Horizon));
    }

    [Fact]
    public void SeasonOfAnUndatedSeriesComesFromTheAutocorrelationOfItsDifferences()
    {
        var rng = new Random(3);
        double[] seasonal = [.. Enumerable.Range(0, 200).Select(i => 0.3 * i + 5 * Math.Sin(2 * Math.PI * i / 12) + rng.NextDouble())];
        Assert.Equal(12, ForecastDefaults.DetectSeason(seasonal));
        double walk = 0;
        double[] randomWalk = [.. Enumerable.Range(0, 200).Select(_ => walk += rng.NextDouble() - 0.5)];
        Assert.Equal(1, ForecastDefaults.DetectSeason(randomWalk));
        Assert.Equal(1, ForecastDefaults.DetectSeason([1, 2, 3]));
    }

    [Fact]
    public void DefaultLookbackCoversTwoSeasonsWithinAThirdOfTheTrainingPart()
    {
        Assert.Equal(30, ForecastDefaults.Lookback(7, 7, 1022)); // max(14, 28, 30)
        Assert.Equal(96, ForecastDefaults.Lookback(24, 24, 6131));
        Assert.Equal(48, ForecastDefaults.Lookback(24, 12, 144)); // a third of 144
        Assert.Equal(336, ForecastDefaults.Lookback(168, 24, 100_000));
    }

    [Fact]
    public void TheHighwayFitRecoversALinearRuleAndFallsBackToZeroWhenNothingHelps()
    {
        // Differences d follow AR(1), d[t] = 0.8·d[t−1] + e, and y = Σd. With the persistence anchor the correction at
        // step h is d[t] + … + d[t+h] ≈ (0.8 + … + 0.8^(h+1))·d[t−1], and d[t−1] = −window[L−2] in the relative window.
        var rng = new Random(5);
        double[] z = new double[600];
        double d = 0;
        for (int i = 1; i < z.Length; i++)
        {
            d = 0.8 * d + (rng.NextDouble() - 0.5);
            z[i] = z[i - 1] + d;
        }
        var spec = Spec(6, 3, 1, ForecastAnchor.Last);
        var series = new ScaledSeries(z, []);
        var train = ForecastBatch.Cut(spec, series, [.. Enumerable.Range(6, 450)], withTargets: true);
        var validation = ForecastBatch.Cut(spec, series, [.. Enumerable.Range(460, 130)], withTargets: true);
        var fit = HighwayFitter.Fit(train, validation);
        // As good as the true rule on the same samples (to sampling noise), and far better than no fit.
        double oracle = 0, none0 = 0;
        for (int i = 0; i < validation.Count; i++)
        {
            double dLast = -validation.Window[i * 6 + 4], gain = 0;
            for (int h = 0; h < 3; h++)
            {
                gain += Math.Pow(0.8, h + 1);
                double y = validation.Targets![i * 3 + h];
                oracle += (gain * dLast - y) * (gain * dLast - y);
                none0 += y * y;
            }
        }
        oracle /= validation.Count * 3;
        none0 /= validation.Count * 3;
        Assert.True(fit.ValidationLoss < 1.1 * oracle && fit.ValidationLoss < 0.5 * none0,
            $"validation MSE {fit.ValidationLoss}, true rule {oracle}, no fit {none0}");

        // Validation targets that are exactly the anchor: no fit beats zero weights.
        var flat = new ScaledSeries([.. Enumerable.Range(0, 300).Select(i => i < 220 ? rng.NextDouble() : 0.5)], []);
        var noisy = ForecastBatch.Cut(spec, flat, [.. Enumerable.Range(6, 200)], withTargets: true);
        var constant = ForecastBatch.Cut(spec, flat, [.. Enumerable.Range(230, 60)], withTargets: true);
        var none = HighwayFitter.Fit(noisy, constant);
        Assert.True(double.IsPositiveInfinity(none.Lambda));
        Assert.All(none.Weight, w => Assert.Equal(0f, w));
        Assert.Equal(0, none.ValidationLoss);
    }

    [Fact]
    public void CalendarInputsAreChosenFromTheDatesUnlessAsked()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("daily.csv", SyntheticSeries.Daily(200));
        var options = new ForecastOptions { Hidden = 4, Training = new TrainingOptions { Epochs = 0 } };
        Assert.Equal(["day_of_week"], TestModels.Fit(csv, options).Model.Spec.Calendar); // 139 training days: not two years
        Assert.Empty(TestModels.Fit(csv, options with { Calendar = [] }).Model.Spec.Calendar);
        Assert.Equal(["month_of_year"], TestModels.Fit(csv, options with { Calendar = ["month_of_year"] }).Model.Spec.Calendar);
        Assert.Throws<ArgumentException>(() => TestModels.Fit(csv, options with { Calendar = ["day_of_month"] }));
    }

    [Fact]
    public void AnUndatedSeriesGetsItsSeasonFromTheData()
    {
        using var dir = new TempDirectory();
        var dated = SyntheticSeries.Daily(200).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string csv = dir.Write("undated.csv", string.Join('\n', dated.Select(line => line[(line.IndexOf(',') + 1)..])) + "\n");
        var fit = TestModels.Fit(csv, new ForecastOptions { Hidden = 4, Training = new TrainingOptions { Epochs = 0 } });
        var spec = fit.Model.Spec;
        Assert.Null(fit.Evaluation.Series[0].Dates);
        Assert.Null(spec.Step);
        Assert.Equal(7, spec.Season);
        Assert.Equal(7, spec.Horizon); // one season
        Assert.Empty(spec.Calendar);
        Assert.Equal(ForecastAnchor.Seasonal, spec.Anchor);
        Assert.Contains(fit.Notes, c => c.Contains("autocorrelation"));
    }

    // Validation errors per origin for every method: `winner` gets `gap` less than the combinations on each origin (plus noise).
    private static (Dictionary<string, double>, Dictionary<string, double[]>) Errors(int origins, string winner, double gap, double noise)
    {
        var rng = new Random(3);
        var perOrigin = ForecastMethods.Names.ToDictionary(m => m, m => Enumerable.Range(0, origins).Select(_ => (m == "ensemble" ? 1.0 : 1.5) + 0.2 * rng.NextDouble()).ToArray());
        perOrigin["network+holt-winters"] = [.. perOrigin["ensemble"].Select(e => e + 0.01)];   // the better combination: ensemble
        perOrigin[winner] = [.. perOrigin["ensemble"].Select((e, k) => e - gap + noise * (k % 2 == 0 ? 1 : -1))];
        return (perOrigin.ToDictionary(p => p.Key, p => p.Value.Average()), perOrigin);
    }

    [Fact]
    public void AShortValidationPartKeepsTheBetterCombinationUnlessTheWinnerIsClearlyBetter()
    {
        // A yearly series: 8 origins of 3 steps (2.7 windows). A winner by 0.02 ± 0.3 is noise: the ensemble stays.
        var (mean, perOrigin) = Errors(8, "persistence", 0.02, 0.3);
        Assert.Equal("persistence", ForecastMethods.Names.MinBy(m => mean[m]));
        var (kept, why) = MethodChoice.Choose(mean, perOrigin, 3);
        Assert.Equal("ensemble", kept);
        Assert.Contains("persistence's lower MASE over 2.7 validation windows is not clearly better", why);
        // A winner by 0.3 on every origin is clear.
        (mean, perOrigin) = Errors(8, "persistence", 0.3, 0.01);
        Assert.Equal(("persistence", (string?)null), MethodChoice.Choose(mean, perOrigin, 3));
        // A long validation part (140 origins of 7 steps: 20 windows): the least MASE, however slight.
        (mean, perOrigin) = Errors(140, "network", 0.02, 0.3);
        Assert.Equal(("network", (string?)null), MethodChoice.Choose(mean, perOrigin, 7));
        // The combinations not available (no network trained): the least MASE.
        (mean, perOrigin) = Errors(8, "persistence", 0.02, 0.3);
        mean["ensemble"] = mean["network+holt-winters"] = double.PositiveInfinity;
        Assert.Equal("persistence", MethodChoice.Choose(mean, perOrigin, 3).Method);
        // Under two windows (a 50-row yearly series: 3 origins of 3 steps) not even a clear winner is taken: the ensemble,
        // also over the better-scoring other combination.
        (mean, perOrigin) = Errors(3, "network", 0.3, 0.01);
        mean["network+holt-winters"] = mean["ensemble"] - 0.1;
        (kept, why) = MethodChoice.Choose(mean, perOrigin, 3);
        Assert.Equal("ensemble", kept);
        Assert.Contains("3 validation origins of 3 steps (1 independent window) are too few to choose among the methods", why);
        // At two windows and more the rules above apply.
        (mean, perOrigin) = Errors(6, "network", 0.3, 0.01);
        Assert.Equal(("network", (string?)null), MethodChoice.Choose(mean, perOrigin, 3));
    }

    [Fact]
    public void AGlobalModelWithAShortValidationPartKeepsTheEnsembleUnlessTheWinnerIsClearlyBetter()
    {
        // Two related monthly series, 13 origins of 6 steps each (2.2 windows); network+holt-winters wins on average.
        var (mean1, origins1) = Errors(13, "network+holt-winters", 0.05, 0.3);
        var (mean2, origins2) = Errors(13, "network+holt-winters", 0.05, 0.3);
        var (kept, why) = MethodChoice.ChooseShared([mean1, mean2], [origins1, origins2], 6);
        Assert.Equal("ensemble", kept);
        Assert.Contains("network+holt-winters's lower MASE over 2.2 validation windows is not clearly better", why);
        Assert.Contains("the ensemble is kept", why);
        // Clearly better on every origin of both series: the winner.
        (mean1, origins1) = Errors(13, "network", 0.3, 0.01);
        (mean2, origins2) = Errors(13, "network", 0.3, 0.01);
        Assert.Equal(("network", (string?)null), MethodChoice.ChooseShared([mean1, mean2], [origins1, origins2], 6));
        // A long validation part (60 origins of 6 steps: 10 windows): the least mean MASE, however slight.
        (mean1, origins1) = Errors(60, "hybrid", 0.02, 0.3);
        (mean2, origins2) = Errors(60, "hybrid", 0.02, 0.3);
        Assert.Equal(("hybrid", (string?)null), MethodChoice.ChooseShared([mean1, mean2], [origins1, origins2], 6));
        // The ensemble itself wins: kept without a test.
        (mean1, origins1) = Errors(13, "persistence", -0.5, 0.01);
        Assert.Equal(("ensemble", (string?)null), MethodChoice.ChooseShared([mean1, mean1], [origins1, origins1], 6));
    }
}
