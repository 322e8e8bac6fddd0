using Recur.Nn;
using F = Recur.Nn.Functional;

namespace Recur.Onnx.Tests;

/// <summary>A user's own modules, exported by tracing their Forward, and the errors for what can't be exported.</summary>
public class TracingTests
{
    /// <summary>Embedding → LSTM (batch_first, state from zeros built inside Forward) → Linear → log_softmax.</summary>
    public sealed class Tagger : Module
    {
        private readonly Embedding _emb;
        private readonly Lstm _lstm;
        private readonly Linear _head;

        public Tagger()
        {
            var rng = new Generator(3);
            _emb = RegisterModule("emb", new Embedding(20, 5, rng: rng));
            _lstm = RegisterModule("lstm", new Lstm(5, 6, numLayers: 2, batchFirst: true, rng: rng));
            _head = RegisterModule("head", new Linear(6, 4, rng: rng));
        }

        /// <summary>tokens: [batch, seq] → log-probabilities [batch, seq, 4].</summary>
        public Tensor Forward(IndexTensor tokens)
        {
            var x = _emb.Forward(tokens);
            var h0 = Tensor.Zeros(2, tokens.Shape[0], 6);
            var (y, _) = _lstm.Forward(x, (h0, h0));
            return F.LogSoftmax(_head.Forward(y), -1);
        }
    }

    /// <summary>Shape and element-wise operations of every traced kind, sizes taken from the input.</summary>
    public sealed class Mixer : Module
    {
        private readonly Linear _a, _b;
        private readonly Gru _gru;
        private readonly Tensor _scale;

        public Mixer()
        {
            var rng = new Generator(4);
            _a = RegisterModule("a", new Linear(3, 4, rng: rng));
            _b = RegisterModule("b", new Linear(8, 2, bias: false, rng: rng));
            _gru = RegisterModule("gru", new Gru(4, 4, bidirectional: true, rng: rng));
            _scale = RegisterParameter("scale", Tensor.Uniform(rng, 0.5f, 1.5f, 4));
        }

        /// <summary>x: [seq, batch, 3] → [batch, 2].</summary>
        public Tensor Forward(Tensor x)
        {
            int seq = x.Size(0), batch = x.Size(1);
            var h = _a.Forward(x).Tanh() * _scale + 0.5f;                                 // [seq, batch, 4]
            var flat = h.View(seq * batch, 4).Sigmoid().View(seq, batch, 4);             // reshape round trip
            var (y, hN) = _gru.Forward(flat - h.Relu() / 2f);                            // [seq, batch, 8], [2, batch, 4]
            var last = y.Select(0, -1);                                                  // [batch, 8]
            var first = y.Narrow(0, 0, 1).Squeeze(0);                                    // [batch, 8]
            var pooled = y.Transpose(0, 1).Mean(1);                                      // [batch, 8]
            var both = Tensor.Cat(new[] { hN.Select(0, 0), hN.Select(0, 1) }, 1);         // [batch, 8]
            var mix = Tensor.Stack(new[] { last, first, pooled, both }, 0).Sum(0);        // [batch, 8]
            var z = _b.Forward(mix.Clamp(-2f, 2f).Exp().Sqrt().Pow(2f).Log());           // [batch, 2]
            return F.Softmax(z.Abs() + z.Sin() * z.Cos(), 1).MatMul(Tensor.Ones(2, 2)) - z.Sum(1, keepDim: true).Expand(batch, 2);
        }
    }

    /// <summary>Recurrent layers called without a state (zeros) and on an unbatched [seq, features] input.</summary>
    public sealed class Stateless : Module
    {
        private readonly Lstm _proj;
        private readonly Rnn _rnn;

        public Stateless()
        {
            var rng = new Generator(6);
            _proj = RegisterModule("proj", new Lstm(3, 6, numLayers: 2, projSize: 2, bidirectional: true, rng: rng));
            _rnn = RegisterModule("rnn", new Rnn(4, 5, nonlinearity: Nonlinearity.Relu, rng: rng));
        }

        /// <summary>x: [seq, 3] → [seq, 5].</summary>
        public Tensor Forward(Tensor x)
        {
            var (y, _) = _proj.Forward(x);          // unbatched, zeros state: [seq, 4]
            var (z, _) = _rnn.Forward(y);           // [seq, 5]
            return z;
        }
    }

    /// <summary>Masks, where, cumsum and gather (an index tensor built inside the forward is a constant).</summary>
    public sealed class Masked : Module
    {
        private readonly Linear _l = new(4, 4, rng: new Generator(5));

        public Masked() => RegisterModule("l", _l);

