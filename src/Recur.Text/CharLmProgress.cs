namespace Recur.Text;

/// <summary>Reported after every training step, and after every validation pass (then <see cref="Validation"/> is set).</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps planned (from the budget, or <c>--steps</c>).</param>
/// <param name="Epoch">Passes over the training text begun (0-based).</param>
/// <param name="TrainLoss">Mean training loss of the recent steps, nats per character.</param>
/// <param name="TokensPerSecond">Training characters per second since the start (validation time excluded).</param>
/// <param name="LearningRate">Rate of the last step.</param>
/// <param name="Validation">The validation loss just measured, or null.</param>
/// <param name="BestValidation">Lowest validation loss so far, or null before the first.</param>
/// <param name="Elapsed">Wall time since the run (or the resumed run) began.</param>
public readonly record struct CharLmProgress(int Step, int TotalSteps, int Epoch, double TrainLoss, double TokensPerSecond,
    double LearningRate, double? Validation, double? BestValidation, TimeSpan Elapsed);
