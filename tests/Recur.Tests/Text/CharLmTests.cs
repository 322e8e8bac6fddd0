using Recur.Nn;
using Recur.Text;

namespace Recur.Tests.Text;

public class CharLmTests
{
    private static CharLm Small(int vocab = 11) => new(new CharLmConfig(vocab, 6, 10, 2), new Generator(4));

    [Fact]
    public void StateDictHasPyTorchNamesAndShapes()
    {
        var m = Small();
        var names = m.StateDict().ToDictionary(kv => kv.Key, kv => Shapes.Format(kv.Value.Shape));
        Assert.Equal(new[]
        {
            "embedding.weight",
            "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
            "head.weight", "head.bias",
        }, names.Keys);
        Assert.Equal("[11, 6]", names["embedding.weight"]);
        Assert.Equal("[40, 6]", names["lstm.weight_ih_l0"]);
        Assert.Equal("[40, 10]", names["lstm.weight_ih_l1"]);
        Assert.Equal("[11, 10]", names["head.weight"]);
        Assert.Equal("[11]", names["head.bias"]);
    }

    [Theory]
    [InlineData(11, 6, 10, 2)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(65, 64, 256, 3)]
    public void ParameterShapesAreTheBuiltModelsWithoutBuildingIt(int vocab, int embedding, int hidden, int layers)
    {
        var config = new CharLmConfig(vocab, embedding, hidden, layers);
        var built = new CharLm(config, new Generator(1)).NamedParameters().Select(p => (p.Name, Shapes.Format(p.Parameter.Shape)));
        Assert.Equal(built, CharLm.ParameterShapes(config).Select(e => (e.Name, Shapes.Format(e.Shape))));
    }

