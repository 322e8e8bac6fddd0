using System.Diagnostics;
using Recur.Optim;

namespace Recur.Training;

/// <summary>
/// The one training loop of Recur — the sine demo, the forecaster and the char-LM all run on it: take a loss, zero the
/// gradients, backpropagate, clip, step, follow a learning-rate schedule, validate now and then, keep the best
/// parameters and stop early, on a step count or on a time budget. What a step computes is the caller's
/// (<c>lossOf</c>), so data order, carried hidden states and batching stay with the model that knows them.
/// </summary>
/// <remarks>
/// Deterministic: the loop itself draws no random numbers. A run can start at any step (<c>startStep</c>), so a
/// resumed run continues the same schedule. Validation runs with the caller's own mode switches; the loop does not
/// call <see cref="Nn.Module.Eval"/> itself.
/// </remarks>
public sealed class Trainer
{
    private readonly Tensor[] _parameters;

    /// <summary>The optimizer that takes the steps.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>How the loop runs.</summary>
    public TrainerOptions Options { get; }

    /// <summary>A loop over <paramref name="parameters"/> (the ones clipped and restored) stepped by <paramref name="optimizer"/>.</summary>
    public Trainer(IEnumerable<Tensor> parameters, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new TrainerOptions();
        _parameters = parameters.ToArray();
        if (Options.ClipNorm is float c && !(c > 0)) throw new ArgumentException($"clip norm must be positive, got {c}");
        if (Options.ValidateEvery < 0) throw new ArgumentException($"ValidateEvery must be non-negative, got {Options.ValidateEvery}");
        if (Options.Patience < 0) throw new ArgumentException($"Patience must be non-negative, got {Options.Patience}");
    }

    /// <summary>
    /// Trains from step <paramref name="startStep"/> until <see cref="TrainerOptions.MaxSteps"/> steps, the time budget
    /// or patience runs out. <paramref name="lossOf"/> returns the scalar loss of a step (it is given the 0-based step);
    /// <paramref name="validate"/> scores the model (lower is better). Throws <see cref="ArithmeticException"/> on a
    /// loss that is not finite, before the optimizer touches the parameters.
    /// </summary>
    public TrainingResult Run(Func<long, Tensor> lossOf, Func<double>? validate = null, Action<TrainProgress>? progress = null,
        long startStep = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(lossOf);
        var o = Options;
        if (o.ValidateEvery > 0 || o.ValidateAtStart) ArgumentNullException.ThrowIfNull(validate);
        var clock = Stopwatch.StartNew();
        double bestLoss = double.NaN;
        long bestStep = -1;
        float[][]? best = null;
        int sinceBest = 0;
        bool stoppedEarly = false, outOfTime = false;

        // Scores the current parameters; returns whether patience ran out.
        bool Validate(long step, double trainLoss, float? norm)
        {
            double v = validate!();
            bool isBest = best is null || v < bestLoss || (double.IsNaN(bestLoss) && !double.IsNaN(v));
            if (isBest)
            {
                bestLoss = v;
                bestStep = step;
                if (o.RestoreBest) best = Snapshot(best);
                else best ??= Array.Empty<float[]>();
                sinceBest = 0;
            }
            else sinceBest++;
            o.Plateau?.Invoke(v);
            progress?.Invoke(new TrainProgress(step, trainLoss, norm, Optimizer.LearningRate, v, isBest, clock.Elapsed));
            return o.Patience > 0 && sinceBest >= o.Patience;
        }

        long step = startStep;
        if (o.ValidateAtStart) stoppedEarly = Validate(step, double.NaN, null);
        long end = o.MaxSteps == long.MaxValue ? long.MaxValue : startStep + o.MaxSteps;
        while (!stoppedEarly && step < end)
        {
            cancellation.ThrowIfCancellationRequested();
            if (o.TimeBudget is TimeSpan budget && clock.Elapsed >= budget) { outOfTime = true; break; }
            if (o.LrSchedule is not null) Optimizer.LearningRate = o.LrSchedule(step);
            var loss = lossOf(step);
            double value = loss.Item();
            if (!double.IsFinite(value))
                throw new ArithmeticException($"loss is {value} at step {step}: expected a finite value"
                    + (o.NonFiniteHint is null ? "" : $" ({o.NonFiniteHint})"));
            // Zeroed in place (PyTorch's set_to_none=False): the step reuses its gradient buffers instead of
            // allocating them again (15 MB per step at medium LSTM sizes, every one a generation-2 collection).
            Optimizer.ZeroGrad(setToNone: false);
            loss.Backward();
            float? norm = o.ClipNorm is float maxNorm ? ClipGrad.ClipGradNorm(_parameters, maxNorm) : null;
            Optimizer.Step();
            step++;
            bool due = o.ValidateEvery > 0 && (step - startStep) % o.ValidateEvery == 0;
            progress?.Invoke(new TrainProgress(step, value, norm, Optimizer.LearningRate, null, false, clock.Elapsed));
            if (due) stoppedEarly = Validate(step, value, norm);
        }
        // A run that ended between validations is scored once more, so the best is never older than the last step.
        if (o.ValidateEvery > 0 && !stoppedEarly && (step - startStep) % o.ValidateEvery != 0)
            Validate(step, double.NaN, null);
        if (o.RestoreBest && best is { Length: > 0 }) Restore(best);
        return new TrainingResult(step, bestStep, bestLoss, stoppedEarly, outOfTime, clock.Elapsed);
    }

    /// <summary>Copies the parameters into <paramref name="into"/> (reused when it has the right shapes).</summary>
    private float[][] Snapshot(float[][]? into)
    {
        into = into is { Length: > 0 } && into.Length == _parameters.Length ? into : new float[_parameters.Length][];
        for (int i = 0; i < _parameters.Length; i++)
        {
            var src = _parameters[i].Span;
            if (into[i] is null || into[i].Length != src.Length) into[i] = new float[src.Length];
            src.CopyTo(into[i]);
        }
        return into;
    }

    private void Restore(float[][] values)
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            values[i].CopyTo(_parameters[i].Span);
            _parameters[i].MarkModified();
        }
    }
}
