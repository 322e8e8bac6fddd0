using Recur.Nn;

namespace Recur.Onnx.Tests;

/// <summary>
/// Every recurrent configuration exported once and run in ONNX Runtime at several (seq, batch) sizes, batch 1 and
/// length 1 included, with random inputs and states: the outputs must match Recur's own forward.
/// </summary>
public class ModuleExportTests
{
    private static readonly (int Seq, int Batch)[] Sizes = { (1, 1), (4, 3), (7, 1), (1, 5), (3, 2) };

    public static TheoryData<string> Recurrent => new(Specs);

    internal static readonly string[] Specs =
    {
        "RNN(5, 7)",
        "RNN(3, 6, num_layers=2, nonlinearity='relu', batch_first=True)",
        "RNN(4, 5, bias=False, bidirectional=True, nonlinearity='relu')",
        "LSTM(4, 8, num_layers=2, bidirectional=True)",
        "LSTM(6, 10, proj_size=3, batch_first=True)",
        "LSTM(5, 7, num_layers=2, proj_size=4, bidirectional=True, bias=False)",
        "LSTM(3, 4, num_layers=3, batch_first=True, bidirectional=True)",
        "GRU(5, 9, num_layers=3, bias=False)",
        "GRU(2, 4, bidirectional=True, batch_first=True)",
        "GRU(3, 6, num_layers=2, batch_first=True)",
        "LSTM(16, 48, num_layers=2, batch_first=True, bidirectional=True)",
    };

