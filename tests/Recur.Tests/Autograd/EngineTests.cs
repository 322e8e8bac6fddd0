using Recur.Nn;

namespace Recur.Tests.Autograd;

public class EngineTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var w = Tensor.From(2f, 3f).RequireGrad();
        (w * w).Sum().Backward();
        (w * w).Sum().Backward();
        Assert.Equal(new float[] { 8, 12 }, w.Grad!.ToArray());
    }

    [Fact]
    public void FirstGradientsAreWrittenWholeAndPooledBuffersLeakNothing()
    {
        // Pooled pending buffers (≥ 4096 floats) come back with the last step's values and are no longer cleared: the
        // first gradient into each must overwrite it whole, the second add to it.
        const int n = 5000;
        var x = Tensor.Randn(new Generator(1), n).RequireGrad();
        for (int round = 0; round < 3; round++)
        {
            x.Grad = null;
            var y = x * 2f;                      // a non-leaf: its gradient is a pooled buffer
            (y.Sum() + (y * 3f).Sum()).Backward(); // two gradients meet in y's buffer: dy = 1 + 3
            Assert.All(x.Grad!.ToArray(), g => Assert.Equal(8f, g));
        }
        x.Grad = null;
        (x * 5f).Sum().Backward();               // a fresh leaf gradient is the first gradient itself
        (x * 1f).Sum().Backward();               // and the next one adds
        Assert.All(x.Grad!.ToArray(), g => Assert.Equal(6f, g));
    }

    [Fact]
    public void SharedSubexpressionSumsBothPaths()
    {
        var x = Tensor.From(1.5f).RequireGrad();
        var y = x.Tanh();
        (y * y + y).Sum().Backward(); // d/dx = (2y + 1)(1 − y²)
        float t = MathF.Tanh(1.5f);
        Assert.Equal((2 * t + 1) * (1 - t * t), x.Grad!.Item(), 5);
    }

    [Fact]
    public void DetachAndNoGradCutTheGraph()
    {
        var x = Tensor.From(1f, 2f).RequireGrad();
        var d = (x * 2f).Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        using (GradMode.NoGrad())
        {
            var y = x * 3f;
            Assert.False(y.RequiresGrad);
            using (GradMode.EnableGrad()) Assert.True((x * 3f).RequiresGrad);
        }
        Assert.True((x * 3f).RequiresGrad);
    }

    [Fact]
    public void NonLeafGradientsAreNotRetained()
    {
        var x = Tensor.From(1f, 2f).RequireGrad();
        var y = x * 2f;
        y.Sum().Backward();
        Assert.Null(y.Grad);
        Assert.NotNull(x.Grad);
    }

    [Fact]
    public void BackwardErrors()
    {
        Assert.Contains("does not require grad", Assert.Throws<InvalidOperationException>(() => Tensor.From(1f).Backward()).Message);
        var x = Tensor.From(1f, 2f).RequireGrad();
        Assert.Contains("only for scalar outputs", Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward()).Message);
        (x * 2f).Backward(Tensor.From(1f, 10f));
        Assert.Equal(new float[] { 2, 20 }, x.Grad!.ToArray());
    }

    [Fact]
    public void DeepGraphsDoNotOverflowTheStack()
    {
        var x = Tensor.From(1f).RequireGrad();
        var y = x;
        for (int i = 0; i < 20000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void ShapeErrorsLookLikePyTorch()
    {
        Assert.Contains("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(2, 4)).Message);
        Assert.Contains("shape '[5, -1]' is invalid for input of size 6",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).View(5, -1)).Message);
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
            Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2)).Message);
    }

    [Fact]
    public void ToStringReadsLikePyTorch()
    {
        // PyTorch prints whole-number floats as "1." (integer mode); the golden strings in Nn/ReprTests cover the rest.
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }).ToString());
        var x = Tensor.From(1f).RequireGrad();
        Assert.Equal("tensor([1.], requires_grad=True)", x.ToString());
        Assert.EndsWith("grad_fn=<MulBackward0>)", (x * 2f).ToString());
    }
}

public class RetainGraphTests
{
    private const string PyTorchMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
        "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
        "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

