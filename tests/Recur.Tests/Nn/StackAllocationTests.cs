using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>
/// Inference through a stack allocates the output it returns, not one output per layer: the rows passed from one
/// layer to the next live in pooled buffers (and give the same result as with autograd on).
/// </summary>
public class StackAllocationTests
{
    [Theory]
    [InlineData("lstm", false)]
    [InlineData("gru", true)]
    [InlineData("rnn", false)]
    public void InferenceAllocatesOneOutputNotOnePerLayer(string cell, bool bidirectional)
    {
        var rng = new Generator(2);
        RnnBase m = cell switch
        {
            "lstm" => new Lstm(4, 32, numLayers: 3, bidirectional: bidirectional, rng: rng),
            "gru" => new Gru(4, 32, numLayers: 3, bidirectional: bidirectional, rng: rng),
            _ => new Rnn(4, 32, numLayers: 3, bidirectional: bidirectional, rng: rng),
        };
        var x = Tensor.Randn(rng, 50, 8, 4);
        long outputBytes = 4L * 50 * 8 * 32 * (bidirectional ? 2 : 1);
        long least = long.MaxValue;
        Tensor? inferred = null;
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (GradMode.NoGrad()) inferred = m.ForwardState(x).Output;
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(least < outputBytes * 3 / 2, $"inference allocated {least} bytes; the output is {outputBytes}");
        var trained = m.ForwardState(x).Output; // autograd on: every layer's rows are kept, none pooled
        Assert.Equal(trained.ToArray(), inferred!.ToArray());
    }
}