    /// <summary>Builds a Recur module from PyTorch's constructor text (the configurations of the issue).</summary>
    internal static RnnBase Build(string spec, Generator rng)
    {
        string kind = spec[..spec.IndexOf('(')];
        var parts = spec[(kind.Length + 1)..^1].Split(", ");
        int input = int.Parse(parts[0]), hidden = int.Parse(parts[1]);
        var kw = parts.Skip(2).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1].Trim('\''));
        int layers = kw.TryGetValue("num_layers", out var l) ? int.Parse(l) : 1;
        bool bias = !kw.TryGetValue("bias", out var b) || b == "True";
        bool bf = kw.TryGetValue("batch_first", out var f) && f == "True";
        bool bi = kw.TryGetValue("bidirectional", out var d) && d == "True";
        return kind switch
        {
            "RNN" => new Rnn(input, hidden, layers, kw.TryGetValue("nonlinearity", out var n) && n == "relu" ? Nonlinearity.Relu : Nonlinearity.Tanh,
                bias, bf, 0f, bi, rng),
            "LSTM" => new Lstm(input, hidden, layers, bias, bf, 0f, bi, kw.TryGetValue("proj_size", out var p) ? int.Parse(p) : 0, rng),
            "GRU" => new Gru(input, hidden, layers, bias, bf, 0f, bi, rng),
            _ => throw new ArgumentException(spec),
        };
    }

    [Theory]
    [MemberData(nameof(Recurrent))]
    public void RecurrentMatchesRecurInOnnxRuntime(string spec)
    {
        var rng = new Generator(spec.GetHashCode(StringComparison.Ordinal) & 0xffff);
        var m = Build(spec, rng);
        var bytes = OnnxExport.ToBytes(m);
        int rows = m.NumLayers * m.NumDirections;
        foreach (var (seq, batch) in Sizes)
        {
            var x = Tensor.Randn(rng, m.BatchFirst ? new[] { batch, seq, m.InputSize } : new[] { seq, batch, m.InputSize });
            var h0 = Tensor.Randn(rng, rows, batch, m.OutputHiddenSize);
            var c0 = Tensor.Randn(rng, rows, batch, m.HiddenSize);
            var inputs = new List<Ort.Value> { Ort.Value.Of("input", x), Ort.Value.Of("h0", h0) };
            var (y, state) = m.ForwardState(x, new RnnState(h0, m is Lstm ? c0 : null));
            if (m is Lstm) inputs.Add(Ort.Value.Of("c0", c0));
            var got = Ort.Run(bytes, inputs.ToArray());
            string at = $"{spec} seq={seq} batch={batch}";
            Ort.AssertClose($"{at} output", y.ToArray(), y.Shape, got["output"]);
            Ort.AssertClose($"{at} h_n", state.H.ToArray(), state.H.Shape, got["h_n"]);
            if (state.C != null) Ort.AssertClose($"{at} c_n", state.C.ToArray(), state.C.Shape, got["c_n"]);
        }
    }

    [Fact]
    public void LinearAndEmbeddingMatchRecur()
    {
        var rng = new Generator(7);
        var linear = new Linear(8, 3, rng: rng);
        var emb = new Embedding(30, 6, rng: rng);
        var lin3 = OnnxExport.ToBytes(linear, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq, 8 } });
        var lin2 = OnnxExport.ToBytes(linear);
        var embBytes = OnnxExport.ToBytes(emb);
        foreach (var (seq, batch) in Sizes)
        {
            var x2 = Tensor.Randn(rng, batch, 8);
            Ort.AssertClose("linear 2-d", linear.Forward(x2).ToArray(), new[] { batch, 3 }, Ort.Run(lin2, Ort.Value.Of("input", x2))["output"]);
            var x3 = Tensor.Randn(rng, batch, seq, 8);
            Ort.AssertClose("linear 3-d", linear.Forward(x3).ToArray(), new[] { batch, seq, 3 }, Ort.Run(lin3, Ort.Value.Of("input", x3))["output"]);
            var idx = new IndexTensor(Enumerable.Range(0, batch * seq).Select(_ => (long)rng.NextInt(30)).ToArray(), batch, seq);
            Ort.AssertClose("embedding", emb.Forward(idx).ToArray(), new[] { batch, seq, 6 }, Ort.Run(embBytes, Ort.Value.Of("input", idx))["output"]);
        }
    }

    [Fact]
    public void SequentialMatchesRecur()
    {
        var rng = new Generator(8);
        var seq = new Sequential(new Linear(8, 16, rng: rng), new Tanh(), new Dropout(0.3f), new Linear(16, 3, rng: rng), new Relu());
        var bytes = OnnxExport.ToBytes(seq);
        seq.Eval();
        foreach (var (_, batch) in Sizes)
        {
            var x = Tensor.Randn(rng, batch, 8);
            Ort.AssertClose($"sequential batch={batch}", seq.Forward(x).ToArray(), new[] { batch, 3 }, Ort.Run(bytes, Ort.Value.Of("input", x))["output"]);
        }
    }

    [Fact]
    public void ExportLeavesTrainingModeAsItWas()
    {
        var m = new Lstm(3, 4, numLayers: 2, dropout: 0.5f);
        Assert.True(m.Training);
        var bytes = OnnxExport.ToBytes(m);
        Assert.True(m.Training);
        // Dropout between layers is off in the file: two runs of the same input agree with Recur's eval forward.
        m.Eval();
        var x = Tensor.Randn(2, 1, 3);
        var h0 = Tensor.Zeros(2, 1, 4);
        var (y, _) = m.Forward(x, (h0, h0));
        var got = Ort.Run(bytes, Ort.Value.Of("input", x), Ort.Value.Of("h0", h0), Ort.Value.Of("c0", h0));
        Ort.AssertClose("output", y.ToArray(), y.Shape, got["output"]);
    }

    [Fact]
    public void InputsAndOutputsHavePyTorchNamesAndSymbolicAxes()
    {
        var info = OnnxExport.Save(new Lstm(6, 10, projSize: 3, batchFirst: true), Path.Combine(Path.GetTempPath(), $"recur-onnx-{Guid.NewGuid():N}.onnx"));
        Assert.Equal(new[] { "input: float32[batch, seq, 6]", "h0: float32[1, batch, 3]", "c0: float32[1, batch, 10]" }, info.Inputs.Select(i => i.ToString()));
        Assert.Equal(new[] { "output: float32[batch, seq, 3]", "h_n: float32[1, batch, 3]", "c_n: float32[1, batch, 10]" }, info.Outputs.Select(i => i.ToString()));
        Assert.Equal(17, info.OpsetVersion);
        Assert.Equal(8, info.IrVersion);
    }
}
