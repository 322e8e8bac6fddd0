using Recur.Autograd;
using Recur.Nn;

namespace Recur.Tests.Hostile;

/// <summary>
/// Issue 14: an RNN, LSTM or GRU over a batch of 0 sequences failed in the GEMM (<c>lda must be at least 1</c>).
/// PyTorch returns empty outputs and, in backward, zero gradients.
/// </summary>
public class EmptyBatchTests
{
    public static TheoryData<string, int, bool, bool> Cases => new()
    {
        { "rnn", 1, false, false },
        { "lstm", 1, false, false },
        { "gru", 1, false, false },
        { "lstm", 2, true, true },
        { "gru", 3, true, false },
        { "rnn", 2, false, true },
    };

    private static RnnBase Make(string cell, int layers, bool bidirectional, bool batchFirst) => cell switch
    {
        "rnn" => new Rnn(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, rng: new Generator(1)),
        "lstm" => new Lstm(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, rng: new Generator(1)),
        _ => new Gru(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, rng: new Generator(1)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardIsEmptyAndBackwardGivesZeroGradients(string cell, int layers, bool bidirectional, bool batchFirst)
    {
        var m = Make(cell, layers, bidirectional, batchFirst);
        int D = bidirectional ? 2 : 1;
        var x = (batchFirst ? Tensor.Zeros(0, 5, 3) : Tensor.Zeros(5, 0, 3)).RequireGrad();
        var h0 = Tensor.Zeros(layers * D, 0, 4).RequireGrad();
        var c0 = cell == "lstm" ? Tensor.Zeros(layers * D, 0, 4).RequireGrad() : null;
        var (output, state) = m.ForwardState(x, new RnnState(h0, c0));

        Assert.Equal(batchFirst ? [0, 5, D * 4] : new[] { 5, 0, D * 4 }, output.Shape);
        Assert.Equal([layers * D, 0, 4], state.H.Shape);
        if (cell == "lstm") Assert.Equal([layers * D, 0, 4], state.C!.Shape);
        else Assert.Null(state.C);

        var loss = output.Sum() + state.H.Sum() + (state.C?.Sum() ?? Tensor.Scalar(0f));
        Assert.Equal(0f, loss.Item());
        loss.Backward();
        foreach (var (name, p) in m.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name} has a gradient");
            Assert.Equal(p.Shape, p.Grad!.Shape);
            Assert.All(p.Grad.ToArray(), g => Assert.Equal(0f, g));
        }
        Assert.Equal(x.Shape, x.Grad!.Shape);
        Assert.Equal(h0.Shape, h0.Grad!.Shape);
    }

    [Fact]
    public void NoStateAndNoGradWork()
    {
        using var _ = GradMode.NoGrad();
        var (output, (hN, cN)) = new Lstm(3, 4).Forward(Tensor.Zeros(2, 0, 3));
        Assert.Equal([2, 0, 4], output.Shape);
        Assert.Equal([1, 0, 4], hN.Shape);
        Assert.Equal([1, 0, 4], cN.Shape);
        Assert.False(output.RequiresGrad);
    }

    [Fact]
    public void AWrongStateForAnEmptyBatchIsStillRefused() =>
        Assert.Contains("Expected hidden size (1, 0, 4), got [1, 1, 4]",
            Assert.Throws<ArgumentException>(() => new Gru(3, 4).Forward(Tensor.Zeros(2, 0, 3), Tensor.Zeros(1, 1, 4))).Message);
}
