using System.Diagnostics;
using CsCheck;
using Recur.Forecasting;
using Recur.Tests.Data;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: the forecasting protocol end to end (<see cref="Forecaster.Fit"/>, then save, load and
/// <see cref="Forecaster.Predict"/>) on random data and options: 1–3 series of 4–150 rows, of one length or ragged (random walks,
/// seasons, constants, steps, tiny or huge scales, negative values, missing values, without dates or with daily or month-end
/// dates), 0–2 past-only and 0–1 known-future input columns, any lookback, horizon and
/// season (or the defaults), transform, method, interval kind, quantile levels, split (fractions or a test start date), backtest (with refit or not),
/// cell and size; predictions for all or fewer steps and levels.
/// Property: the fit raises one of its documented exceptions (<see cref="ArgumentException"/>,
/// <see cref="InvalidDataException"/>, <see cref="ArithmeticException"/>) with a one-line message of at most
/// <see cref="MaxMessage"/> characters, or it returns finite test forecasts with quantiles in order, and the saved
/// model loads and predicts finite, ordered values (or refuses with <see cref="InvalidDataException"/> when the history
/// is too short); never another exception or a hang.
/// </summary>
[Trait("Category", "Fuzz")]
public class ForecastFitFuzz(ITestOutputHelper output)
{
    /// <summary>Most characters of an error message.</summary>
    public const int MaxMessage = 600;

    private static readonly string[] Transforms = ["none", "log", "boxcox", "auto"];
    private static readonly double[][] LevelSets = [[0.1, 0.5, 0.9], [], [0.5], [0.05, 0.95], [0.2, 0.4, 0.6, 0.8]];
    private static readonly string[] Cells = ["gru", "lstm", "rnn"];

    private sealed record Input(int Series, int Length, int Shape, int ScaleExp, int MissingEvery, bool Dates, int? Lookback, int? Horizon, int? Season,
        int Transform, int Method, int Intervals, int Levels, int Split, int Backtest, bool Refit, int Cell, int Hidden, ulong Seed,
        int Features, int Known, bool Ragged, bool Monthly, int PredictHorizon, bool FewerLevels)
    {
        public override string ToString() =>
            $"series {Series}×{Length}{(Ragged ? " ragged" : "")} shape {Shape} scale 1e{ScaleExp} missing every {MissingEvery} dates {Dates}{(Monthly ? " monthly" : "")} " +
            $"features {Features} known {Known}; L {Lookback} H {Horizon} S {Season} predict H {PredictHorizon} fewer levels {FewerLevels} " +
            $"transform {Transforms[Transform]} method {(Method < 0 ? "auto" : ForecastMethods.Names[Method])} intervals {ForecastOptions.IntervalKinds[Intervals]} " +
            $"levels [{string.Join(",", LevelSets[Levels])}] split {Split} backtest {Backtest} refit {Refit} {Cells[Cell]}({Hidden}) seed {Seed}";
    }

    private static readonly Gen<int?> OptionalSize = Gen.Select(Gen.Bool, Gen.Int[1, 30], (given, v) => given ? v : (int?)null);

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Select(Gen.Int[1, 3], Gen.Int[4, 150], Gen.Int[0, 5], Gen.Int[-6, 8], Gen.Int[0, 12], Gen.Bool),
        Gen.Select(OptionalSize, OptionalSize, OptionalSize, Gen.Int[0, Transforms.Length - 1], Gen.Int[-1, ForecastMethods.Names.Count - 1], Gen.Int[0, 2]),
        Gen.Select(Gen.Int[0, LevelSets.Length - 1], Gen.Int[0, 2], Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 2], Gen.Int[1, 4], Gen.ULong),
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], Gen.Bool, Gen.Bool, Gen.Int[0, 4], Gen.Bool),
        (a, b, c, d) => new Input(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6,
            c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6, c.Item7, d.Item1, d.Item2, d.Item3, d.Item4, d.Item5, d.Item6));

    private static SeriesSet Data(Input input)
    {
        var rng = new Random((int)(input.Seed % int.MaxValue));
        double scale = Math.Pow(10, input.ScaleExp);
        DateTime DateOf(int i) => input.Monthly ? new DateTime(2000, 1, 31).AddMonths(i) : new DateTime(2020, 1, 1).AddDays(i);
        var series = new List<TimeSeries>();
        for (int k = 0; k < input.Series; k++)
        {
            // A ragged long file: each series starts later (so it is shorter) but they all end on the same date.
            int start = input.Ragged && k > 0 ? rng.Next(input.Length / 2 + 1) : 0, n = input.Length - start;
            var v = new double[n];
            double walk = 0;
            for (int i = 0; i < n; i++)
            {
                walk += rng.NextDouble() - 0.5;
                v[i] = scale * input.Shape switch
                {
                    0 => 10 + walk,                                  // a random walk, positive at first
                    1 => Math.Sin(2 * Math.PI * i / 7) + 0.1 * walk, // a weekly season around zero
                    2 => 3,                                          // a constant
                    3 => i < n / 2 ? 1 : 5,                          // a step
                    4 => -20 + walk,                                 // negative
                    _ => rng.Next(4) == 0 ? rng.Next(1, 9) : 0,      // intermittent counts
                };
                if (input.MissingEvery > 1 && i % input.MissingEvery == 1) v[i] = double.NaN;
            }
            var inputs = Enumerable.Range(0, input.Features + input.Known)
                .Select(_ => Enumerable.Range(0, n).Select(i => i % 5 == 3 && input.MissingEvery > 0 ? double.NaN : rng.NextDouble() * 10).ToArray()).ToArray();
            var dates = input.Dates ? Enumerable.Range(start, n).Select(DateOf).ToArray() : null;
            series.Add(new TimeSeries($"s{k}", v, inputs, dates));
        }
        var step = !input.Dates ? null : input.Monthly ? new DateStep(DateStepUnit.Months, TimeSpan.Zero, 1) : new DateStep(DateStepUnit.Duration, TimeSpan.FromDays(1), 0);
        return new SeriesSet(series, [.. Enumerable.Range(0, input.Features).Select(i => $"f{i}")], [.. Enumerable.Range(0, input.Known).Select(i => $"k{i}")],
            step: step, source: "fuzz");
    }

    private static ForecastOptions Options(Input input) => new()
    {
        Lookback = input.Lookback, Horizon = input.Horizon, Season = input.Season,
        Transform = Transforms[input.Transform],
        Method = input.Method < 0 ? "auto" : ForecastMethods.Names[input.Method],
        Intervals = ForecastOptions.IntervalKinds[input.Intervals],
        Quantiles = LevelSets[input.Levels],
        TrainFraction = input.Split switch { 0 => 0.7, 1 => 0.5, _ => 0.8 },
        ValidationFraction = input.Split switch { 0 => 0.1, 1 => 0.25, _ => 0.1 },
        // Split 2 with dates: a test start date instead of fractions (sometimes past the last date, or before the first).
        TestStart = input.Split == 2 && input.Dates ? (input.Monthly ? new DateTime(2000, 1, 31).AddMonths(input.Length * 3 / 4) : new DateTime(2020, 1, 1).AddDays(input.Length * 3 / 4 - 5 + (int)(input.Seed % 10))) : null,
        Backtest = input.Backtest, Refit = input.Refit && input.Backtest > 1,
        Cell = Cells[input.Cell], Hidden = input.Hidden, Seed = (long)(input.Seed % 1000),
        Training = new TrainingOptions { Epochs = 2 },
    };

    private static void AssertBounded(Exception e)
    {
        Assert.True(e.Message.Length <= MaxMessage, $"{e.Message.Length}-character message: {e.Message[..Math.Min(160, e.Message.Length)]}");
        Assert.DoesNotContain('\n', e.Message);
    }

    private static void AssertOrdered(double[] point, double[][] quantiles, string where)
    {
        Assert.All(point, v => Assert.True(double.IsFinite(v), $"{where}: point {v}"));
        for (int k = 0; k < quantiles.Length; k++)
            for (int j = 0; j < point.Length; j++)
            {
                Assert.True(double.IsFinite(quantiles[k][j]), $"{where}: quantile {k} step {j} is {quantiles[k][j]}");
                if (k > 0) Assert.True(quantiles[k][j] >= quantiles[k - 1][j], $"{where}: quantiles cross at step {j}: {quantiles[k - 1][j]} > {quantiles[k][j]}");
            }
    }

    /// <summary>True when the fit succeeded.</summary>
    private static bool Check(Input input, string dir, FuzzBudget.Refusals errors)
    {
        var clock = Stopwatch.StartNew();
        var data = Data(input);
        ForecastResult result;
        try
        {
            result = Forecaster.Fit(data, Options(input));
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or ArithmeticException)
        {
            AssertBounded(e);
            errors.Add(e);
            return false;
        }
        foreach (var s in result.Evaluation.Series)
        {
            var f = s.Forecast;
            Assert.Equal(f.Origins.Length * f.Horizon, f.Point.Length);
            AssertOrdered(f.Point, f.Quantiles, $"test forecast of {s.Name}");
        }
        string path = Path.Combine(dir, "m.safetensors");
        result.Model.Save(path);
        var loaded = Forecaster.Load(path);
        var levels = loaded.Spec.Quantiles;
        int? horizon = input.PredictHorizon > 0 ? Math.Min(input.PredictHorizon, loaded.Spec.Horizon) : null;
        double[]? fewer = input.FewerLevels && levels.Length > 1 ? [levels[0], levels[^1]] : null;
        try
        {
            // The series the fit kept (it leaves out those too short for the sizes the median series allows).
            var known = data.WithSeries([.. data.Series.Where(x => loaded.Spec.Series.Any(k => k.Name == x.Name))]);
            Assert.Equal(result.Evaluation.Series.Count, known.Series.Count);
            foreach (var p in loaded.Predict(known, horizon, fewer))
            {
                Assert.Equal(horizon ?? loaded.Spec.Horizon, p.Values.Length);
                Assert.Equal((fewer ?? levels).Length, p.Quantiles.Length);
                AssertOrdered(p.Values, p.Quantiles, $"prediction of {p.Series}");
            }
        }
        catch (InvalidDataException e)
        {
            AssertBounded(e); // a history too short for what the chosen method reads, or known-future inputs without future rows
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{clock.Elapsed} for one fit");
        return true;
    }

    [Fact]
    public void EveryFitSucceedsWithFiniteOrderedForecastsOrFailsWithADocumentedException()
    {
        using var dir = new TempDirectory();
        long fitted = 0, total = 0;
        var errors = new FuzzBudget.Refusals();
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            if (Check(input, dir.Path, errors)) fitted++;
        }, output.WriteLine, input => input.ToString(), iterations: Math.Max(1, FuzzBudget.Iterations / 150));
        output.WriteLine($"{fitted} of {total} fits succeeded; the refusals:");
        errors.Log(output.WriteLine);
        Assert.True(fitted > 0, "the generator reaches a successful fit");
    }
}
