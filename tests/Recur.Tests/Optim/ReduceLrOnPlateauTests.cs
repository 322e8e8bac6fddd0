using Recur.Optim;

namespace Recur.Tests.Optim;

public class ReduceLrOnPlateauTests
{
    private static Sgd Optimizer(double lr) => new([Tensor.Zeros(1).RequireGrad()], lr);

    [Fact]
    public void LowersTheRateAfterMoreThanPatienceEpochsWithoutImprovement()
    {
        // torch: ReduceLROnPlateau(opt, factor=0.5, patience=2); lr after each step(metric).
        var sgd = Optimizer(1.0);
        var s = new ReduceLrOnPlateau(sgd, factor: 0.5, patience: 2);
        double[] metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5];
        double[] expected = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25];
        var rates = metrics.Select(m => { s.Step(m); return sgd.LearningRate; }).ToArray();
        Assert.Equal(expected, rates);
        Assert.Equal(0.5, s.Best);
    }

    [Fact]
    public void ImprovementMustBeatTheRelativeThreshold()
    {
        var sgd = Optimizer(1.0);
        var s = new ReduceLrOnPlateau(sgd, factor: 0.1, patience: 0, threshold: 0.1);
        s.Step(1.0);
        Assert.True(s.Step(0.95)); // not 10 % better: a bad epoch, and patience 0
        Assert.Equal(0.1, sgd.LearningRate, 12);
    }

    [Fact]
    public void CooldownAndMinimumRate()
    {
        var sgd = Optimizer(1.0);
        var s = new ReduceLrOnPlateau(sgd, factor: 0.5, patience: 0, cooldown: 1, minLr: 0.3);
        s.Step(1);
        Assert.True(s.Step(1));  // 0.5
        Assert.False(s.Step(1)); // cooldown
        Assert.True(s.Step(1));  // max(0.25, 0.3)
        Assert.Equal(0.3, sgd.LearningRate, 12);
        Assert.False(s.Step(1)); // cooldown
        Assert.False(s.Step(1)); // at the minimum: nothing to lower
        Assert.Equal(0.3, sgd.LearningRate, 12);
    }
}
