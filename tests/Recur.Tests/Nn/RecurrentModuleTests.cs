using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>PyTorch's API surface of RNN / LSTM / GRU: shapes, names, reprs, initialisation and error messages.</summary>
public class RecurrentModuleTests
{
    [Fact]
    public void SeedExampleShapes()
    {
        // rnn = nn.RNN(input_size=100, hidden_size=20, num_layers=1); out, h = rnn(randn(10, 3, 100), zeros(1, 3, 20))
        var rnn = new Rnn(100, 20);
        Assert.Equal("RNN(100, 20)", rnn.ToString());
        var (output, h) = rnn.Forward(Tensor.Randn(10, 3, 100), Tensor.Zeros(1, 3, 20));
        Assert.Equal(new[] { 10, 3, 20 }, output.Shape);
        Assert.Equal(new[] { 1, 3, 20 }, h.Shape);

        var (o2, h2) = new Rnn(100, 20, numLayers: 2).Forward(Tensor.Randn(10, 3, 100));
        Assert.Equal(new[] { 10, 3, 20 }, o2.Shape);   // horizontal: unchanged
        Assert.Equal(new[] { 2, 3, 20 }, h2.Shape);    // vertical: one state per layer
    }

    [Theory]
    [InlineData(false, false, 0)]
    [InlineData(true, false, 0)]
    [InlineData(false, true, 0)]
    [InlineData(true, true, 3)]
    public void LstmShapes(bool batchFirst, bool bidirectional, int proj)
    {
        var m = new Lstm(6, 5, numLayers: 2, batchFirst: batchFirst, bidirectional: bidirectional, projSize: proj);
        int D = bidirectional ? 2 : 1, hOut = proj > 0 ? proj : 5;
        var x = batchFirst ? Tensor.Randn(4, 7, 6) : Tensor.Randn(7, 4, 6);
        var (o, (h, c)) = m.Forward(x);
        Assert.Equal(batchFirst ? new[] { 4, 7, D * hOut } : new[] { 7, 4, D * hOut }, o.Shape);
        Assert.Equal(new[] { 2 * D, 4, hOut }, h.Shape);
        Assert.Equal(new[] { 2 * D, 4, 5 }, c.Shape);
        var (ou, (hu, cu)) = m.Forward(Tensor.Randn(7, 6));  // unbatched: batch_first does not apply
        Assert.Equal(new[] { 7, D * hOut }, ou.Shape);
        Assert.Equal(new[] { 2 * D, hOut }, hu.Shape);
        Assert.Equal(new[] { 2 * D, 5 }, cu.Shape);
    }

