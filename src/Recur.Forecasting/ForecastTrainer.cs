using System.Diagnostics;
using Recur.Nn;
using Recur.Optim;
using Recur.Training;

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

/// <summary>How training went: losses are mean squared errors in scaled units (plus the pinball loss averaged over levels when the network has learned quantiles).</summary>
public sealed record TrainingSummary(int EpochsRun, int BestEpoch, double BestValidationLoss, double AnchorValidationLoss,
    HighwayFit? Highway, double Seconds, bool StoppedEarly, IReadOnlyList<EpochReport> History);

/// <summary>
/// Mini-batch training of a <see cref="Forecaster"/> on the shared loop (<see cref="Trainer"/>), MSE of the correction to its anchor (plus the pinball loss of the learned quantiles, <see cref="QuantileHeads"/>): AdamW, gradient
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
        if (net.Quantile is not null) InitQuantileHead(net, train, o.SamplesPerEpoch);

        // The shared loop (Recur.Training.Trainer), one validation per epoch: an epoch is a fresh permutation's first
        // SamplesPerEpoch samples in mini-batches; epoch 0 is the model before any step (anchor + fitted highway).
        int samples = Math.Min(train.Count, o.SamplesPerEpoch);
        int batches = (samples + o.BatchSize - 1) / o.BatchSize;
        int[] order = [];
        bool first = true;
        var trainer = new Trainer(parameters, optimizer, new TrainerOptions
        {
            MaxSteps = (long)o.Epochs * batches,
            ClipNorm = o.ClipNorm,
            ValidateEvery = batches,
            ValidateAtStart = true,
            Patience = o.Patience,
            RestoreBest = true,
            // The plateau counts epochs after the first, as before the shared loop: the start is not an epoch.
            Plateau = v => { if (!first) plateau.Step(v); first = false; },
            NonFiniteHint = "try a smaller --hidden or fewer --layers",
        });
        Tensor LossOf(long step)
        {
            int b = (int)(step % batches);
            if (b == 0) order = rng.Permutation(train.Count);
            int start = b * o.BatchSize, n = Math.Min(o.BatchSize, samples - start);
            var (x, window, y) = train.Tensors(order.AsSpan(start, n));
            return Loss(net, x, window, y!);
        }
        var history = new List<EpochReport>();
        double sum = 0;
        void Progress(TrainProgress p)
        {
            if (p.ValidationLoss is not double v)
            {
                long b = (p.Step - 1) % batches;
                sum += p.Loss * Math.Min(o.BatchSize, samples - b * o.BatchSize);
                return;
            }
            int epoch = (int)(p.Step / batches);
            var r = new EpochReport(epoch, o.Epochs, epoch == 0 ? double.NaN : sum / samples, v, p.LearningRate, p.IsBest);
            sum = 0;
            history.Add(r);
            report?.Invoke(r);
        }
        TrainingResult result;
        try
        {
            result = trainer.Run(LossOf, () => ValidationLoss(net, validation, validationIndices), Progress);
        }
        catch (ArithmeticException e)
        {
            throw new ArithmeticException($"training diverged: {e.Message}", e);
        }
        int epochsRun = (int)(result.Steps / batches);
        return new TrainingSummary(epochsRun, (int)(result.BestStep / batches), result.BestValidationLoss, anchorLoss, highway,
            clock.Elapsed.TotalSeconds, epochsRun < o.Epochs, history);
    }

    /// <summary>
    /// The training loss: the squared error of the point correction, plus, with learned quantiles, the pinball loss averaged over
    /// levels, or with the Gaussian head its negative log-likelihood (<see cref="GaussianHead.NllLoss"/>) (all in scaled units; the
    /// point enters the quantiles and the likelihood detached, so each head answers to its own loss).
    /// </summary>
    internal static Tensor Loss(ForecastNet net, Tensor x, Tensor window, Tensor y)
    {
        if (net.Quantile is null) return Functional.MseLoss(net.Forward(x, window), y);
        if (net.Gaussian)
        {
            var (mu, raw) = net.ForwardHeads(x, window);
            return Functional.MseLoss(mu, y) + GaussianHead.NllLoss(mu.Detach(), GaussianHead.Sigma(raw!), y);
        }
        var (point, quantiles) = net.ForwardQuantiles(x, window);
        return Functional.MseLoss(point, y) + QuantileHeads.PinballLoss(quantiles!, y, net.QuantileLevels);
    }

    // The quantile head's biases at the empirical quantiles of the training residuals of the model as it starts (anchor + highway),
    // or the Gaussian head's at their root mean square.
    private static void InitQuantileHead(ForecastNet net, ForecastBatch train, int samples)
    {
        var indices = EvenlySpaced(train.Count, samples);
        int H = train.Horizon;
        var residuals = new float[indices.Length * H];
        net.Eval();
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < indices.Length; start += 256)
            {
                int n = Math.Min(256, indices.Length - start);
                var (x, window, y) = train.Tensors(indices.AsSpan(start, n));
                var r = (y! - net.Forward(x, window)).ToArray();
                r.CopyTo(residuals, start * H);
            }
        }
        net.Train();
        var bias = net.Gaussian ? GaussianHead.InitialBias(residuals, H) : QuantileHeads.InitialBias(residuals, H, net.QuantileLevels);
        net.Quantile!.Bias!.CopyFrom(Tensor.FromArray(bias, net.Quantile.Bias.Shape));
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
                sum += Loss(net, x, window, y!).Item() * (double)n;
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
}
