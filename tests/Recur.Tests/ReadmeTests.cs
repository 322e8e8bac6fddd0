using Recur.Nn;
using Recur.Optim;

namespace Recur.Tests;

/// <summary>The README's library example, as written there, runs and gives the shapes it claims.</summary>
public class ReadmeTests
{
    [Fact]
    public void LibraryExampleRuns()
    {
        var rnn = new Rnn(inputSize: 100, hiddenSize: 20, numLayers: 2);
        Assert.Equal("RNN(100, 20, num_layers=2)", rnn.ToString());
        var (output, h) = rnn.Forward(Tensor.Randn(10, 3, 100));
        Assert.Equal(new[] { 10, 3, 20 }, output.Shape);
        Assert.Equal(new[] { 2, 3, 20 }, h.Shape);

        var lstm = new Lstm(8, 32, numLayers: 2, batchFirst: true, bidirectional: true, dropout: 0.1f, projSize: 16);
        var (o, (hN, cN)) = lstm.Forward(Tensor.Randn(4, 50, 8));
        Assert.Equal(new[] { 4, 50, 32 }, o.Shape);
        Assert.Equal(new[] { 4, 4, 16 }, hN.Shape);
        Assert.Equal(new[] { 4, 4, 32 }, cN.Shape);

        var packed = RnnUtils.PackPaddedSequence(Tensor.Randn(4, 50, 8), new[] { 50, 12, 33, 7 }, batchFirst: true, enforceSorted: false);
        var (po, _) = lstm.Forward(packed);
        var (padded, lengths) = RnnUtils.PadPackedSequence(po, batchFirst: true);
        Assert.Equal(new[] { 50, 12, 33, 7 }, lengths);

        var head = new Linear(32, 1);
        var opt = new Adam(lstm.Parameters().Concat(head.Parameters()), lr: 1e-3);
        var loss = Functional.MseLoss(head.Forward(padded), Tensor.Zeros(4, 50, 1));
        opt.ZeroGrad();
        loss.Backward();
        float norm = ClipGrad.ClipGradNorm(lstm.Parameters(), maxNorm: 1f);
        opt.Step();
        Assert.True(norm > 0 && float.IsFinite(norm));

        var model = new Lstm(32, 256);
        var stream = new StreamingRnn(model);
        var y = new float[stream.OutputSize];
        foreach (float[] sample in new[] { new float[32], new float[32] }) stream.Step(sample, y);
        Assert.Equal(256, y.Length);
    }
}
