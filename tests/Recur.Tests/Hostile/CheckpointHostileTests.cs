using Recur.IO;
using Recur.Nn;
using Recur.Optim;
using Recur.Tests.Data;
using Recur.Tests.Fuzz;

namespace Recur.Tests.Hostile;

/// <summary>Defects the checkpoint fuzz target found, each with the smallest input that showed it.</summary>
[Collection(nameof(SerialCollection))]
public class CheckpointHostileTests
{
    // A \u escape decoding to a lone surrogate inside the optimizer's (or scheduler's) JSON metadata escaped as
    // InvalidOperationException from JsonElement.GetString (CsCheck seed f1o__NC0BgP1, shrunk by hand to one edit).
    [Theory]
    [InlineData("recur.optimizer", "\"weight_decay\"", "\"weight\\ud800decay\"")]
    [InlineData("recur.optimizer", "\"Adam\"", "\"Ad\\udc00am\"")]
    [InlineData("recur.scheduler", "\"factor\"", "\"fac\\ud800tor\"")]
    public void LoneSurrogateInStateJsonIsInvalidData(string key, string find, string replace)
    {
        using var dir = new TempDirectory();
        var model = new Linear(2, 1, rng: new Generator(1));
        var adam = new Adam(model.Parameters());
        var scheduler = new ReduceLrOnPlateau(adam);
        string good = Path.Combine(dir.Path, "good.ckpt");
        Checkpoint.Save(good, model, adam, scheduler);
        var file = Safetensors.Load(good);
        var metadata = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Contains(find, metadata[key]);
        metadata[key] = metadata[key].Replace(find, replace);
        string bad = dir.WriteBytes("bad.ckpt", SafetensorsFuzz.Bytes(file.Tensors, metadata));
        var weightBefore = model.Parameters().First().ToArray();

        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(bad, model, adam, scheduler));
        Assert.Contains($"'{key}' has a JSON string that is not valid UTF-16", ex.Message);
        Assert.Equal(weightBefore, model.Parameters().First().ToArray());
    }

    // A header value with a line break was quoted raw, so the message ran over two lines (CharLmFileFuzz, seed 1, input
    // 22 499: the format version "1\n"). Quoted values are now one line, control characters escaped.
    [Fact]
    public void AHeaderValueWithALineBreakIsQuotedOnOneLine()
    {
        using var dir = new TempDirectory();
        var model = new Linear(2, 1, rng: new Generator(1));
        var adam = new Adam(model.Parameters());
        string good = Path.Combine(dir.Path, "good.ckpt");
        Checkpoint.Save(good, model, adam);
        var file = Safetensors.Load(good);
        var metadata = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata["recur.checkpoint"] = "1\n2";
        string bad = dir.WriteBytes("bad.ckpt", SafetensorsFuzz.Bytes(file.Tensors, metadata));
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(bad, model, adam));
        Assert.Contains("format version '1\\u000a2'", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
