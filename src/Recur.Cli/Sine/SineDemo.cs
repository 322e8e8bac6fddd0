using Recur.Nn;
using Recur.Optim;
using Recur.Training;

namespace Recur.Cli.Sine;

/// <summary>Settings of the seed's sine-wave program (its values are the defaults).</summary>
internal sealed record SineOptions
{
    public int Iterations { get; init; } = 6000;
    public int Hidden { get; init; } = 16;
    public double LearningRate { get; init; } = 0.01;
    public long Seed { get; init; } = 0;
    public float? Clip { get; init; }
    public string Cell { get; init; } = "rnn";
    /// <summary>51 points over [start, start + 10]; the model sees the first 50 and predicts the last 50.</summary>
    public int Points { get; init; } = 51;
}

/// <summary>One report every <see cref="SineDemo.ReportEvery"/> iterations (the seed's print), plus the gradient norm when clipping.</summary>
internal readonly record struct SineProgress(int Iteration, float Loss, float? GradNorm);

internal sealed record SineResult(
    int Iterations,
    double TrainSeconds,
    double FinalLoss,
    double GenerationRmse,
    float[] TimeSteps,
    float[] Inputs,
    float[] Predictions,
    float[] Truth,
    float MaxGradNorm);

/// <summary>
/// The seed's time-series demo (<c>时间序列预测实战</c>): train RNN(1→hidden) + Linear(hidden→1) on windows of sin,
/// carrying the hidden state across iterations (detached), then generate 50 points autoregressively.
/// </summary>
internal static class SineDemo
{
    public const int ReportEvery = 100;

    /// <summary>Refuses options the demo cannot run with (before anything is printed or trained).</summary>
    /// <exception cref="ArgumentException">A size, rate or clip out of range.</exception>
    public static void Validate(SineOptions o)
    {
        if (o.Iterations < 1) throw new ArgumentException($"--iterations must be at least 1, got {o.Iterations}");
        if (o.Hidden < 1) throw new ArgumentException($"--hidden must be at least 1, got {o.Hidden}");
        if (!(o.LearningRate > 0)) throw new ArgumentException($"--lr must be positive, got {o.LearningRate}");
        if (o.Clip is float c && !(c > 0)) throw new ArgumentException($"--clip must be positive, got {c}");
    }

    public static SineResult Run(SineOptions o, Action<SineProgress>? report = null, Action<int, float>? perIteration = null)
    {
        Validate(o);

        var initRng = new Generator(o.Seed);
        var dataRng = new Generator(o.Seed ^ 0x5EED);
        var model = new SineNet(o.Cell, o.Hidden, initRng);
        var optimizer = new Adam(model.Parameters(), o.LearningRate);
        RnnState? hidden = RnnState.Zeros(model.Rnn, 1);
        int n = o.Points - 1;
        var lastLosses = new Queue<float>(ReportEvery);
        float maxGradNorm = 0;

        var trainer = new Trainer(model.Parameters(), optimizer, new TrainerOptions
        {
            MaxSteps = o.Iterations,
            ClipNorm = o.Clip,
            NonFiniteHint = "try a smaller --lr, or --clip",
        });
        var run = trainer.Run(step =>
        {
            var (x, y, _) = Window(dataRng, o.Points);
            var (output, next) = model.Forward(x, hidden);
            hidden = next.Detach(); // truncated BPTT: the state carries on, its history does not
            return Functional.MseLoss(output, y);
        }, progress: p =>
        {
            int iter = (int)p.Step - 1;
            float value = (float)p.Loss;
            if (p.GradNorm is float norm) maxGradNorm = MathF.Max(maxGradNorm, norm);
            if (lastLosses.Count == ReportEvery) lastLosses.Dequeue();
            lastLosses.Enqueue(value);
            perIteration?.Invoke(iter, value);
            if (iter % ReportEvery == 0) report?.Invoke(new SineProgress(iter, value, p.GradNorm));
        });
        double seconds = run.Elapsed.TotalSeconds;

        // Generation: start from the first true point and feed every prediction back in.
        var (gx, _, times) = Window(dataRng, o.Points);
        var predictions = new float[n];
        using (GradMode.NoGrad())
        {
            var input = gx.Narrow(1, 0, 1); // [1, 1, 1]
            for (int i = 0; i < n; i++)
            {
                var (pred, next) = model.Forward(input.View(1, 1, 1), hidden);
                hidden = next;
                predictions[i] = pred.Item();
                input = pred;
            }
        }
        var truth = new float[n];
        double se = 0;
        for (int i = 0; i < n; i++)
        {
            truth[i] = (float)Math.Sin(times[i + 1]);
            se += (predictions[i] - truth[i]) * (double)(predictions[i] - truth[i]);
        }
        return new SineResult(o.Iterations, seconds, lastLosses.Average(l => (double)l), Math.Sqrt(se / n),
            times, gx.ToArray(), predictions, truth, maxGradNorm);
    }

    /// <summary>start ∈ {0, 1, 2}; t = linspace(start, start + 10, points); x = sin(t)[:-1], y = sin(t)[1:], both [1, points − 1, 1].</summary>
    internal static (Tensor X, Tensor Y, float[] Times) Window(Generator rng, int points)
    {
        int start = rng.NextInt(3);
        var t = new float[points];
        var data = new float[points];
        for (int i = 0; i < points; i++)
        {
            double ti = start + 10.0 * i / (points - 1);
            t[i] = (float)ti;
            data[i] = (float)Math.Sin(ti);
        }
        var x = Tensor.FromArray(data[..^1], 1, points - 1, 1);
        var y = Tensor.FromArray(data[1..], 1, points - 1, 1);
        return (x, y, t);
    }
}