    [Fact]
    public void HiddenStateIsLastOutputForEachDirection()
    {
        var m = new Gru(3, 4, bidirectional: true);
        var (o, h) = m.Forward(Tensor.Randn(5, 2, 3));
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(o[4, b, j], h[0, b, j]);      // forward: state after the last step
                Assert.Equal(o[0, b, 4 + j], h[1, b, j]);  // reverse: state after step 0
            }
    }

    [Fact]
    public void ParameterNamesFollowPyTorch()
    {
        var names = new Lstm(3, 4, numLayers: 2, bidirectional: true, projSize: 2).StateDict().Keys.ToArray();
        Assert.Equal(new[]
        {
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_hr_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_hr_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse", "weight_hr_l1_reverse",
        }, names);
        var sd = new Lstm(3, 4, numLayers: 2, bidirectional: true, projSize: 2).StateDict();
        Assert.Equal(new[] { 16, 3 }, sd["weight_ih_l0"].Shape);
        Assert.Equal(new[] { 16, 2 }, sd["weight_hh_l0"].Shape);
        Assert.Equal(new[] { 2, 4 }, sd["weight_hr_l0"].Shape);
        Assert.Equal(new[] { 16, 4 }, sd["weight_ih_l1"].Shape); // D·proj inputs
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0" }, new Gru(2, 3, bias: false).StateDict().Keys);
        Assert.Equal(new[] { 9, 2 }, new Gru(2, 3).StateDict()["weight_ih_l0"].Shape);
    }

    [Fact]
    public void ReprsMatchPyTorch()
    {
        // Strings printed by torch 1.13 for the same constructors.
        Assert.Equal("RNN(10, 20)", new Rnn(10, 20, nonlinearity: Nonlinearity.Relu).ToString());
        Assert.Equal("RNN(10, 20, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)",
            new Rnn(10, 20, 2, bias: false, batchFirst: true, dropout: 0.5f, bidirectional: true).ToString());
        Assert.Equal("LSTM(10, 20, proj_size=5)", new Lstm(10, 20, projSize: 5).ToString());
        Assert.Equal("GRU(3, 4)", new Gru(3, 4).ToString());
        Assert.Equal("RNNCell(3, 4, nonlinearity=relu)", new RnnCell(3, 4, nonlinearity: Nonlinearity.Relu).ToString());
        Assert.Equal("LSTMCell(3, 4, bias=False)", new LstmCell(3, 4, bias: false).ToString());
        Assert.Equal("Embedding(10, 3, padding_idx=0)", new Embedding(10, 3, paddingIdx: 0).ToString());
        Assert.Equal("Dropout(p=0.2, inplace=False)", new Dropout(0.2f).ToString());
        Assert.Equal("MSELoss()", new MseLoss().ToString());
        Assert.Equal("CrossEntropyLoss()", new CrossEntropyLoss(labelSmoothing: 0.1f).ToString());
        Assert.Equal("Linear(in_features=16, out_features=1, bias=True)", new Linear(16, 1).ToString());
    }

    [Fact]
    public void ParameterShapesListTheStateDictWithoutBuildingTheModule()
    {
        var cases = new (RnnBase Built, Recur.Nn.Recurrent.CellKind Cell, int Input, int Hidden, int Layers, bool Bias, bool Bi, int Proj)[]
        {
            (new Rnn(3, 5), Recur.Nn.Recurrent.CellKind.RnnTanh, 3, 5, 1, true, false, 0),
            (new Lstm(4, 6, numLayers: 3, bidirectional: true), Recur.Nn.Recurrent.CellKind.Lstm, 4, 6, 3, true, true, 0),
            (new Lstm(4, 6, numLayers: 2, projSize: 2, bidirectional: true, bias: false), Recur.Nn.Recurrent.CellKind.Lstm, 4, 6, 2, false, true, 2),
            (new Gru(7, 2, numLayers: 2, bias: false), Recur.Nn.Recurrent.CellKind.Gru, 7, 2, 2, false, false, 0),
        };
        foreach (var c in cases)
            Assert.Equal(c.Built.NamedParameters().Select(p => (p.Name, Shapes.Format(p.Parameter.Shape))),
                RnnBase.ParameterShapes(c.Cell, c.Input, c.Hidden, c.Layers, c.Bias, c.Bi, c.Proj).Select(e => (e.Name, Shapes.Format(e.Shape))));
        // Sizes a file header could claim: listed without allocating anything, or refused when they overflow.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(4 * 64, RnnBase.ParameterShapes(Recur.Nn.Recurrent.CellKind.Lstm, 65536, 65536, 64).Count);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Throws<ArgumentOutOfRangeException>(() => RnnBase.ParameterShapes(Recur.Nn.Recurrent.CellKind.Lstm, 1, int.MaxValue / 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RnnBase.ParameterShapes(Recur.Nn.Recurrent.CellKind.Gru, 0, 4));
    }

    [Fact]
    public void DefaultInitIsUniformOverOneOverSqrtHidden()
    {
        var m = new Lstm(8, 25, numLayers: 2, projSize: 5);
        float bound = 1f / MathF.Sqrt(25);
        foreach (var (name, p) in m.NamedParameters())
        {
            Assert.InRange(p.Max(), -bound, bound);
            Assert.InRange(p.Min(), -bound, bound);
            Assert.True(p.Max() > 0.8f * bound && p.Min() < -0.8f * bound, $"{name} does not fill U(-k, k)");
        }
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        var a = new Gru(3, 4, rng: new Generator(9)).StateDict();
        var b = new Gru(3, 4, rng: new Generator(9)).StateDict();
        foreach (var k in a.Keys) Assert.Equal(a[k].ToArray(), b[k].ToArray());
    }

    [Fact]
    public void WrongInputSizeNamesExpectedAndActual()
    {
        var e = Assert.Throws<ArgumentException>(() => new Rnn(100, 20).Forward(Tensor.Randn(10, 3, 50)));
        Assert.Equal("input.size(-1) must be equal to input_size. Expected 100, got 50", e.Message);
    }

    [Fact]
    public void WrongHiddenShapeNamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new Rnn(4, 20, numLayers: 2).Forward(Tensor.Randn(10, 3, 4), Tensor.Zeros(1, 3, 20)));
        Assert.Equal("Expected hidden size (2, 3, 20), got [1, 3, 20]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new Lstm(4, 5).Forward(Tensor.Randn(2, 3, 4), (Tensor.Zeros(1, 3, 5), Tensor.Zeros(1, 2, 5))));
        Assert.Equal("Expected hidden[1] size (1, 3, 5), got [1, 2, 5]", e2.Message);
    }

    [Fact]
    public void WrongDimensionCounts()
    {
        var rnn = new Gru(4, 5);
        Assert.Equal("GRU: Expected input to be 2D or 3D, got 4D tensor instead",
            Assert.Throws<ArgumentException>(() => rnn.Forward(Tensor.Randn(2, 3, 4, 4))).Message);
        Assert.Equal("For batched 3-D input, hx should also be 3-D but got 2-D tensor",
            Assert.Throws<ArgumentException>(() => rnn.Forward(Tensor.Randn(2, 3, 4), Tensor.Zeros(1, 5))).Message);
        Assert.Equal("For unbatched 2-D input, hx should also be 2-D but got 3-D tensor",
            Assert.Throws<ArgumentException>(() => rnn.Forward(Tensor.Randn(2, 4), Tensor.Zeros(1, 1, 5))).Message);
    }

    [Fact]
    public void ConstructorArgumentsAreChecked()
    {
        Assert.Contains("proj_size has to be smaller than hidden_size",
            Assert.Throws<ArgumentException>(() => new Lstm(3, 4, projSize: 4)).Message);
        Assert.Contains("proj_size should be a positive integer or zero",
            Assert.Throws<ArgumentException>(() => new Lstm(3, 4, projSize: -1)).Message);
        Assert.Contains("dropout should be a number in range [0, 1]",
            Assert.Throws<ArgumentException>(() => new Gru(3, 4, dropout: 1.5f)).Message);
        Assert.Contains("hidden_size must be greater than zero", Assert.Throws<ArgumentException>(() => new Rnn(3, 0)).Message);
    }

    [Fact]
    public void DropoutWithOneLayerWarns()
    {
        var seen = new List<string>();
        var old = Warnings.Handler;
        Warnings.Handler = seen.Add;
        try
        {
            _ = new Lstm(3, 4, dropout: 0.25f);
        }
        finally { Warnings.Handler = old; }
        Assert.Contains(seen, w => w.Contains("non-zero dropout expects num_layers greater than 1, but got dropout=0.25 and num_layers=1"));
    }

    [Fact]
    public void CellsMatchOneStepOfTheLayer()
    {
        var layer = new Lstm(3, 4, rng: new Generator(2));
        var cell = new LstmCell(3, 4, rng: new Generator(99));
        foreach (var (name, p) in cell.NamedParameters()) p.CopyFrom(layer.StateDict()[name + "_l0"]);
        var x = Tensor.Randn(new Generator(5), 1, 2, 3);
        var (o, (h, c)) = layer.Forward(x);
        var (h1, c1) = cell.Forward(x.Select(0, 0));
        Assert.Equal(h.Select(0, 0).ToArray(), h1.ToArray());
        Assert.Equal(c.Select(0, 0).ToArray(), c1.ToArray());
        Assert.Equal(new[] { 4 }, cell.Forward(Tensor.Randn(3)).H.Shape); // unbatched
    }

    [Fact]
    public void CellErrors()
    {
        var cell = new GruCell(3, 4);
        Assert.Equal("input has inconsistent input_size: got 5 expected 3",
            Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Randn(2, 5))).Message);
        Assert.Equal("Input batch size 2 doesn't match hidden0 batch size 3",
            Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Randn(2, 3), Tensor.Zeros(3, 4))).Message);
        Assert.Equal("hidden0 has inconsistent hidden_size: got 5, expected 4",
            Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Randn(2, 3), Tensor.Zeros(2, 5))).Message);
    }

    [Fact]
    public void GeneratingStepByStepEqualsTheWholeSequence()
    {
        // The seed's generation loop: one step at a time with the carried state gives the same as one call.
        var m = new Rnn(1, 6, batchFirst: true, rng: new Generator(3));
        var x = Tensor.Randn(new Generator(4), 1, 8, 1);
        var (whole, hWhole) = m.Forward(x);
        RnnState? s = null;
        for (int t = 0; t < 8; t++)
        {
            var (o, next) = m.ForwardState(x.Narrow(1, t, 1), s);
            s = next;
            for (int j = 0; j < 6; j++) Assert.Equal(whole[0, t, j], o[0, 0, j], 6);
        }
        Assert.Equal(hWhole.ToArray(), s!.H.ToArray());
    }

    [Fact]
    public void LoadStateDictChecksKeysAndShapes()
    {
        var m = new Rnn(3, 4);
        var sd = new Dictionary<string, Tensor>(new Rnn(3, 4).StateDict());
        sd.Remove("bias_hh_l0");
        sd["bogus"] = Tensor.Zeros(1);
        sd["weight_ih_l0"] = Tensor.Zeros(4, 2);
        var e = Assert.Throws<ArgumentException>(() => m.LoadStateDict(sd));
        Assert.Contains("Missing key(s) in state_dict: \"bias_hh_l0\"", e.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"bogus\"", e.Message);
        Assert.Contains("size mismatch for weight_ih_l0: copying a param with shape [4, 2] from checkpoint, the shape in current model is [4, 3]", e.Message);
    }
}
