namespace Recur.Text;

/// <summary>One point of the loss curve: the step and the loss there (nats per character).</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Loss">Loss.</param>
public readonly record struct LossPoint(int Step, double Loss);

/// <summary>What a training run did.</summary>
/// <param name="Steps">Steps done.</param>
/// <param name="BestValidation">Lowest validation loss (the saved model's).</param>
/// <param name="BestStep">The step it was reached at.</param>
/// <param name="TrainCurve">Mean training loss per reporting interval.</param>
/// <param name="ValidationCurve">Every validation pass.</param>
/// <param name="TrainSeconds">Wall time in training steps.</param>
/// <param name="ValidationSeconds">Wall time in validation passes.</param>
/// <param name="TokensPerSecond">Training characters per second (training time only).</param>
/// <param name="Stopped">Why it ended: "budget", "steps" or "cancelled".</param>
public sealed record CharLmTrainResult(int Steps, double BestValidation, int BestStep, IReadOnlyList<LossPoint> TrainCurve,
    IReadOnlyList<LossPoint> ValidationCurve, double TrainSeconds, double ValidationSeconds, double TokensPerSecond, string Stopped)
{
    /// <summary>Processor time of the whole run, all threads (on a shared machine a steadier measure of cost than wall time).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Processor time of the validation passes.</summary>
    public double ValidationCpuSeconds { get; init; }

    /// <summary>Training characters processed.</summary>
    public long Tokens { get; init; }
}
