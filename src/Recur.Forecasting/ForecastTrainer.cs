using System.Diagnostics;
using Recur.Nn;
using Recur.Optim;

namespace Recur.Forecasting;

/// <summary>How the network is trained; the defaults are those of <c>recur forecast</c>.</summary>
public sealed record TrainingOptions
{
    /// <summary>Most epochs; early stopping usually ends sooner.</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Samples per gradient step.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>AdamW's initial learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Stop after this many epochs without a better validation loss; the best weights are restored.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Halve the learning rate after this many epochs without a better validation loss.</summary>
    public int LrPatience { get; init; } = 3;
    /// <summary>Largest total gradient 2-norm per step (<c>clip_grad_norm_</c>).</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Start the highway at its ridge-regression optimum (<see cref="HighwayFitter"/>) instead of zero.</summary>
    public bool FitHighway { get; init; } = true;

    /// <summary>Training samples drawn (without replacement) per epoch, so an epoch costs the same on any length of series.</summary>
    public int SamplesPerEpoch { get; init; } = 1024;

    /// <summary>Validation samples scored per epoch: all of them up to this many, else an evenly spaced subset.</summary>
    public int MaxValidationSamples { get; init; } = 512;
}

/// <summary>One epoch's report; epoch 0 is the model before gradient steps (its anchor plus the fitted highway).</summary>
public readonly record struct EpochReport(int Epoch, int Epochs, double TrainLoss, double ValidationLoss, double LearningRate, bool Best);

/// <summary>How training went: losses are mean squared errors in scaled units.</summary>
public sealed record TrainingSummary(int EpochsRun, int BestEpoch, double BestValidationLoss, double AnchorValidationLoss,
    HighwayFit? Highway, double Seconds, bool StoppedEarly, IReadOnlyList<EpochReport> History);

/// <summary>
/// Mini-batch training of a <see cref="Forecaster"/> on MSE of the correction to its anchor: AdamW, gradient
/// clipping, the learning rate halved on a validation plateau, early stopping with the best weights restored.
/// Deterministic for a given <see cref="Generator"/>.
/// </summary>
public static class ForecastTrainer
{
    /// <summary>Trains <paramref name="model"/> in place on <paramref name="train"/>, early-stopping on <paramref name="validation"/> (both cut with targets); <paramref name="rng"/> orders the samples, <paramref name="report"/> hears every epoch.</summary>
    public static TrainingSummary Train(Forecaster model, ForecastBatch train, ForecastBatch validation, TrainingOptions o,
        Generator rng, Action<EpochReport>? report = null)
    {
        if (o.Epochs < 0) throw new ArgumentException($"--epochs must be non-negative, got {o.Epochs}");
        if (o.BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {o.BatchSize}");
        if (train.Count == 0 || validation.Count == 0)
            throw new ArgumentException($"training needs samples in both parts (train {train.Count}, validation {validation.Count})");

        var net = model.Net;
        var parameters = net.Parameters().ToArray();
        var optimizer = new AdamW(parameters, o.LearningRate, weightDecay: o.WeightDecay);
        var plateau = new ReduceLrOnPlateau(optimizer, factor: 0.5, patience: o.LrPatience, minLr: o.LearningRate / 64);
        int[] validationIndices = EvenlySpaced(validation.Count, o.MaxValidationSamples);

        var clock = Stopwatch.StartNew();
        double anchorLoss = ValidationLoss(net, validation, validationIndices);
        HighwayFit? highway = null;
        if (o.FitHighway)
        {
            highway = HighwayFitter.Fit(train, validation);
            net.Highway.Weight.CopyFrom(Tensor.FromArray(highway.Weight, net.Highway.Weight.Shape));
            net.Highway.Bias!.CopyFrom(Tensor.FromArray(highway.Bias, net.Highway.Bias.Shape));
        }
        double startLoss = o.FitHighway ? ValidationLoss(net, validation, validationIndices) : anchorLoss;
        var best = Snapshot(parameters);
        double bestLoss = startLoss;
        int bestEpoch = 0, epoch = 0;
        var history = new List<EpochReport> { new(0, o.Epochs, double.NaN, startLoss, optimizer.LearningRate, true) };
        report?.Invoke(history[0]);

        while (epoch < o.Epochs && epoch - bestEpoch < o.Patience)
        {
            epoch++;
            var order = rng.Permutation(train.Count);
            int samples = Math.Min(train.Count, o.SamplesPerEpoch);
            double sum = 0;
            for (int start = 0; start < samples; start += o.BatchSize)
            {
                int n = Math.Min(o.BatchSize, samples - start);
                var (x, window, y) = train.Tensors(order.AsSpan(start, n));
                var loss = Functional.MseLoss(net.Forward(x, window), y!);
                float value = loss.Item();
                if (!float.IsFinite(value))
                    throw new ArithmeticException($"training loss is {value} at epoch {epoch}: expected a finite value (try a smaller --hidden or fewer --layers)");
                net.ZeroGrad();
                loss.Backward();
                ClipGrad.ClipGradNorm(parameters, o.ClipNorm);
                optimizer.Step();
                sum += value * (double)n;
            }
            double validationLoss = ValidationLoss(net, validation, validationIndices);
            bool improved = validationLoss < bestLoss;
            if (improved)
            {
                bestLoss = validationLoss;
                bestEpoch = epoch;
                best = Snapshot(parameters);
            }
            var r = new EpochReport(epoch, o.Epochs, sum / samples, validationLoss, optimizer.LearningRate, improved);
            history.Add(r);
            report?.Invoke(r);
            plateau.Step(validationLoss);
        }
        Restore(parameters, best);
        return new TrainingSummary(epoch, bestEpoch, bestLoss, anchorLoss, highway, clock.Elapsed.TotalSeconds,
            epoch < o.Epochs, history);
    }

    private static double ValidationLoss(ForecastNet net, ForecastBatch batch, int[] indices)
    {
        net.Eval();
        double sum = 0;
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < indices.Length; start += 256)
            {
                int n = Math.Min(256, indices.Length - start);
                var (x, window, y) = batch.Tensors(indices.AsSpan(start, n));
                sum += Functional.MseLoss(net.Forward(x, window), y!).Item() * (double)n;
            }
        }
        net.Train();
        return sum / indices.Length;
    }

    /// <summary>min(count, max) indices spread evenly over [0, count).</summary>
    internal static int[] EvenlySpaced(int count, int max)
    {
        int n = Math.Min(count, max);
        var indices = new int[n];
        for (int i = 0; i < n; i++) indices[i] = (int)((long)i * count / n);
        return indices;
    }

    private static float[][] Snapshot(Tensor[] parameters) => parameters.Select(p => p.ToArray()).ToArray();

    private static void Restore(Tensor[] parameters, float[][] values)
    {
        for (int i = 0; i < parameters.Length; i++)
            parameters[i].CopyFrom(Tensor.FromArray(values[i], parameters[i].Shape));
    }
}
