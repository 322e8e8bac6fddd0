using Recur.Cli.Sine;

namespace Recur.Tests.Cli;

public class SineTests
{
    [Fact]
    public void ShortenedRunConverges()
    {
        var r = SineDemo.Run(new SineOptions { Iterations = 1500, Seed = 1 });
        Assert.True(r.FinalLoss < 5e-3, $"final loss {r.FinalLoss}");
        Assert.Equal(50, r.Predictions.Length);
        Assert.All(r.Predictions, p => Assert.True(float.IsFinite(p)));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void OtherCellsTrainToo(string cell)
    {
        var r = SineDemo.Run(new SineOptions { Iterations = 800, Seed = 2, Cell = cell });
        Assert.True(r.FinalLoss < 2e-2, $"{cell} final loss {r.FinalLoss}");
    }

    [Fact]
    public void SameSeedSameNumbers()
    {
        var o = new SineOptions { Iterations = 200, Seed = 5, Clip = 1f };
        var (a, b) = (SineDemo.Run(o), SineDemo.Run(o));
        Assert.Equal(a.FinalLoss, b.FinalLoss);
        Assert.Equal(a.Predictions, b.Predictions);
        Assert.True(a.MaxGradNorm > 0);
    }

    [Fact]
    public void ReportsEveryHundredIterationsLikeTheSeed()
    {
        var seen = new List<int>();
        SineDemo.Run(new SineOptions { Iterations = 250 }, p => seen.Add(p.Iteration));
        Assert.Equal(new[] { 0, 100, 200 }, seen);
    }

    [Fact]
    public void DivergenceIsAClearError()
    {
        var e = Assert.Throws<ArithmeticException>(() => SineDemo.Run(new SineOptions { Iterations = 300, LearningRate = 1e30 }));
        Assert.Contains("expected a finite value", e.Message);
    }
}
