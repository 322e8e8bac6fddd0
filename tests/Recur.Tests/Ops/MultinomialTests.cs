namespace Recur.Tests.Ops;

/// <summary>
/// PyTorch's random stream cannot be matched, so multinomial is checked by its distribution (chi-square tests with a
/// fixed seed, so the outcome is deterministic), its invariants, its determinism and PyTorch's error texts.
/// </summary>
public class MultinomialTests
{
    // Chi-square critical values at p = 0.001.
    private const double Chi2Df3 = 16.27;

    private static double ChiSquare(long[] counts, double[] p, long n) =>
        counts.Select((c, i) => (c - n * p[i]) * (c - n * p[i]) / (n * p[i])).Sum();

    [Fact]
    public void WithReplacementFollowsTheWeights()
    {
        var w = Tensor.From(1f, 2f, 3f, 4f); // unnormalised, as PyTorch allows
        const int n = 40000;
        var draws = w.Multinomial(n, replacement: true, generator: new Generator(11));
        Assert.Equal(new[] { n }, draws.Shape);
        var counts = new long[4];
        foreach (var d in draws.Data) counts[d]++;
        Assert.True(ChiSquare(counts, new[] { 0.1, 0.2, 0.3, 0.4 }, n) < Chi2Df3, string.Join(",", counts));
    }

    [Fact]
    public void ZeroWeightsAreNeverDrawnWithReplacement()
    {
        var draws = Tensor.From(0f, 3f, 0f, 1f).Multinomial(5000, true, new Generator(2));
        Assert.All(draws.Data, d => Assert.True(d is 1 or 3));
    }

    [Fact]
    public void WithoutReplacementMatchesSequentialDrawing()
    {
        // Rows of the same weights: the first draw follows p, the second p_j·Σ_i p_i/(1 − p_i) over i ≠ j.
        double[] p = { 0.1, 0.2, 0.3, 0.4 };
        const int rows = 20000;
        var w = Tensor.FromArray(Enumerable.Range(0, rows).SelectMany(_ => p.Select(v => (float)v)).ToArray(), rows, 4);
        var draws = w.Multinomial(2, replacement: false, generator: new Generator(5));
        Assert.Equal(new[] { rows, 2 }, draws.Shape);
        var first = new long[4];
        var second = new long[4];
        for (int r = 0; r < rows; r++)
        {
            Assert.NotEqual(draws.Data[2 * r], draws.Data[2 * r + 1]);
            first[draws.Data[2 * r]]++;
            second[draws.Data[2 * r + 1]]++;
        }
        var pSecond = p.Select((pj, j) => p.Select((pi, i) => i == j ? 0 : pi * pj / (1 - pi)).Sum()).ToArray();
        Assert.True(ChiSquare(first, p, rows) < Chi2Df3, string.Join(",", first));
        Assert.True(ChiSquare(second, pSecond, rows) < Chi2Df3, string.Join(",", second));
    }

    [Fact]
    public void WithoutReplacementAllCategoriesIsAPermutationWithZerosLast()
    {
        var draws = Tensor.From(0f, 5f, 1f, 0f, 2f).Multinomial(5, generator: new Generator(9));
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, draws.Data.Order().ToArray());
        Assert.Equal(new long[] { 0, 3 }, draws.Data[3..].Order().ToArray());
    }

    [Fact]
    public void SameGeneratorStateGivesTheSameDraws()
    {
        var w = Tensor.From(0.2f, 0.5f, 0.3f);
        Assert.Equal(w.Multinomial(50, true, new Generator(4)).Data, w.Multinomial(50, true, new Generator(4)).Data);
        Assert.NotEqual(w.Multinomial(50, true, new Generator(4)).Data, w.Multinomial(50, true, new Generator(5)).Data);
        Generator.ManualSeed(8);
        var a = w.Multinomial(3);
        Generator.ManualSeed(8);
        Assert.Equal(a.Data, w.Multinomial(3).Data);
    }

    [Theory]
    [InlineData(3, 1, false, "prob_dist must be 1 or 2 dim")]
    [InlineData(1, 5, false, "cannot sample n_sample > prob_dist.size(-1) samples without replacement")]
    [InlineData(1, 0, true, "cannot sample n_sample <= 0 samples")]
    public void ShapeErrorsAreTorchs(int rank, int n, bool replacement, string message)
    {
        var w = rank == 3 ? Tensor.Ones(2, 2, 2) : Tensor.Ones(4);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => w.Multinomial(n, replacement)).Message);
    }

    [Fact]
    public void BadWeightsAreTorchsErrors()
    {
        const string bad = "probability tensor contains either `inf`, `nan` or element < 0";
        Assert.Equal(bad, Assert.Throws<ArgumentException>(() => Tensor.From(-1f, 2f).Multinomial(1)).Message);
        Assert.Equal(bad, Assert.Throws<ArgumentException>(() => Tensor.From(float.NaN, 2f).Multinomial(1)).Message);
        Assert.Equal(bad, Assert.Throws<ArgumentException>(() => Tensor.From(float.PositiveInfinity, 2f).Multinomial(1)).Message);
        Assert.Equal("invalid multinomial distribution (sum of probabilities <= 0)",
            Assert.Throws<ArgumentException>(() => Tensor.From(0f, 0f).Multinomial(1)).Message);
    }
}
