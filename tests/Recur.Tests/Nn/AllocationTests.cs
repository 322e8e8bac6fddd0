using Recur.Autograd;
using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>
/// The time-step loops allocate nothing: a call over 2T steps allocates exactly the extra per-row buffers
/// of a call over T steps (measured with GC.GetAllocatedBytesForCurrentThread), so no object is created per step.
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
        var m = Recur.Cli.Models.CellChoice.Create(cell, 4, hidden, batchFirst: false, rng: new Generator(1));
        int gates = cell == "lstm" ? 4 : cell == "gru" ? 3 : 1;
        var (x1, x2) = (Tensor.Randn(100, batch, 4), Tensor.Randn(200, batch, 4));

        // Forward without grad: per row Gx (G·H), Hs, Hprev (H each), LSTM Cs, Cprev, GRU Ghn; plus 2 ints of step bookkeeping.
        long perStepFwd = 4L * batch * (gates * hidden + 2 * hidden + (cell == "lstm" ? 2 * hidden : 0) + (cell == "gru" ? hidden : 0)) + 4 + 4;
        long f1 = Bytes(() => { using var _ = GradMode.NoGrad(); m.ForwardState(x1); });
        long f2 = Bytes(() => { using var _ = GradMode.NoGrad(); m.ForwardState(x2); });
        Assert.InRange(f2 - f1 - 100 * perStepFwd, -256, 256);

        // Backward: per row dGx (and dGh for GRU), the output gradient three times (sum's, the output view's and
        // the layer rows' pending gradients), and the forward's buffers again.
        long perStepBwd = perStepFwd + 4L * batch * (gates * hidden * (cell == "gru" ? 2 : 1) + 3 * hidden);
        long b1 = Bytes(() => { m.ZeroGrad(); m.ForwardState(x1).Output.Sum().Backward(); });
        long b2 = Bytes(() => { m.ZeroGrad(); m.ForwardState(x2).Output.Sum().Backward(); });
        Assert.InRange(b2 - b1 - 100 * perStepBwd, -512, 512);
    }
}
