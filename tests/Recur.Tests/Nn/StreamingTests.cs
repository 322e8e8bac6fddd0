using Recur.Nn;

namespace Recur.Tests.Nn;

public class StreamingTests
{
    public static IEnumerable<object[]> Modules()
    {
        yield return new object[] { "rnn" };
        yield return new object[] { "lstm" };
        yield return new object[] { "lstm-proj" };
        yield return new object[] { "gru" };
    }

    private static RnnBase Make(string kind) => kind switch
    {
        "rnn" => new Rnn(3, 9, numLayers: 2, rng: new Generator(1)),
        "lstm" => new Lstm(3, 9, numLayers: 2, rng: new Generator(2)),
        "lstm-proj" => new Lstm(3, 9, numLayers: 2, projSize: 4, rng: new Generator(3)),
        _ => new Gru(3, 17, numLayers: 2, rng: new Generator(4)),
    };

    [Theory, MemberData(nameof(Modules))]
    public void StepByStepEqualsTheWholeSequence(string kind)
    {
        var m = Make(kind);
        int T = 7, B = 2;
        var x = Tensor.Randn(new Generator(9), T, B, 3);
        var whole = m.ForwardState(x);
        var stream = new StreamingRnn(m, batch: B);
        var y = new float[B * stream.OutputSize];
        for (int t = 0; t < T; t++)
        {
            stream.Step(x.Select(0, t).ToArray(), y);
            var want = whole.Output.Select(0, t).ToArray();
            for (int i = 0; i < y.Length; i++) Assert.Equal(want[i], y[i], 5);
        }
        Assert.Equal(T, stream.Steps);
        var s = stream.State;
        var hWant = whole.State.H.ToArray();
        for (int i = 0; i < hWant.Length; i++) Assert.Equal(hWant[i], s.H.ToArray()[i], 5);
    }

    [Fact]
    public void StateCanBeSetResetAndRefreshed()
    {
        var m = new Lstm(2, 8, rng: new Generator(5));
        var stream = new StreamingRnn(m);
        var x = Tensor.Randn(new Generator(6), 4, 1, 2);
        var h0 = Tensor.Randn(new Generator(7), 1, 1, 8);
        var c0 = Tensor.Randn(new Generator(8), 1, 1, 8);
        stream.State = new RnnState(h0, c0);
        var outs = new float[4 * 8];
        stream.Step(x.ToArray(), outs, steps: 4);
        var (o, _) = m.Forward(x, (h0, c0));
        AssertClose(o.ToArray()[^8..], outs[^8..]);

        stream.Reset();
        Assert.All(stream.State.H.ToArray(), v => Assert.Equal(0f, v));

        m.StateDict()["bias_ih_l0"].CopyFrom(Tensor.Full(3f, 32)); // weights changed: Refresh picks them up
        stream.Refresh();
        var y = new float[8];
        stream.Step(new float[] { 0, 0 }, y);
        var (o2, _) = m.Forward(Tensor.Zeros(1, 1, 2));
        AssertClose(o2.ToArray(), y);
    }

    // The stream adds the two biases before the products, the layer after: equal up to float32 rounding.
    private static void AssertClose(float[] want, float[] got)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], 6);
    }

    [Fact]
    public void StepAllocatesNothing()
    {
        var stream = new StreamingRnn(new Lstm(32, 256, rng: new Generator(1)));
        var x = new float[32];
        var y = new float[256];
        // Warm up past tiered compilation (the runtime starts counting calls 100 ms after start-up and recompiles in the
        // background; its call-counting stubs can allocate on this thread), then the steady state must allocate nothing:
        // the least of three windows of 200 steps, so one runtime-internal allocation cannot fail the test.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 500) stream.Step(x, y);
        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) stream.Step(x, y);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void ErrorsNameTheSizes()
    {
        Assert.Contains("cannot run as a stream", Assert.Throws<ArgumentException>(() => new StreamingRnn(new Gru(2, 3, bidirectional: true))).Message);
        var stream = new StreamingRnn(new Gru(2, 3), batch: 2);
        Assert.Contains("expected batch·input_size = 2·2 = 4", Assert.Throws<ArgumentException>(() => stream.Step(new float[3], new float[6])).Message);
        Assert.Contains("Expected hidden size (1, 2, 3), got [1, 1, 3]",
            Assert.Throws<ArgumentException>(() => stream.State = new RnnState(Tensor.Zeros(1, 1, 3))).Message);
    }
}
