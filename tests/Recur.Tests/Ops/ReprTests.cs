namespace Recur.Tests.Ops;

/// <summary>
/// Tensor text that the golden file (Golden/ops/repr_tensors.json) cannot hold: non-finite values. Expected strings are
/// PyTorch 1.13's <c>repr</c> of the same tensors, pasted from <c>/usr/bin/python3</c>.
/// </summary>
public class ReprTests
{
    [Theory]
    [InlineData(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f }, "tensor([   nan,    inf,   -inf, 1.5000])")]
    [InlineData(new[] { float.NaN, 2f, 3f }, "tensor([nan, 2., 3.])")]
    [InlineData(new[] { float.PositiveInfinity, 1e-5f }, "tensor([       inf, 1.0000e-05])")]
    [InlineData(new[] { float.NaN }, "tensor([nan])")]
    [InlineData(new[] { 9.99995e-5f, 1f }, "tensor([1.0000e-04, 1.0000e+00])")]
    [InlineData(new[] { 123456.7f }, "tensor([123456.7031])")]
    [InlineData(new[] { 0.5f, 1e-4f }, "tensor([5.0000e-01, 1.0000e-04])")]
    public void MatchesPyTorch(float[] values, string expected) => Assert.Equal(expected, Tensor.From(values).ToString());

    [Fact]
    public void ScalarNaNAndLeafSuffix()
    {
        Assert.Equal("tensor(nan)", Tensor.Scalar(float.NaN).ToString());
        Assert.Equal("tensor([1., 2.], requires_grad=True)", Tensor.From(1f, 2f).RequireGrad().ToString());
    }

    [Fact]
    public void IndexTensorPrintsAsInt64()
    {
        Assert.Equal("tensor([ 1, 10, -3])", IndexTensor.From(1, 10, -3).ToString());
        Assert.Equal("tensor(7)", IndexTensor.Scalar(7).ToString());
        Assert.Equal("tensor([[0, 1],\n        [2, 3]])", new IndexTensor(new long[] { 0, 1, 2, 3 }, 2, 2).ToString());
    }
}
