namespace Recur.Tests.Ops;

/// <summary>Argmax/Argmin/TopK/Gather/ScatterAdd/Where/Clamp/Cumsum: PyTorch's edge cases and error texts
/// (golden cases in Golden/ops cover values and gradients).</summary>
public class SearchAndIndexingTests
{
    private static Tensor R(params int[] shape) => Tensor.Randn(new Generator(shape.Sum() * 17 + 3), shape);

    [Fact]
    public void ArgExtremesPickTheFirstAndTreatNaNAsTheExtreme()
    {
        var withNaN = Tensor.From(1f, float.NaN, 3f);
        Assert.Equal(1, withNaN.Argmax().Data[0]);
        Assert.Equal(1, withNaN.Argmin().Data[0]);
        var ties = Tensor.From(3f, 1f, 3f, 1f);
        Assert.Equal(0, ties.Argmax().Data[0]);
        Assert.Equal(1, ties.Argmin().Data[0]);
        Assert.Empty(ties.Argmax().Shape);
    }

    [Fact]
    public void ArgmaxAlongADimKeepsOrDropsIt()
    {
        var x = Tensor.From(new float[,] { { 1, 5, 2 }, { 7, 0, 9 } });
        Assert.Equal(new long[] { 1, 2 }, x.Argmax(1).Data);
        Assert.Equal(new[] { 2 }, x.Argmax(1).Shape);
        Assert.Equal(new[] { 2, 1 }, x.Argmax(-1, keepDim: true).Shape);
        Assert.Equal(new long[] { 0, 1, 0 }, x.Argmin(0).Data);
        Assert.Equal(new[] { 1, 3 }, x.Argmin(0, keepDim: true).Shape);
    }

    [Fact]
    public void ArgmaxErrorsAreTorchs()
    {
        Assert.Equal("argmax(): Expected reduction dim to be specified for input.numel() == 0.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).Argmax()).Message);
        Assert.Equal("argmin(): Expected reduction dim 1 to have non-zero size.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Argmin(1)).Message);
        Assert.Empty(Tensor.Zeros(2, 0).Argmax(0).Data);
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
            Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(2, 3).Argmax(2)).Message);
    }

    [Fact]
    public void TopKOrdersNaNFirstForLargestAndLastForSmallest()
    {
        var x = Tensor.From(1f, float.NaN, 3f, 0.5f);
        var (v, i) = x.TopK(2);
        Assert.True(float.IsNaN(v.ToArray()[0]));
        Assert.Equal(3f, v.ToArray()[1]);
        Assert.Equal(new long[] { 1, 2 }, i.Data);
        var (s, si) = x.TopK(3, largest: false);
        Assert.Equal(new[] { 0.5f, 1f, 3f }, s.ToArray());
        Assert.Equal(new long[] { 3, 0, 2 }, si.Data);
    }

