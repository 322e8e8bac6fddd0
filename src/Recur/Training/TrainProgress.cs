namespace Recur.Training;

/// <summary>
/// One report of <see cref="Trainer.Run"/>: after every step, and after every validation. <see cref="Loss"/> is the
/// step's training loss (NaN for the validation at the start); <see cref="ValidationLoss"/> is set only on reports that
/// follow a validation.
/// </summary>
/// <param name="Step">Steps taken so far, counting those of a resumed run.</param>
/// <param name="Loss">The last step's training loss.</param>
/// <param name="GradNorm">The gradients' total norm before clipping, when clipping is on.</param>
/// <param name="LearningRate">The rate the last step used.</param>
/// <param name="ValidationLoss">The validation loss measured now, or null.</param>
/// <param name="IsBest">Whether <see cref="ValidationLoss"/> is the best so far.</param>
/// <param name="Elapsed">Time since the run began.</param>
public readonly record struct TrainProgress(long Step, double Loss, float? GradNorm, double LearningRate,
    double? ValidationLoss, bool IsBest, TimeSpan Elapsed);
