using System.Text.Json;
using Recur.Text;

namespace Recur.Tests.Text;

/// <summary>
/// The model file is a PyTorch model: tools/charlm_eval.py loaded Fixtures/charlm_tiny.safetensors (a small model trained
/// by <c>recur charlm train</c> on a UTF-8 text with CRLF line ends, accents, CJK and an emoji) into nn.Embedding/nn.LSTM/
/// nn.Linear and computed the validation loss as one stream; Recur must compute the same number from the same file.
/// </summary>
public class PyTorchAgreementTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", name);

    [Fact]
    public void ValidationLossAgreesWithPyTorch()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Fixture("charlm_tiny.json"))).RootElement.GetProperty("pytorch_validation_loss").GetDouble();
        var m = CharLmFile.Load(Fixture("charlm_tiny.safetensors"));
        var corpus = CharCorpus.Load(Fixture("charlm_tiny.txt"), 16);
        Assert.Equal(corpus.Vocabulary.ToString(), m.Vocabulary.ToString());
        Assert.Contains('\r', m.Vocabulary.ToString());
        double recur = CharLmEvaluator.Loss(m.Model, corpus.Validation);
        Assert.True(Math.Abs(recur - expected) < 1e-5, $"Recur {recur}, PyTorch {expected}");
        Assert.True(recur < 1.0, $"the fixture should be a trained model, loss {recur}"); // uniform would be ln(59) ≈ 4.08
    }

    [Fact]
    public void ModelFileHasPyTorchNamesAndTheVocabulary()
    {
        var file = Recur.IO.Safetensors.Load(Fixture("charlm_tiny.safetensors"));
        var names = file.Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("embedding.weight", names);
        Assert.Contains("lstm.weight_ih_l0", names);
        Assert.Contains("lstm.bias_hh_l1", names);
        Assert.Contains("head.weight", names);
        Assert.Contains("head.bias", names);
        Assert.Equal(new[] { 59, 8 }, file["embedding.weight"].Shape);
        Assert.Equal(new[] { 59, 16 }, file["head.weight"].Shape);
        var vocab = JsonSerializer.Deserialize<string>(file.Metadata["vocab"])!;
        Assert.Equal(59, vocab.EnumerateRunes().Count());
        Assert.Equal("16", file.Metadata["hidden_size"]);
        Assert.Equal("2", file.Metadata["num_layers"]);
    }

    [Fact]
    public void CorruptModelFilesAreClearErrors()
    {
        using var dir = new Recur.Tests.Data.TempDirectory();
        var good = Recur.IO.Safetensors.Load(Fixture("charlm_tiny.safetensors"));
        var meta = good.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        meta["hidden_size"] = "17";
        var bad = Path.Combine(dir.Path, "bad.safetensors");
        Recur.IO.Safetensors.Save(bad, good.Tensors, meta);
        var e = Assert.Throws<InvalidDataException>(() => CharLmFile.Load(bad));
        Assert.Contains("expected [68, 8]", e.Message);

        meta = good.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        meta.Remove("vocab");
        Recur.IO.Safetensors.Save(bad, good.Tensors, meta);
        Assert.Contains("'vocab' is missing", Assert.Throws<InvalidDataException>(() => CharLmFile.Load(bad)).Message);
    }
}
