using Recur.Tests.Data;
using Recur.Text;

namespace Recur.Tests.Text;

public class CharLmTrainerTests
{
    internal static string TinyText()
    {
        var lines = new[] { "ROMEO:\nBut soft, what light through yonder window breaks?\n\n", "JULIET:\nO Romeo, Romeo, wherefore art thou Romeo?\n\n" };
        return string.Concat(Enumerable.Range(0, 30).Select(i => lines[i % 2]));
    }

    internal static CharLmTrainOptions TinyOptions(int steps) => new()
    {
        EmbeddingDim = 8, HiddenSize = 24, NumLayers = 2, SeqLen = 16, BatchSize = 8, LearningRate = 1e-2,
        WarmupSteps = 10, Steps = steps, Evaluations = 2, Seed = 3,
    };

    [Fact]
    public void LearnsARepetitiveTextAndWritesTheBestModel()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(TinyText(), 16);
        var trainer = new CharLmTrainer(corpus, TinyOptions(200));
        string path = Path.Combine(dir.Path, "m.safetensors");
        var progress = new List<CharLmProgress>();
        var r = trainer.Run(path, progress.Add);
        Assert.Equal(200, r.Steps);
        Assert.Equal("steps", r.Stopped);
        Assert.Equal(2, r.ValidationCurve.Count);
        Assert.True(r.BestValidation < 2.0, $"validation {r.BestValidation}"); // uniform over the vocabulary would be ln(29) ≈ 3.4
        Assert.Equal(r.ValidationCurve.Min(p => p.Loss), r.BestValidation);
        Assert.Equal(Enumerable.Range(1, 200), progress.Select(p => p.Step).Distinct());
        Assert.Equal(2, progress.Count(p => p.Validation is not null));

        var loaded = CharLmFile.Load(path);
        Assert.Equal(corpus.Vocabulary.ToString(), loaded.Vocabulary.ToString());
        Assert.Equal(r.BestValidation, CharLmEvaluator.Loss(loaded.Model, corpus.Validation), 6);
        Assert.Equal("16", loaded.Metadata["seq_len"]);
    }

    [Fact]
    public void SameSeedSameModel()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(TinyText(), 16);
        var o = TinyOptions(8) with { Dropout = 0.2f };
        var a = new CharLmTrainer(corpus, o);
        a.Run(Path.Combine(dir.Path, "a.safetensors"));
        var b = new CharLmTrainer(corpus, o);
        b.Run(Path.Combine(dir.Path, "b.safetensors"));
        foreach (var ((name, pa), (_, pb)) in a.Model.NamedParameters().Zip(b.Model.NamedParameters()))
            Assert.True(pa.ToArray().SequenceEqual(pb.ToArray()), name);
    }

    [Fact]
    public void ATimeBudgetPlansTheStepsAndEndsWithAValidation()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(TinyText(), 16);
        var o = TinyOptions(1) with { Steps = null, Minutes = 0.1, Evaluations = 3 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = new CharLmTrainer(corpus, o).Run(Path.Combine(dir.Path, "m.safetensors"));
        // Loose bound: the point is that it stops on its own near the budget (6 s), not how fast the machine is.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 60);
        Assert.Equal("budget", r.Stopped);
        Assert.True(r.Steps > 12, $"{r.Steps} steps");                       // past the calibration steps
        Assert.InRange(r.ValidationCurve.Count, 1, 3);
        Assert.Equal(r.Steps, r.ValidationCurve[^1].Step);                    // the last step is validated
        Assert.True(File.Exists(Path.Combine(dir.Path, "m.ckpt.safetensors")));
    }
}
