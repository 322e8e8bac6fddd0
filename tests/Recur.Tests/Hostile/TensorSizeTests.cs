namespace Recur.Tests.Hostile;

/// <summary>Issue 14: element counts that overflowed silently (<c>Shapes.Numel</c>, <c>View</c>, <c>FromArray</c>).</summary>
public class TensorSizeTests
{
    private static void TooMany(Action call)
    {
        var ex = Assert.Throws<ArgumentException>(call);
        Assert.Contains("more than an array can hold", ex.Message);
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    [Fact]
    public void ZerosOfAnOverflowingShapeIsRefused()
    {
        TooMany(() => Tensor.Zeros(int.MaxValue, int.MaxValue, 4)); // reported Numel == 4
        TooMany(() => Tensor.Zeros(65536, 65536, 65536, 65536));   // reported Numel == 0
        TooMany(() => Tensor.Ones(65536, 65536));
        TooMany(() => Tensor.Randn(int.MaxValue, 2));
    }

    [Fact]
    public void AZeroDimensionMakesAnyShapeEmpty()
    {
        // As PyTorch: torch.zeros(2**31-1, 2**31-1, 0).numel() == 0.
        Assert.Equal(0, Tensor.Zeros(int.MaxValue, int.MaxValue, 0).Numel);
        Assert.Equal(0, Shapes.Numel([0, int.MaxValue, int.MaxValue, int.MaxValue]));
    }

    [Fact]
    public void NumelRefusesANegativeDimension() =>
        Assert.Contains("negative dimension -1", Assert.Throws<ArgumentException>(() => Shapes.Numel([2, -1])).Message);

    [Fact]
    public void NegativeOrNullSizesAreArgumentExceptions()
    {
        Assert.Contains("negative dimension -1", Assert.Throws<ArgumentException>(() => Tensor.Arange(-1)).Message); // was OverflowException
        Assert.Contains("negative dimension -3", Assert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -3)).Message);
        Assert.Throws<ArgumentNullException>(() => Tensor.Zeros(null!));
        Assert.Throws<ArgumentNullException>(() => Tensor.FromArray(null!, 2));
    }

    [Fact]
    public void FromArrayOfAnOverflowingShapeIsRefused() =>
        TooMany(() => Tensor.FromArray(new float[4], 65536, 65536, 65536, 65536));

    [Theory]
    [InlineData(new[] { 65536, 65536, 65536, 65536 })]
    [InlineData(new[] { -1, 65536, 65536 })]
    [InlineData(new[] { -1, int.MaxValue, 2 })]
    [InlineData(new[] { int.MaxValue, int.MaxValue, 4 })]
    public void ViewToAnOverflowingShapeIsRefused(int[] shape)
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(4).View(shape));
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    [Fact]
    public void ShapeTextOfAHugeRankIsBounded()
    {
        var shape = Enumerable.Repeat(1, 5000).ToArray();
        Assert.Equal(1, Shapes.Numel(shape));
        string text = Shapes.Format(shape);
        Assert.EndsWith(", … (5000 dims)]", text);
        Assert.True(text.Length < 100);
    }

    // Math.Sign(NaN) threw ArithmeticException in Abs backward; PyTorch's sign(NaN) is 0, so the gradient is 0.
    [Fact]
    public void AbsBackwardAtNaNIsZero()
    {
        var x = Tensor.From(float.NaN, -2f, 3f, 0f).RequireGrad();
        x.Abs().Sum().Backward();
        Assert.Equal([0f, -1f, 1f, 0f], x.Grad!.ToArray());
    }
}