    [Theory]
    [InlineData(0, 8, 1, "--embedding")]
    [InlineData(8, 65537, 1, "--hidden")]
    [InlineData(8, 8, 65, "--layers")]
    public void SizesBeyondWhatAModelFileHoldsAreRefusedBeforeTraining(int embedding, int hidden, int layers, string option)
    {
        // A run that trained a model charlm sample would then refuse to load is refused up front.
        var e = Assert.Throws<ArgumentException>(() => new CharLmTrainOptions { EmbeddingDim = embedding, HiddenSize = hidden, NumLayers = layers }.Validate());
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void AHeaderClaimingAHugeModelOverASmallFileIsRefusedWithoutAllocatingIt()
    {
        // 1 GB of LSTM weights claimed by a 300-byte file: refused by the shape check before the model is built.
        using var dir = new Recur.Tests.Data.TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        Recur.IO.Safetensors.Save(path, [new Recur.IO.NamedTensorData("embedding.weight", [2, 1], [0f, 0f])], new Dictionary<string, string>
        {
            ["format"] = CharLmFile.Format, ["vocab"] = "\"ab\"", ["vocab_size"] = "2", ["embedding_dim"] = "2000",
            ["hidden_size"] = "2000", ["num_layers"] = "8", ["dropout"] = "0", ["batch_first"] = "true",
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => CharLmFile.Load(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "the claimed model was allocated");
        Assert.Contains("expected [2, 2000]", e.Message);
    }

    [Fact]
    public void ForwardTakesIndicesAndStateAndReturnsLogitsAndState()
    {
        var m = Small();
        var x = new IndexTensor(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var (logits, state) = m.Forward(x);
        Assert.Equal(new[] { 2, 3, 11 }, logits.Shape);
        Assert.Equal(new[] { 2, 2, 10 }, state.H.Shape);
        Assert.Equal(new[] { 2, 2, 10 }, state.C!.Shape);
        // Two halves with the state carried give the same logits as the whole.
        var (a, s1) = m.Forward(new IndexTensor(new long[] { 1, 2, 4, 5 }, 2, 2));
        var (b, _) = m.Forward(new IndexTensor(new long[] { 3, 6 }, 2, 1), s1);
        Assert.Equal(logits.Narrow(1, 2, 1).ToArray(), b.ToArray(), new Close(1e-5f));
        Assert.Equal(logits.Narrow(1, 0, 2).ToArray(), a.ToArray(), new Close(1e-5f));
    }

    [Fact]
    public void ValidationLossIsTheSameForAnyChunkingAndEqualsTheStreamingStepByStepLoss()
    {
        var m = Small();
        var rng = new Generator(8);
        var ids = Enumerable.Range(0, 300).Select(_ => rng.NextInt(11)).ToArray();
        double whole = CharLmEvaluator.Loss(m, ids);
        Assert.Equal(whole, CharLmEvaluator.Loss(m, ids, chunkLength: 1), 5);
        Assert.Equal(whole, CharLmEvaluator.Loss(m, ids, chunkLength: 37), 5);

        // The sampler's stream (one character at a time, StreamingRnn) gives the same next-character probabilities.
        var vocab = new CharVocabulary(Enumerable.Range(0, 11).Select(i => new System.Text.Rune('a' + i)).ToArray());
        var sampler = new CharLmSampler(m, vocab);
        double total = 0;
        for (int t = 0; t + 1 < ids.Length; t++)
        {
            sampler.Feed(ids[t]);
            total += CharLmEvaluator.NegLogSoftmax(sampler.Logits, ids[t + 1]);
        }
        Assert.Equal(whole, total / (ids.Length - 1), 5);
        Assert.True(m.Training); // the evaluator restores the mode
    }

    [Fact]
    public void SamplingIsReproducibleAndRespectsTopK()
    {
        var m = Small(5);
        var vocab = CharVocabulary.FromText("abcde");
        string a = new CharLmSampler(m, vocab).Generate("ab", 60, 0.8, null, new Generator(1));
        string b = new CharLmSampler(m, vocab).Generate("ab", 60, 0.8, null, new Generator(1));
        string c = new CharLmSampler(m, vocab).Generate("ab", 60, 0.8, null, new Generator(2));
        Assert.Equal(60, a.Length);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        // top-k 1 is greedy: always the arg-max of the logits.
        var greedy = new CharLmSampler(m, vocab);
        var streamed = new List<string>();
        string g = greedy.Generate("a", 20, 1.0, 1, new Generator(5), streamed.Add);
        Assert.Equal(g, string.Concat(streamed));
        var check = new CharLmSampler(m, vocab);
        check.Feed(0);
        foreach (char ch in g)
        {
            var logits = check.Logits.ToArray();
            Assert.Equal(Array.IndexOf(logits, logits.Max()), vocab.IndexOf(new System.Text.Rune(ch)));
            check.Feed(vocab.IndexOf(new System.Text.Rune(ch)));
        }
    }

    [Fact]
    public void TemperatureZeroIsGreedyAndDrawsNothing()
    {
        var m = Small(5);
        var vocab = CharVocabulary.FromText("abcde");
        // Temperature 0: the same text as top-k 1, whatever the seed.
        string zero = new CharLmSampler(m, vocab).Generate("a", 30, 0, null, new Generator(1));
        Assert.Equal(new CharLmSampler(m, vocab).Generate("a", 30, 1.0, 1, new Generator(9)), zero);
        Assert.Equal(zero, new CharLmSampler(m, vocab).Generate("a", 30, 0, null, new Generator(2)));
        var rng = new Generator(3);
        new CharLmSampler(m, vocab).Generate("a", 30, 0, null, rng);
        Assert.Equal(new Generator(3).NextDouble(), rng.NextDouble()); // the generator was not advanced
    }

    [Fact]
    public void BadSamplingArgumentsAreClearErrors()
    {
        var s = new CharLmSampler(Small(5), CharVocabulary.FromText("abcde"));
        Assert.Contains("'Z' (U+005A)", Assert.Throws<ArgumentException>(() => s.Generate("aZ", 5, 0.8, null, new Generator(0))).Message);
        Assert.Contains("--temperature", Assert.Throws<ArgumentException>(() => s.Generate("a", 5, -0.5, null, new Generator(0))).Message);
        Assert.Contains("--temperature", Assert.Throws<ArgumentException>(() => s.Generate("a", 5, double.NaN, null, new Generator(0))).Message);
        Assert.Contains("--length", Assert.Throws<ArgumentException>(() => s.Check("a", -1, 1, null)).Message);
        Assert.Contains("--top-k", Assert.Throws<ArgumentException>(() => s.Generate("a", 5, 1, 6, new Generator(0))).Message);
        Assert.Contains("--prompt", Assert.Throws<ArgumentException>(() => s.Generate("", 5, 1, null, new Generator(0))).Message);
    }

    private sealed class Close(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tol;
        public int GetHashCode(float obj) => 0;
    }
}
