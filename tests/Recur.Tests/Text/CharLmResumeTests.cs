using Recur.Tests.Data;
using Recur.Text;

namespace Recur.Tests.Text;

public class CharLmResumeTests
{
    [Fact]
    public void ResumeContinuesBitExactly()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(CharLmTrainerTests.TinyText(), 16);
        var o = CharLmTrainerTests.TinyOptions(24) with { EvalEvery = 8, Dropout = 0.2f };

        var whole = new CharLmTrainer(corpus, o);
        var a = whole.Run(Path.Combine(dir.Path, "a.safetensors"));

        // Stopped at step 13 (between validations, dropout masks and a data epoch under way), then continued.
        string outB = Path.Combine(dir.Path, "b.safetensors");
        using var cancel = new CancellationTokenSource();
        var first = new CharLmTrainer(corpus, o);
        var stoppedRun = first.Run(outB, p => { if (p.Step == 13) cancel.Cancel(); }, cancel.Token);
        Assert.Equal("cancelled", stoppedRun.Stopped);
        Assert.Equal(13, stoppedRun.Steps);
        var resumed = CharLmTrainer.Resume(corpus, CharLmTrainer.CheckpointPath(outB));
        Assert.Equal(13, resumed.Step);
        var b = resumed.Run(outB);

        Assert.Equal(24, b.Steps);
        foreach (var ((name, pa), (_, pb)) in whole.Model.NamedParameters().Zip(resumed.Model.NamedParameters()))
            Assert.True(pa.ToArray().SequenceEqual(pb.ToArray()), $"{name} differs after resume");
        Assert.Equal(a.ValidationCurve, b.ValidationCurve);
        Assert.Equal(a.BestValidation, b.BestValidation);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "a.safetensors")), File.ReadAllBytes(outB));
    }

    [Fact]
    public void ResumingFromAModelFileOrAnotherTextIsAClearError()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(CharLmTrainerTests.TinyText(), 16);
        string model = Path.Combine(dir.Path, "m.safetensors");
        new CharLmTrainer(corpus, CharLmTrainerTests.TinyOptions(4)).Run(model);
        Assert.Contains("no char-LM training state", Assert.Throws<InvalidDataException>(() => CharLmTrainer.Resume(corpus, model)).Message);
        var other = CharCorpus.FromText(CharLmTrainerTests.TinyText().ToUpperInvariant(), 16);
        Assert.Contains("another vocabulary", Assert.Throws<InvalidDataException>(() => CharLmTrainer.Resume(other, CharLmTrainer.CheckpointPath(model))).Message);
    }

    [Fact]
    public void ACheckpointWhoseSettingsClaimAHugeModelIsRefusedWithoutBuildingIt()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(CharLmTrainerTests.TinyText(), 16);
        string model = Path.Combine(dir.Path, "m.safetensors");
        new CharLmTrainer(corpus, CharLmTrainerTests.TinyOptions(4)).Run(model);
        string ckpt = CharLmTrainer.CheckpointPath(model);
        var file = Recur.IO.Safetensors.Load(ckpt);
        var options = System.Text.Json.JsonSerializer.Deserialize<CharLmTrainOptions>(file.Metadata["charlm.options"])!;
        foreach (var (hostile, says) in new (CharLmTrainOptions, string)[]
        {
            (options with { HiddenSize = 2000, NumLayers = 8 }, "is missing or not"), // a 1 GB model over a small file
            (options with { HiddenSize = -3 }, "settings"),
        })
        {
            var meta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            meta["charlm.options"] = System.Text.Json.JsonSerializer.Serialize(hostile);
            Recur.IO.Safetensors.Save(ckpt, file.Tensors, meta);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidDataException>(() => CharLmTrainer.Resume(corpus, ckpt));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the claimed model was allocated");
            Assert.Contains(says, e.Message);
        }
    }

    // CharLmFileFuzz (seed 1, input 25 105): a null loss curve in the loop state threw ArgumentNullException.
    [Theory]
    [InlineData("\"TrainCurve\":[", "\"TrainCurve\":null,\"x\":[", "lacks a field")]
    [InlineData("\"InitRng\":\"", "\"InitRng\":null,\"x\":\"", "lacks a field")]
    [InlineData("\"Step\":", "\"Step\":-7,\"x\":", "negative count")]
    public void AHostileLoopStateIsAClearError(string find, string replace, string says)
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(CharLmTrainerTests.TinyText(), 16);
        string model = Path.Combine(dir.Path, "m.safetensors");
        new CharLmTrainer(corpus, CharLmTrainerTests.TinyOptions(2)).Run(model);
        string ckpt = CharLmTrainer.CheckpointPath(model);
        var file = Recur.IO.Safetensors.Load(ckpt);
        var meta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Contains(find, meta["charlm.loop"]);
        meta["charlm.loop"] = meta["charlm.loop"].Replace(find, replace);
        Recur.IO.Safetensors.Save(ckpt, file.Tensors, meta);
        Assert.Contains(says, Assert.Throws<InvalidDataException>(() => CharLmTrainer.Resume(corpus, ckpt)).Message);
    }
}