    [Fact]
    public void TopKErrors()
    {
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => R(3, 4).TopK(5)).Message);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => R(3, 4).TopK(-1)).Message);
        var (v, i) = R(3, 4).TopK(0);
        Assert.Equal(new[] { 3, 0 }, v.Shape);
        Assert.Equal(new[] { 3, 0 }, i.Shape);
    }

    [Fact]
    public void GatherAndScatterAddErrorsAreTorchs()
    {
        var x = R(3, 4);
        Assert.Equal("Index tensor must have the same number of dimensions as input tensor",
            Assert.Throws<ArgumentException>(() => x.Gather(1, IndexTensor.From(0, 1))).Message);
        Assert.Equal("Size does not match at dimension 1 expected index [2, 5] to be smaller than self [3, 4] apart from dimension 0",
            Assert.Throws<ArgumentException>(() => x.Gather(0, new IndexTensor(new long[10], 2, 5))).Message);
        Assert.Equal("index 9 is out of bounds for dimension 1 with size 4",
            Assert.Throws<ArgumentException>(() => x.Gather(1, new IndexTensor(new long[] { 0, 1, 9 }, 1, 3))).Message);
        Assert.Equal("index -1 is out of bounds for dimension 1 with size 4",
            Assert.Throws<ArgumentException>(() => x.Gather(1, new IndexTensor(new long[] { -1 }, 1, 1))).Message);
        Assert.Equal("Expected index [1, 4] to be smaller than self [3, 4] apart from dimension 0 and to be smaller size than src [1, 2]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).ScatterAdd(0, new IndexTensor(new long[4], 1, 4), Tensor.Zeros(1, 2))).Message);
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).ScatterAdd(0, new IndexTensor(new long[] { 0, 1, 5, 0 }, 1, 4), Tensor.Zeros(1, 4))).Message);
    }

    [Fact]
    public void GatherIsScatterAddsInverse()
    {
        // Each row picks columns; scatter-adding the picks back into zeros puts each value where it came from.
        var x = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var idx = new IndexTensor(new long[] { 2, 0, 1, 1 }, 2, 2);
        var g = x.Gather(1, idx);
        Assert.Equal(new float[] { 3, 1, 5, 5 }, g.ToArray());
        Assert.Equal(new float[] { 1, 0, 3, 0, 10, 0 }, Tensor.Zeros(2, 3).ScatterAdd(1, idx, g).ToArray());
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var x = R(3, 5);
        var idx = new IndexTensor(new long[] { 4, 0, 4, 1, 2, 2, 3, 3, 0 }, 3, 3);
        GradCheck.Check(() => x.Gather(1, idx), x);
        var (self, src) = (R(3, 5), R(3, 3));
        GradCheck.Check(() => self.ScatterAdd(1, idx, src), self, src);
        var y = R(4, 6);
        GradCheck.Check(() => y.TopK(3, dim: 0).Values, y);
        GradCheck.Check(() => y.Cumsum(1), y);
        GradCheck.Check(() => y.Cumsum(0), y);
        var (a, b) = (R(3, 4), R(4));
        var mask = a.Gt(0f);
        GradCheck.Check(() => Tensor.Where(mask, a, b), a, b);
        var z = R(10) + 0.01f;
        GradCheck.Check(() => z.ClampMin(0.2f), z);
        GradCheck.Check(() => z.ClampMax(-0.3f), z);
    }

    [Fact]
    public void ClampAndWhereEdgeCases()
    {
        Assert.Equal("torch.clamp: At least one of 'min' or 'max' must not be None",
            Assert.Throws<ArgumentException>(() => R(3).Clamp()).Message);
        // min > max: everything becomes max, as PyTorch; no gradient passes.
        var x = Tensor.From(-1f, 0.5f, 2f).RequireGrad();
        var c = x.Clamp(1f, 0f);
        Assert.Equal(new[] { 0f, 0f, 0f }, c.ToArray());
        c.Sum().Backward();
        Assert.Equal(new[] { 0f, 0f, 0f }, x.Grad!.ToArray());
        // At a bound the gradient passes (PyTorch's clamp backward uses min <= x <= max).
        var y = Tensor.From(0f, 1f, 0.5f).RequireGrad();
        y.Clamp(0f, 1f).Sum().Backward();
        Assert.Equal(new[] { 1f, 1f, 1f }, y.Grad!.ToArray());
        Assert.True(float.IsNaN(Tensor.From(float.NaN).Clamp(0f, 1f).Item()));
        Assert.Contains("The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
            Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.From(1f, 0f), Tensor.Zeros(3), Tensor.Zeros(2))).Message);
        Assert.Equal(new[] { 5f, 0f }, Tensor.Where(Tensor.From(1f, 0f), Tensor.From(5f, 6f), 0f).ToArray());
    }

    [Fact]
    public void ComparisonsMakeMasksWithoutGradient()
    {
        var x = Tensor.From(-1f, 0f, 2f, float.NaN).RequireGrad();
        Assert.Equal(new[] { 0f, 0f, 1f, 0f }, x.Gt(0f).ToArray());
        Assert.Equal(new[] { 0f, 1f, 1f, 0f }, x.Ge(0f).ToArray());
        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, x.Lt(0f).ToArray());
        Assert.Equal(new[] { 1f, 1f, 0f, 0f }, x.Le(0f).ToArray());
        Assert.Equal(new[] { 0f, 0f, 1f, 0f }, x.Eq(2f).ToArray());
        Assert.False(x.Gt(0f).RequiresGrad);
    }

    [Fact]
    public void CumsumKeepsItsRunningSumInDouble()
    {
        // 1e8 + 1 − 1e8 in float32 steps would lose the 1; PyTorch's CPU kernel accumulates in double.
        var x = Tensor.From(1e8f, 1f, -1e8f);
        Assert.Equal(new[] { 1e8f, 1e8f, 1f }, x.Cumsum(0).ToArray());
        Assert.Equal(new[] { 5f }, Tensor.From(5f).Cumsum(-1).ToArray());
    }
}
