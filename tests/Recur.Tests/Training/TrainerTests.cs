using Recur.Nn;
using Recur.Optim;
using Recur.Training;

namespace Recur.Tests.Training;

public class TrainerTests
{
    // A 1-parameter problem whose loss and gradient are known at every step: loss = (w - 3)².
    private static (Tensor W, Func<long, Tensor> Loss) Quadratic(float start = 0f)
    {
        var w = Tensor.From(start).RequireGrad();
        return (w, _ => { var d = w - Tensor.Scalar(3f); return (d * d).Sum(); });
    }

    [Fact]
    public void Steps_match_a_hand_written_loop()
    {
        var (w1, loss1) = Quadratic();
        var opt1 = new Adam(new[] { w1 }, 0.1);
        for (int i = 0; i < 25; i++) { var l = loss1(i); opt1.ZeroGrad(); l.Backward(); opt1.Step(); }

        var (w2, loss2) = Quadratic();
        var result = new Trainer(new[] { w2 }, new Adam(new[] { w2 }, 0.1), new TrainerOptions { MaxSteps = 25 }).Run(loss2);
        Assert.Equal(25, result.Steps);
        Assert.Equal(w1.Item(), w2.Item());
    }

    [Fact]
    public void Early_stopping_restores_the_best_parameters()
    {
        var (w, loss) = Quadratic();
        // Validation prefers w near 1: training walks past it toward 3, so the best comes early and patience ends the run.
        double Validate() { float v = w.Item(); return (v - 1) * (v - 1); }
        var seen = new List<TrainProgress>();
        var trainer = new Trainer(new[] { w }, new Sgd(new[] { w }, 0.05),
            new TrainerOptions { MaxSteps = 1000, ValidateEvery = 1, Patience = 3, ValidateAtStart = true });
        var result = trainer.Run(loss, Validate, seen.Add);
        Assert.True(result.StoppedEarly);
        Assert.True(result.Steps < 1000);
        Assert.Equal(result.BestStep + 3, result.Steps);
        var bestReport = seen.Single(p => p.ValidationLoss.HasValue && p.Step == result.BestStep && p.IsBest);
        Assert.Equal(result.BestValidationLoss, bestReport.ValidationLoss!.Value);
        Assert.Equal(result.BestValidationLoss, Validate()); // the restored parameters score the best loss
    }

    [Fact]
    public void Schedule_sets_the_rate_of_each_step_and_a_resumed_run_continues_it()
    {
        var (w, loss) = Quadratic();
        var opt = new Sgd(new[] { w }, 1.0);
        var rates = new List<double>();
        var options = new TrainerOptions { MaxSteps = 4, LrSchedule = LrSchedules.WarmupCosine(0.1, 2, 10) };
        new Trainer(new[] { w }, opt, options).Run(loss, progress: p => rates.Add(p.LearningRate), startStep: 3);
        Assert.Equal(new[] { 3L, 4, 5, 6 }.Select(s => LrSchedules.WarmupCosine(0.1, 2, 10)(s)), rates);
        Assert.Equal(0.05, LrSchedules.WarmupCosine(0.1, 2, 10)(0), 12);
        Assert.Equal(0.1, LrSchedules.WarmupCosine(0.1, 2, 10)(2), 12);
        Assert.Equal(0.0, LrSchedules.WarmupCosine(0.1, 2, 10)(10), 12);
    }

    [Fact]
    public void Clipping_reports_the_norm_before_clipping()
    {
        var (w, loss) = Quadratic(); // gradient 2(w - 3) = -6 at w = 0
        float? norm = null;
        new Trainer(new[] { w }, new Sgd(new[] { w }, 1.0), new TrainerOptions { MaxSteps = 1, ClipNorm = 0.5f })
            .Run(loss, progress: p => norm ??= p.GradNorm);
        Assert.Equal(6f, norm!.Value, 5);
        Assert.Equal(0.5f, w.Item(), 5); // the step moved by the clipped gradient
    }

    [Fact]
    public void A_spent_time_budget_takes_no_step()
    {
        var (w, loss) = Quadratic();
        var result = new Trainer(new[] { w }, new Sgd(new[] { w }, 0.1), new TrainerOptions { TimeBudget = TimeSpan.Zero }).Run(loss);
        Assert.True(result.OutOfTime);
        Assert.Equal(0, result.Steps);
        Assert.Equal(0f, w.Item());
    }

    [Fact]
    public void A_non_finite_loss_throws_before_the_step_with_the_hint()
    {
        var w = Tensor.From(1f).RequireGrad();
        var trainer = new Trainer(new[] { w }, new Sgd(new[] { w }, 0.1), new TrainerOptions { MaxSteps = 5, NonFiniteHint = "try a smaller --lr" });
        var e = Assert.Throws<ArithmeticException>(() => trainer.Run(_ => (w * Tensor.Scalar(float.NaN)).Sum()));
        Assert.Contains("at step 0", e.Message);
        Assert.Contains("try a smaller --lr", e.Message);
        Assert.Equal(1f, w.Item());
    }
}
