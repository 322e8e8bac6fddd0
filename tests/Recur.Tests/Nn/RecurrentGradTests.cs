using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>
/// Finite-difference checks of the fused recurrent layers: d(output, h_n, c_n)/d(input, h0, c0, every parameter),
/// for each cell and the bidirectional, projected, stacked, batch-first, unbatched and packed paths.
/// </summary>
public class RecurrentGradTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    private static Tensor[] Inputs(RnnBase m, params Tensor?[] extra) =>
        extra.Where(t => t != null).Select(t => t!).Concat(m.Parameters()).ToArray();

    [Theory]
    [InlineData("rnn_tanh", 1, false, false)]
    [InlineData("rnn_relu", 2, true, false)]
    [InlineData("lstm", 2, true, true)]
    [InlineData("gru", 2, true, false)]
    [InlineData("gru", 1, false, true)]
    [InlineData("lstm", 3, false, false)]
    public void LayerGradients(string cell, int layers, bool bidirectional, bool batchFirst)
    {
        var rng = new Generator(11);
        RnnBase m = cell switch
        {
            "rnn_tanh" => new Rnn(3, 4, layers, Nonlinearity.Tanh, batchFirst: batchFirst, bidirectional: bidirectional, rng: rng),
            "rnn_relu" => new Rnn(3, 4, layers, Nonlinearity.Relu, batchFirst: batchFirst, bidirectional: bidirectional, rng: rng),
            "lstm" => new Lstm(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, rng: rng),
            _ => new Gru(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, rng: rng),
        };
        int D = bidirectional ? 2 : 1;
        var x = batchFirst ? R(1, 2, 5, 3) : R(1, 5, 2, 3);
        var h0 = R(2, layers * D, 2, 4) * 0.5f;
        var c0 = m is Lstm ? R(3, layers * D, 2, 4) * 0.5f : null;
        GradCheck.Check(() =>
        {
            var (o, s) = m.ForwardState(x, new RnnState(h0, c0));
            return s.C is null ? new[] { o, s.H } : new[] { o, s.H, s.C };
        }, Inputs(m, x, h0, c0));
    }

    [Fact]
    public void ProjectedBidirectionalLstm()
    {
        var m = new Lstm(3, 5, numLayers: 2, bidirectional: true, projSize: 2, rng: new Generator(5));
        var x = R(1, 4, 2, 3);
        var h0 = R(2, 4, 2, 2) * 0.5f;
        var c0 = R(3, 4, 2, 5) * 0.5f;
        GradCheck.Check(() =>
        {
            var (o, (h, c)) = m.Forward(x, (h0, c0));
            return new[] { o, h, c };
        }, Inputs(m, x, h0, c0));
    }

    [Fact]
    public void UnbatchedGruWithoutBias()
    {
        var m = new Gru(3, 4, numLayers: 2, bias: false, rng: new Generator(6));
        var x = R(1, 6, 3);
        var h0 = R(2, 2, 4) * 0.5f;
        GradCheck.Check(() =>
        {
            var (o, h) = m.Forward(x, h0);
            return new[] { o, h };
        }, Inputs(m, x, h0));
    }

    [Theory]
    [InlineData("lstm", true, false)]
    [InlineData("gru", true, true)]
    [InlineData("rnn", false, false)]
    public void PackedGradients(string cell, bool bidirectional, bool enforceSorted)
    {
        var rng = new Generator(12);
        RnnBase m = cell switch
        {
            "lstm" => new Lstm(3, 4, 2, bidirectional: bidirectional, rng: rng),
            "gru" => new Gru(3, 4, 2, bidirectional: bidirectional, rng: rng),
            _ => new Rnn(3, 4, 2, bidirectional: bidirectional, rng: rng),
        };
        int D = bidirectional ? 2 : 1;
        var x = R(1, 5, 3, 3);
        int[] lengths = enforceSorted ? new[] { 5, 3, 2 } : new[] { 3, 5, 1 };
        var h0 = R(2, 2 * D, 3, 4) * 0.5f;
        var c0 = m is Lstm ? R(3, 2 * D, 3, 4) * 0.5f : null;
        GradCheck.Check(() =>
        {
            var packed = RnnUtils.PackPaddedSequence(x, lengths, enforceSorted: enforceSorted);
            Tensor hN;
            Tensor? cN = null;
            PackedSequence o;
            if (m is Lstm lstm) (o, (hN, cN)) = lstm.Forward(packed, (h0, c0!));
            else (o, hN) = ((HiddenStateRnn)m).Forward(packed, h0);
            var padded = RnnUtils.PadPackedSequence(o, totalLength: 5).Padded;
            return cN is null ? new[] { padded, hN } : new[] { padded, hN, cN };
        }, Inputs(m, x, h0, c0));
    }

    [Fact]
    public void PaddedStepsGetExactlyZeroGradient()
    {
        var m = new Lstm(2, 3, bidirectional: true, rng: new Generator(1));
        var x = R(2, 4, 2, 2).RequireGrad();
        var packed = RnnUtils.PackPaddedSequence(x, new[] { 2, 4 }, enforceSorted: false);
        var (o, (h, c)) = m.Forward(packed);
        (RnnUtils.PadPackedSequence(o).Padded.Sum() + h.Sum() + c.Sum()).Backward();
        for (int t = 2; t < 4; t++)
            for (int f = 0; f < 2; f++)
                Assert.Equal(0f, x.Grad![t, 0, f]);
        Assert.NotEqual(0f, x.Grad![1, 0, 0]);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void CellGradients(string cell)
    {
        var rng = new Generator(21);
        var x = R(1, 3, 4);
        var h = R(2, 3, 5) * 0.5f;
        var c = R(3, 3, 5) * 0.5f;
        switch (cell)
        {
            case "rnn":
                var rc = new RnnCell(4, 5, rng: rng);
                GradCheck.Check(() => rc.Forward(x, h), new[] { x, h }.Concat(rc.Parameters()).ToArray());
                break;
            case "lstm":
                var lc = new LstmCell(4, 5, rng: rng);
                GradCheck.Check(() =>
                {
                    var (h1, c1) = lc.Forward(x, (h, c));
                    return new[] { h1, c1 };
                }, new[] { x, h, c }.Concat(lc.Parameters()).ToArray());
                break;
            default:
                var gc = new GruCell(4, 5, rng: rng);
                GradCheck.Check(() => gc.Forward(x, h), new[] { x, h }.Concat(gc.Parameters()).ToArray());
                break;
        }
    }

    [Fact]
    public void DropoutBetweenLayersIsSeededAndDifferentiable()
    {
        var x = R(1, 5, 2, 3);
        // A fresh module from the same seed draws the same weights and the same dropout mask,
        // so f is deterministic and can be differentiated numerically.
        static Lstm Make() => new(3, 4, numLayers: 2, dropout: 0.3f, rng: new Generator(4));
        GradCheck.Check(() => Make().Forward(x).Output, x);

        var train = Make().Forward(x).Output.ToArray();
        Assert.Equal(train, Make().Forward(x).Output.ToArray());           // reproducible
        var eval = ((Lstm)Make().Eval()).Forward(x).Output.ToArray();
        Assert.NotEqual(train, eval);                                         // dropout acts in training only
    }
}