        /// <summary>x: [batch, 4] → [batch, 2].</summary>
        public Tensor Forward(Tensor x)
        {
            var y = _l.Forward(x);
            var kept = Tensor.Where(y.Gt(0f), y, y * 0.1f) + y.Le(-0.5f) - y.Eq(0f) + y.Ge(0.2f) * y.Lt(1f);
            var running = kept.Cumsum(1);                                             // [batch, 4]
            var pick = new IndexTensor(Enumerable.Repeat(new long[] { 3, 1 }, x.Size(0)).SelectMany(r => r).ToArray(), x.Size(0), 2);
            return running.Gather(1, pick);
        }
    }

    private sealed class WithLoss : Module
    {
        private readonly Linear _l = new(3, 3);

        public WithLoss() => RegisterModule("l", _l);

        public Tensor Forward(Tensor x) => F.MseLoss(_l.Forward(x), x, Reduction.None);
    }

    private sealed class Branchy : Module
    {
        public Tensor Forward(Tensor x) => x.Size(0) > 4 ? x.Tanh() : x.Sigmoid();
    }

    private sealed class Frozen : Module
    {
        public Tensor Forward(Tensor x) => x + Tensor.Arange(x.Size(0)).Unsqueeze(1);
    }

    private static readonly (int Seq, int Batch)[] Sizes = { (1, 1), (6, 2), (3, 4) };

    [Fact]
    public void TaggerExportsAndMatches()
    {
        var m = new Tagger();
        var bytes = OnnxExport.ToBytes(m, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq } });
        var rng = new Generator(9);
        foreach (var (seq, batch) in Sizes)
        {
            var idx = new IndexTensor(Enumerable.Range(0, batch * seq).Select(_ => (long)rng.NextInt(20)).ToArray(), batch, seq);
            var want = m.Forward(idx);
            Ort.AssertClose($"tagger {batch}x{seq}", want.ToArray(), want.Shape, Ort.Run(bytes, Ort.Value.Of("input", idx))["output"]);
        }
    }

    [Fact]
    public void MixerExportsAndMatches()
    {
        var m = new Mixer();
        var bytes = OnnxExport.ToBytes(m, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Seq, OnnxDim.Batch, 3 } });
        var rng = new Generator(10);
        foreach (var (seq, batch) in Sizes)
        {
            var x = Tensor.Randn(rng, seq, batch, 3);
            var want = m.Forward(x);
            Ort.AssertClose($"mixer {seq}x{batch}", want.ToArray(), want.Shape, Ort.Run(bytes, Ort.Value.Of("input", x))["output"]);
        }
    }

    [Fact]
    public void UnbatchedAndStatelessRecurrentLayersMatch()
    {
        var m = new Stateless();
        var bytes = OnnxExport.ToBytes(m, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Seq, 3 } });
        var rng = new Generator(13);
        foreach (int seq in new[] { 1, 4, 9 })
        {
            var x = Tensor.Randn(rng, seq, 3);
            var want = m.Forward(x);
            Ort.AssertClose($"stateless seq={seq}", want.ToArray(), want.Shape, Ort.Run(bytes, Ort.Value.Of("input", x))["output"]);
        }
    }

    [Fact]
    public void MasksWhereCumsumGatherMatch()
    {
        var m = new Masked();
        var bytes = OnnxExport.ToBytes(m, new OnnxExportOptions { InputShape = new OnnxDim[] { 3, 4 } });
        var x = Tensor.Randn(new Generator(14), 3, 4);
        var want = m.Forward(x);
        Ort.AssertClose("masked", want.ToArray(), want.Shape, Ort.Run(bytes, Ort.Value.Of("input", x))["output"]);
        // With a free batch the gather index (built from the batch size) would be frozen into the file: refused.
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(m, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, 4 } }));
        Assert.Contains("index tensor", e.Message);
    }

    [Fact]
    public void UnsupportedOperationIsNamed()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            OnnxExport.ToBytes(new WithLoss(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, 3 } }));
        Assert.Contains("MseLoss", e.Message);
        Assert.Contains(nameof(WithLoss), e.Message);
    }

    [Fact]
    public void SizeDependentControlFlowIsRefused()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            OnnxExport.ToBytes(new Branchy(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, 3 } }));
        Assert.Contains("Tanh", e.Message);
    }

    [Fact]
    public void ConstantThatChangesWithTheInputIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            OnnxExport.ToBytes(new Frozen(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, 3 } }));
        Assert.Contains("frozen", e.Message);
    }

    [Fact]
    public void ModuleWithoutForwardOrShapeIsAClearError()
    {
        Assert.Contains("InputShape", Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new Mixer())).Message);
        Assert.Contains("OpsetVersion", Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new Linear(2, 2), new OnnxExportOptions { OpsetVersion = 18 })).Message);
    }
}
