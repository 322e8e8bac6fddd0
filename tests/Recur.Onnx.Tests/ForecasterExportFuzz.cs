using CsCheck;
using Recur.Forecasting;
using Recur.Tests.Fuzz;
using Xunit.Abstractions;
using Setup = Recur.Onnx.Tests.ForecasterExportTests.Setup;

namespace Recur.Onnx.Tests;

/// <summary>
/// Random forecasters through <c>recur export</c>: any cell, 1–2 layers, lookback 2–16, horizon 1–10, season 1–9 (a seasonal
/// anchor when it fits the lookback, the Holt-Winters one with a hybrid series), 0–2 feature, known-future and calendar columns, 1–3 series (a series embedding or not) each with any method, any
/// transform (log, Box-Cox with λ of either sign) and a Holt-Winters season of S or 1, quantile levels from none to a lone
/// median (conformal, or from the network's pinball or Gaussian head), intervals static or recalibrated over 1–12 rows, histories with or without gaps, at one or two lengths from the
/// shortest recur predict reads. Property: the file in ONNX Runtime gives recur predict's forecast and quantiles within
/// 1e-5·max(1, |y|). The CI budget is a three-hundredth of the file targets' (10 models); <c>RECUR_FUZZ_ITER</c> scales it.
/// </summary>
[Trait("Category", "Fuzz")]
public class ForecasterExportFuzz(ITestOutputHelper output)
{
    private static readonly string[] Cells = ["rnn", "gru", "lstm"];
    private static readonly SeriesTransform[] Transforms =
        [SeriesTransform.None, SeriesTransform.Log, new("boxcox", 0.5), new("boxcox", -0.4), new("boxcox", 1.7)];
    private static readonly double[][] LevelSets = [[], [0.1, 0.5, 0.9], [0.05, 0.45, 0.8], [0.25, 0.75], [0.5]];

    private sealed record Case(Setup Setup, int[] Lengths)
    {
        public override string ToString() =>
            $"{Setup with { }} methods [{string.Join(", ", Setup.Methods)}] transforms [{string.Join(", ", Setup.Transforms.Select(t => $"{t.Kind}({t.Lambda})"))}] " +
            $"hw [{string.Join(", ", Setup.HwSeasons ?? [])}] levels [{string.Join(", ", Setup.Quantiles)}] lengths [{string.Join(", ", Lengths)}]";
    }

    private static readonly Gen<Case> CaseGen = Gen.Select(
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 2], Gen.Int[1, 6], Gen.Int[2, 16], Gen.Int[1, 10], Gen.Int[1, 9], Gen.Bool),
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, LevelSets.Length - 1], Gen.Int[0, 12], Gen.Bool, Gen.Int[1, 3]),
        Gen.Select(Gen.Int[0, ForecastMethods.Names.Count - 1].Array[3], Gen.Int[0, Transforms.Length - 1].Array[3], Gen.Bool.Array[3], Gen.Int[0, 40].Array[1, 2], Gen.Bool, Gen.Bool, Gen.Bool),
        (a, b, c) =>
        {
            var (cell, layers, hidden, lookback, horizon, season, seasonal) = a;
            var (features, known, calendar, levels, calibration, gaps, count) = b;
            var (methods, transforms, noSeason, extra, embedding, learned, gaussian) = c;
            var names = methods.Take(count).Select(m => ForecastMethods.Names[m]).ToArray();
            // One network per model: with a hybrid series every network method is the hybrid (its Holt-Winters anchor).
            bool hybrid = names.Any(ForecastMethods.IsHybrid);
            if (hybrid) names = [.. names.Select(n => ForecastMethods.UsesNetwork(n) ? "hybrid" : n)];
            var hw = Enumerable.Range(0, count).Select(i => noSeason[i] ? 1 : season).ToArray();
            var setup = new Setup(names, [.. transforms.Take(count).Select(t => Transforms[t])], features, known, calendar, Cells[cell],
                hybrid ? ForecastAnchor.HoltWinters : seasonal && season <= lookback ? ForecastAnchor.Seasonal : ForecastAnchor.Last, hw, calibration, gaps,
                lookback, horizon, season, LevelSets[levels], hidden, layers, embedding, Learned: learned && LevelSets[levels].Length > 0, Gaussian: gaussian);
            // The shortest history recur predict forecasts every series of from: the lookback, a season for seasonal naive,
            // two (of the series' Holt-Winters season, or two rows) for Holt-Winters, two rows for drift.
            int shortest = Enumerable.Range(0, count).Max(i => names[i] switch
            {
                "seasonal naive" => season,
                "holt-winters" or "network+holt-winters" => Math.Max(2 * hw[i], 2),
                "ensemble" => Math.Max(2 * hw[i], season),
                "drift" => 2,
                _ => 1,
            });
            // The hybrid reads every series' Holt-Winters start (ForecastSpec.RowsNeeded).
            if (hybrid) shortest = Math.Max(shortest, hw.Max(m => Math.Max(2 * m, 2)));
            shortest = Math.Max(Math.Max(shortest, lookback), 3);
            return new Case(setup, [.. extra.Select(e => shortest + e).Distinct()]);
        });

    [Fact]
    public void RandomForecastersMatchRecurPredict()
    {
        int seen = 0;
        FuzzBudget.Run(CaseGen, c =>
        {
            seen++;
            ForecasterExportTests.CheckAgainstPredict(ForecasterExportTests.Build(c.Setup), c.Setup, c.Lengths, networkSlack: 5e-6);
        }, output.WriteLine, c => c.ToString(), iterations: Math.Max(1, FuzzBudget.Iterations / 300));
        Assert.True(seen > 0);
    }
}
