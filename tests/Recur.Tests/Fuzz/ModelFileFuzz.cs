using System.Diagnostics;
using CsCheck;
using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: <see cref="Forecaster.Load"/> and <see cref="Forecaster.Predict"/> on hostile forecast model files (what
/// <c>recur predict</c> and <c>recur export</c> read). Inputs are three real model files — one series with learned
/// quantiles; a global model over two series with the series embedding, a known-future input and the Gaussian head; a
/// Box-Cox hybrid with conformal intervals — with their metadata edited (hostile tokens inserted into a value, parts of
/// it deleted, a JSON number or field replaced), a tensor renamed or reshaped, and then byte mutations.
/// Property: the file loads and predicts, for its own series, finite values whose quantiles never cross; or the load (or
/// the prediction, for a history or known-future rows it cannot use) raises <see cref="InvalidDataException"/> with a
/// one-line message of bounded length; never another exception, a hang, or more allocation than the bound.
/// </summary>
[Trait("Category", "Fuzz")]
public class ModelFileFuzz(ITestOutputHelper output)
{
    /// <summary>Most characters of a refusal's message.</summary>
    private const int MaxMessage = 600;

    /// <summary>Allocation bound of a load: 32 bytes per byte of file plus 4 MiB.</summary>
    private static long AllocationBound(long fileLength) => 32 * fileLength + (4 << 20);

    private sealed record Input(int Model, MetadataEdits.Edit[] Edits, int Tensor, int TensorEdit, FuzzMutations.Mutation[] Mutations, bool PredictFewer);

    /// <summary>Whole values put in place of a metadata field (numbers at and past every limit, wrong types, hostile JSON).</summary>
    private static readonly string[] Replacements =
    [
        "0", "-1", "1", "2", "7", "1000001", "2147483647", "2147483648", "99999999999999999999", "1e308", "NaN", "-0", "0.5", "",
        "true", "null", "[]", "[0.9,0.1]", "[0.5,0.5]", "[0,1]", "[1e-300,0.5]", "[\"a\",\"a\"]", "{}", "{\"Unit\":\"Months\",\"Seconds\":0,\"Months\":0}",
        "{\"Unit\":\"Duration\",\"Seconds\":-5,\"Months\":0}", "{\"Unit\":\"Duration\",\"Seconds\":1e300,\"Months\":0}", "[{}]", "[null]",
        "lstm", "rnn", "gru", "tanh", "learned", "gaussian", "conformal", "holt-winters", "last", "seasonal", "\"\\ud800\"", new string('[', 200),
    ];

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Int[0, 2],
        MetadataEdits.Gen(Replacements.Length),
        // Byte mutations in one input of four: most of them break the container, and the metadata and tensors are the target.
        Gen.Int[0, 31], Gen.Int[0, MetadataEdits.TensorEdits - 1], Gen.Select(Gen.Int[0, 3], FuzzMutations.Gen1.Array[1, 2], (k, m) => k == 0 ? m : []), Gen.Bool,
        (m, e, t, te, mu, f) => new Input(m, e, t, te, mu, f));

    // The three fitted models (saved once) and the data each predicts from.
    private sealed class Models
    {
        public readonly (SafetensorsFile File, SeriesSet Data)[] Items;

        public Models(string dir)
        {
            string csv = WriteDaily(dir);
            SeriesSet Read(CsvOptions o) => SeriesSet.Load(csv, o);
            // Fitted on the rows with values; predicted from the same file read as recur predict reads it, the rows after
            // the history (values empty, the known-future input given) kept.
            var daily = new CsvOptions { Columns = ["y"] };
            var two = new CsvOptions { Columns = ["y", "z"], KnownFuture = ["x"] };
            var small = new TrainingOptions { Epochs = 1 };
            var fits = new[]
            {
                (daily, new ForecastOptions { Lookback = 10, Horizon = 3, Season = 7, Hidden = 4, Training = small }),
                (two, new ForecastOptions { Lookback = 8, Horizon = 2, Season = 7, Hidden = 4, Cell = "lstm", Intervals = "gaussian",
                    Quantiles = [0.05, 0.5, 0.95], SeriesEmbedding = true, Training = small }),
                (daily, new ForecastOptions { Lookback = 7, Horizon = 2, Season = 7, Hidden = 3, Cell = "rnn", Method = "hybrid",
                    Transform = "boxcox", Intervals = "conformal", Quantiles = [0.2, 0.8], Training = small }),
            };
            Items = [.. fits.Select((f, i) =>
            {
                string path = Path.Combine(dir, $"base{i}.safetensors");
                Forecaster.Fit(Read(f.Item1), f.Item2).Model.Save(path);
                return (Safetensors.Load(path), Read(f.Item1 with { KeepTrailingMissing = true }));
            })];
        }

        private static string WriteDaily(string dir)
        {
            // y as the synthetic daily series; z a shifted copy (a second series); x a known-future input, given for five
            // more days after the last value.
            var lines = Recur.Tests.Forecast.SyntheticSeries.Daily(125).TrimEnd().Split('\n');
            var csv = new System.Text.StringBuilder("date,y,x,z\n");
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            for (int r = 1; r < lines.Length; r++)
            {
                var c = lines[r].Split(',');
                bool future = r > lines.Length - 6;
                string y = future ? "" : c[1], z = future || c[1].Length == 0 ? "" : (double.Parse(c[1], inv) + 5).ToString(inv);
                csv.Append($"{c[0]},{y},{c[2]},{z}\n");
            }
            string path = Path.Combine(dir, "daily.csv");
            File.WriteAllText(path, csv.ToString());
            return path;
        }
    }

    private static byte[] Build(Input input, SafetensorsFile original)
    {
        var metadata = MetadataEdits.Apply(original.Metadata, input.Edits, Replacements);
        var tensors = MetadataEdits.EditTensor(original.Tensors, input.Tensor, input.TensorEdit);
        return FuzzMutations.Apply(SafetensorsFuzz.Bytes(tensors, metadata), input.Mutations);
    }

    // A failure report: the model, the metadata values the edits changed, the tensor edit and the byte mutations.
    private static string Describe(Input input, SafetensorsFile original) =>
        $"model {input.Model}, tensor {input.Tensor} edit {input.TensorEdit}, {input.Mutations.Length} byte mutation(s), fewer levels {input.PredictFewer}; " +
        $"edited metadata: {MetadataEdits.Changed(original, Build(input, original))}";

    [Fact]
    public void EveryFileLoadsAndPredictsFiniteOrderedValuesOrIsInvalidData()
    {
        using var dir = new TempDirectory();
        var models = new Models(dir.Path);
        long loaded = 0, predicted = 0, total = 0;
        var refusals = new FuzzBudget.Refusals();
        string path = Path.Combine(dir.Path, "in.safetensors");
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            var (file, data) = models.Items[input.Model];
            byte[] bytes = Build(input, file);
            File.Delete(path);
            path = Path.Combine(dir.Path, $"in{total}.safetensors"); // a fresh name: see CheckpointFuzz
            File.WriteAllBytes(path, bytes);
            var clock = Stopwatch.StartNew();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            Forecaster model;
            try
            {
                model = Forecaster.Load(path);
            }
            catch (InvalidDataException e)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                MetadataEdits.AssertBounded(e, path, MaxMessage);
                Assert.True(allocated <= AllocationBound(bytes.Length), $"{allocated} bytes allocated for a {bytes.Length}-byte file");
                Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
                refusals.Add(e, ": ");
                return;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(allocated <= AllocationBound(bytes.Length), $"{allocated} bytes allocated for a {bytes.Length}-byte file");
            loaded++;
            var levels = model.Spec.Quantiles;
            double[]? fewer = input.PredictFewer && levels.Length > 1 ? [levels[0], levels[^1]] : null;
            try
            {
                // The data the model was fitted on, restricted to the series the (edited) file names.
                var known = data.WithSeries([.. data.Series.Where(s => model.Spec.Series.Any(k => k.Name == s.Name))]);
                foreach (var p in model.Predict(known, null, fewer))
                {
                    Assert.Equal(model.Spec.Horizon, p.Values.Length);
                    Assert.All(p.Values, v => Assert.True(double.IsFinite(v), $"{p.Series}: point {v}"));
                    for (int k = 0; k < p.Quantiles.Length; k++)
                        for (int j = 0; j < p.Values.Length; j++)
                        {
                            Assert.True(double.IsFinite(p.Quantiles[k][j]), $"{p.Series}: quantile {k} step {j} is {p.Quantiles[k][j]}");
                            if (k > 0) Assert.True(p.Quantiles[k][j] >= p.Quantiles[k - 1][j], $"{p.Series}: quantiles cross at step {j}");
                        }
                }
                predicted++;
            }
            catch (InvalidDataException e)
            {
                MetadataEdits.AssertBounded(e, path, MaxMessage); // a history shorter than the (edited) lookback, known-future rows it lacks, a non-finite forecast
                refusals.Add(e);
            }
            Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
        }, output.WriteLine, input => Describe(input, models.Items[input.Model].File));
        output.WriteLine($"{loaded} of {total} files loaded, {predicted} predicted; the refusals:");
        refusals.Log(output.WriteLine);
        Assert.True(predicted > 0 && loaded < total, "the generator reaches both outcomes");
    }
}
