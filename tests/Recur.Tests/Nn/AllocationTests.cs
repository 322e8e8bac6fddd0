using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>
/// The time-step loops allocate nothing: a call over 2T steps allocates exactly the longer output more than a call
/// over T steps (GC.GetAllocatedBytesForCurrentThread), so no object is created per step.
/// </summary>
public class AllocationTests
{
    // The least of a few calls: a one-off (the runtime tiering up a method, a test in parallel growing a shared
    // pool) can only add bytes, never remove them.
    private static long Bytes(Action a)
    {
        a();
        long least = long.MaxValue;
        for (int i = 0; i < 4; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            a();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    [Theory]
    [InlineData("rnn", 1, 16)]
    [InlineData("lstm", 2, 16)]
    [InlineData("gru", 3, 24)]
    public void StepLoopsAllocateNothing(string cell, int batch, int hidden)
    {
        var m = Recur.Nn.CellChoice.Create(cell, 4, hidden, batchFirst: false, rng: new Generator(1));
        // Long enough that every pending gradient is big enough for the gradient pool at both lengths.
        var (x1, x2) = (Tensor.Randn(300, batch, 4), Tensor.Randn(600, batch, 4));

        // Working memory comes from a pool; what grows with the sequence is the output itself (one H-wide row per
        // step and batch entry) and two ints of step bookkeeping.
        long perStepFwd = 4L * batch * hidden + 4 + 4;
        long f1 = Bytes(() => { using var _ = GradMode.NoGrad(); m.ForwardState(x1); });
        long f2 = Bytes(() => { using var _ = GradMode.NoGrad(); m.ForwardState(x2); });
        Assert.InRange(f2 - f1 - 300 * perStepFwd, -256, 256);

        // Training adds nothing per step beyond the output: the sum's gradient is added in place, the output's
        // pending gradients come from the gradient pool and the layer's backward buffers from its workspace pool.
        long b1 = Bytes(() => { m.ZeroGrad(); m.ForwardState(x1).Output.Sum().Backward(); });
        long b2 = Bytes(() => { m.ZeroGrad(); m.ForwardState(x2).Output.Sum().Backward(); });
        Assert.InRange(b2 - b1 - 300 * perStepFwd, -512, 512);
    }
}
