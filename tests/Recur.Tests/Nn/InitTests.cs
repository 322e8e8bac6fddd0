using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>torch.nn.init's bounds, statistics and fan rules; orthogonality of Orthogonal_.</summary>
public class InitTests
{
    private static (double Mean, double Std, float MaxAbs) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Max(MathF.Abs));
    }

    [Fact]
    public void GainsArePyTorchs()
    {
        Assert.Equal(1f, Init.CalculateGain("linear"));
        Assert.Equal(1f, Init.CalculateGain("sigmoid"));
        Assert.Equal(5f / 3f, Init.CalculateGain("tanh"));
        Assert.Equal(MathF.Sqrt(2f), Init.CalculateGain("relu"));
        Assert.Equal(MathF.Sqrt(2f / (1f + 0.01f * 0.01f)), Init.CalculateGain("leaky_relu"));
        Assert.Equal(MathF.Sqrt(2f / 1.04f), Init.CalculateGain("leaky_relu", 0.2f));
        Assert.Equal(0.75f, Init.CalculateGain("selu"));
        Assert.Equal("Unsupported nonlinearity gelu", Assert.Throws<ArgumentException>(() => Init.CalculateGain("gelu")).Message);
    }

    [Fact]
    public void XavierUniformStaysInsideItsBoundAndFillsIt()
    {
        var w = Tensor.Zeros(300, 200);
        Init.XavierUniform_(w, generator: new Generator(1));
        float bound = MathF.Sqrt(6f / 500f);
        var (mean, std, maxAbs) = Stats(w);
        Assert.True(maxAbs <= bound && maxAbs > 0.99f * bound, $"max |w| {maxAbs} vs bound {bound}");
        Assert.InRange(std, 0.98 * bound / Math.Sqrt(3), 1.02 * bound / Math.Sqrt(3));
        Assert.InRange(mean, -0.002, 0.002);
    }

    [Fact]
    public void XavierNormalAndGainScaleTheStd()
    {
        var w = Init.XavierNormal_(Tensor.Zeros(300, 200), gain: 2f, generator: new Generator(2));
        double want = 2 * Math.Sqrt(2.0 / 500);
        Assert.InRange(Stats(w).Std, 0.98 * want, 1.02 * want);
    }

    [Fact]
    public void KaimingUsesTheChosenFan()
    {
        // [out=300, in=100, 2] → fan_in = 200, fan_out = 600.
        var w = Tensor.Zeros(300, 100, 2);
        Init.KaimingUniform_(w, generator: new Generator(3));
        float bound = MathF.Sqrt(3f) * Init.CalculateGain("leaky_relu", 0f) / MathF.Sqrt(200f);
        var (_, std, maxAbs) = Stats(w);
        Assert.True(maxAbs <= bound && maxAbs > 0.99f * bound, $"max |w| {maxAbs} vs bound {bound}");
        Init.KaimingNormal_(w, mode: "fan_out", nonlinearity: "relu", generator: new Generator(4));
        double want = Math.Sqrt(2.0) / Math.Sqrt(600);
        Assert.InRange(Stats(w).Std, 0.98 * want, 1.02 * want);
        Assert.Equal("Mode fan_avg not supported, please use one of fan_in, fan_out",
            Assert.Throws<ArgumentException>(() => Init.KaimingUniform_(w, mode: "fan_avg")).Message);
        _ = std;
    }

    [Fact]
    public void FanNeedsTwoDimensions()
    {
        Assert.Equal("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
            Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Tensor.Zeros(5))).Message);
        Assert.Equal("Only tensors with 2 or more dimensions are supported",
            Assert.Throws<ArgumentException>(() => Init.Orthogonal_(Tensor.Zeros(5))).Message);
    }

    [Theory]
    [InlineData(5, 8)]
    [InlineData(8, 5)]
    [InlineData(6, 6)]
    public void OrthogonalGivesOrthonormalRowsOrColumns(int rows, int cols)
    {
        var q = Init.Orthogonal_(Tensor.Zeros(rows, cols), gain: 2f, generator: new Generator(rows * 10 + cols));
        // Q·Qᵀ = gain²·I for a wide (or square) matrix, Qᵀ·Q for a tall one.
        var g = rows <= cols ? q.MatMul(q.T()) : q.T().MatMul(q);
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(i == j ? 4f : 0f, g[i, j], 4);
    }

    [Fact]
    public void OrthogonalFlattensTrailingDims()
    {
        var q = Init.Orthogonal_(Tensor.Zeros(3, 2, 4), generator: new Generator(1)).View(3, 8);
        var g = q.MatMul(q.T());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(i == j ? 1f : 0f, g[i, j], 5);
    }

    [Fact]
    public void InitWritesInPlaceOutsideAutogradAndIsSeeded()
    {
        var lin = new Linear(4, 3);
        int version = lin.Weight.Version;
        Assert.Same(lin.Weight, Init.Uniform_(lin.Weight, -0.1f, 0.1f, new Generator(7)));
        Assert.True(lin.Weight.IsLeaf && lin.Weight.RequiresGrad);
        Assert.True(lin.Weight.Version > version);
        Assert.All(lin.Weight.ToArray(), v => Assert.InRange(v, -0.1f, 0.1f));
        var again = Init.Uniform_(Tensor.Zeros(3, 4), -0.1f, 0.1f, new Generator(7));
        Assert.Equal(again.ToArray(), lin.Weight.ToArray());
        Assert.All(Init.Constant_(Tensor.Zeros(2, 2), 0.5f).ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(Init.Ones_(Tensor.Zeros(3)).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Init.Zeros_(Tensor.Ones(3)).ToArray(), v => Assert.Equal(0f, v));
        var (mean, std, _) = Stats(Init.Normal_(Tensor.Zeros(20000), 2f, 0.5f, new Generator(3)));
        Assert.InRange(mean, 1.98, 2.02);
        Assert.InRange(std, 0.49, 0.51);
    }
}
