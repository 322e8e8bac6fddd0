namespace Recur.Training;

/// <summary>How a <see cref="Trainer.Run"/> ended.</summary>
/// <param name="Steps">Steps taken in all (the step a resumed run started at plus this run's).</param>
/// <param name="BestStep">The step whose parameters scored best on validation (0: the starting point), or -1 without validation.</param>
/// <param name="BestValidationLoss">That score, or NaN without validation.</param>
/// <param name="StoppedEarly">Patience ran out.</param>
/// <param name="OutOfTime">The time budget ran out.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record TrainingResult(long Steps, long BestStep, double BestValidationLoss, bool StoppedEarly, bool OutOfTime,
    TimeSpan Elapsed);
