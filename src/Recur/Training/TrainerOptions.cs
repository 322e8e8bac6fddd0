namespace Recur.Training;

/// <summary>How <see cref="Trainer"/> runs its loop. Every limit is optional; the defaults run <see cref="MaxSteps"/> plain steps.</summary>
public sealed record TrainerOptions
{
    /// <summary>Most optimizer steps to take (counted from the step the run starts at).</summary>
    public long MaxSteps { get; init; } = long.MaxValue;

    /// <summary>Wall-clock budget: no new step starts once it is spent (a validation already due still runs).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Clip the gradients' total 2-norm to this value before each step (<c>clip_grad_norm_</c>); null: no clipping.</summary>
    public float? ClipNorm { get; init; }

    /// <summary>Validate every this many steps (and after the last step); 0: never, except <see cref="ValidateAtStart"/>.</summary>
    public long ValidateEvery { get; init; }

    /// <summary>Score the model once before the first step (the untrained baseline, reported as step 0).</summary>
    public bool ValidateAtStart { get; init; }

    /// <summary>Stop after this many validations in a row without a better loss; 0: never stop early.</summary>
    public int Patience { get; init; }

    /// <summary>At the end, put back the parameters of the best validation (when there was any validation).</summary>
    public bool RestoreBest { get; init; } = true;

    /// <summary>
    /// Learning rate as a function of the 0-based step about to be taken; null leaves the optimizer's rate alone
    /// (or to <see cref="Plateau"/>). See <see cref="LrSchedules"/>.
    /// </summary>
    public Func<long, double>? LrSchedule { get; init; }

    /// <summary>Told every validation loss (e.g. a <see cref="Optim.ReduceLrOnPlateau"/>'s <c>Step</c>).</summary>
    public Action<double>? Plateau { get; init; }

    /// <summary>Added to the error when a loss is not finite, to say what to change (e.g. "try a smaller --lr").</summary>
    public string? NonFiniteHint { get; init; }
}