    [Fact]
    public void SecondBackwardThroughAFreedGraphThrowsPyTorchsMessageAndChangesNothing()
    {
        var x = Tensor.From(2f, 3f).RequireGrad();
        var loss = (x * x).Sum();
        loss.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Equal(PyTorchMessage, e.Message);
        Assert.Equal(new float[] { 4, 6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void RetainGraphAllowsASecondBackwardThatAccumulates()
    {
        var x = Tensor.From(2f, 3f).RequireGrad();
        var loss = (x * x).Sum();
        loss.Backward(retainGraph: true);
        loss.Backward(retainGraph: true);
        Assert.Equal(new float[] { 8, 12 }, x.Grad!.ToArray());
        loss.Backward(); // the last one frees
        Assert.Equal(new float[] { 12, 18 }, x.Grad!.ToArray());
        Assert.Throws<InvalidOperationException>(() => loss.Backward());
    }

    [Fact]
    public void OpsThatSaveNoTensorsAllowASecondBackwardAsInPyTorch()
    {
        // torch: (x + 1).sum(), x.view(3, 1).sum(), x.mean(), torch.cat([x, x]).sum(), x.cumsum(0).sum() back-propagate twice;
        // (x * 2).sum(), x.tanh().sum(), x.clamp(0, 1).sum() raise.
        var x = Tensor.From(1f, 2f, 3f).RequireGrad();
        foreach (var make in new Func<Tensor>[] { () => (x + 1f).Sum(), () => x.View(3, 1).Sum(), () => x.Mean(), () => Tensor.Cat(new[] { x, x }).Sum(), () => x.Cumsum(0).Sum(), () => (x + x - x).Sum(0) })
        {
            x.Grad = null;
            var y = make();
            y.Backward();
            var once = x.Grad!.ToArray();
            y.Backward();
            Assert.Equal(once.Select(v => 2 * v).ToArray(), x.Grad!.ToArray());
        }
        foreach (var make in new Func<Tensor>[] { () => (x * 2f).Sum(), () => x.Tanh().Sum(), () => x.Clamp(0f, 1f).Sum() })
        {
            var y = make();
            y.Backward();
            Assert.Equal(PyTorchMessage, Assert.Throws<InvalidOperationException>(() => y.Backward()).Message);
        }
        Assert.Equal("tensor(2., grad_fn=<MeanBackward0>)", x.Mean().ToString());
    }

    [Fact]
    public void BranchOfAFreedGraphIsFreedToo()
    {
        var x = Tensor.From(1f, 2f).RequireGrad();
        var y = x.Exp();
        y.Sum().Backward();
        Assert.Equal(PyTorchMessage, Assert.Throws<InvalidOperationException>(() => (y * 2f).Sum().Backward()).Message);
    }

    [Fact]
    public void RecurrentLayerWithRetainGraphGivesTheSameGradientTwice()
    {
        Generator.ManualSeed(5);
        var lstm = new Lstm(3, 4, numLayers: 2);
        var x = Tensor.Randn(5, 2, 3).RequireGrad();
        var (o, (h, c)) = lstm.Forward(x);
        var loss = o.Sum() + h.Sum() + c.Sum();
        loss.Backward(retainGraph: true);
        var first = x.Grad!.ToArray();
        var firstW = lstm.Parameters().First().Grad!.ToArray();
        loss.Backward();
        Assert.Equal(first.Select(v => v + v).ToArray(), x.Grad!.ToArray());
        Assert.Equal(firstW.Select(v => v + v).ToArray(), lstm.Parameters().First().Grad!.ToArray());
        Assert.Equal(PyTorchMessage, Assert.Throws<InvalidOperationException>(() => loss.Backward()).Message);
    }
}

public class RecurrentGraphTests
{
    [Fact]
    public void SecondBackwardThroughARecurrentLayerIsAClearError()
    {
        var (o, h) = new Gru(2, 3).Forward(Tensor.Randn(4, 1, 2).RequireGrad());
        var loss = o.Sum() + h.Sum();
        loss.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("Trying to backward through the graph a second time", e.Message);
    }
}
