namespace Recur.Text;

/// <summary>Settings of <see cref="CharLmTrainer"/>; the defaults are those of <c>recur charlm train</c>, chosen by measurement (docs/CHARLM.md).</summary>
public sealed record CharLmTrainOptions
{
    /// <summary>Width of the character embedding.</summary>
    public int EmbeddingDim { get; init; } = 64;
    /// <summary>LSTM hidden size.</summary>
    public int HiddenSize { get; init; } = 256;
    /// <summary>LSTM layers.</summary>
    public int NumLayers { get; init; } = 2;
    /// <summary>Characters per truncated-BPTT chunk.</summary>
    public int SeqLen { get; init; } = 128;
    /// <summary>Parallel streams per step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Dropout between LSTM layers and before the head.</summary>
    public float Dropout { get; init; } = 0f;
    /// <summary>Max global gradient norm (clip_grad_norm_).</summary>
    public float Clip { get; init; } = 1f;
    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 100;
    /// <summary>Cosine floor as a fraction of the peak rate.</summary>
    public double MinLrFraction { get; init; } = 0.05;
    /// <summary>Seed of initialisation, dropout and data order.</summary>
    public long Seed { get; init; } = 0;
    /// <summary>Wall-clock budget in minutes, validation passes included (ignored when <see cref="Steps"/> is set).</summary>
    public double Minutes { get; init; } = 15;
    /// <summary>A fixed number of steps instead of a time budget (reproducible runs, tests).</summary>
    public int? Steps { get; init; }
    /// <summary>Validation passes spread over the run (the last at the end); with <see cref="Steps"/>, every this many steps if <see cref="EvalEvery"/> is set.</summary>
    public int Evaluations { get; init; } = 5;
    /// <summary>With <see cref="Steps"/>: validate every this many steps (default: <see cref="Steps"/>/<see cref="Evaluations"/>).</summary>
    public int? EvalEvery { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value out of range; the message names the option.</exception>
    public void Validate()
    {
        new CharLmConfig(1, EmbeddingDim, HiddenSize, NumLayers, Dropout).Validate();
        if (SeqLen < 1) throw new ArgumentException($"--seq-len must be at least 1, got {SeqLen}");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"weight decay must be non-negative, got {WeightDecay}");
        if (!(Clip > 0)) throw new ArgumentException($"--clip must be positive, got {Clip}");
        if (WarmupSteps < 0) throw new ArgumentException($"warm-up steps must be non-negative, got {WarmupSteps}");
        if (!(Minutes > 0) || double.IsInfinity(Minutes)) throw new ArgumentException($"--minutes must be positive, got {Minutes}");
        if (Steps is int s && s < 1) throw new ArgumentException($"--steps must be at least 1, got {s}");
        if (Evaluations < 1) throw new ArgumentException($"--evaluations must be at least 1, got {Evaluations}");
        if (EvalEvery is int e && e < 1) throw new ArgumentException($"--eval-every must be at least 1, got {e}");
    }
}
