namespace Recur.Optim;

/// <summary>
/// Lowers the learning rate when a metric stops improving, as <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>
/// with mode <c>'min'</c> and threshold mode <c>'rel'</c>:
/// <code>
/// better(m)  ⇔  m &lt; best · (1 − threshold)
/// after more than `patience` epochs in a row without a better m:  lr = max(lr · factor, min_lr), then `cooldown` epochs of rest
/// </code>
/// A reduction smaller than <c>eps</c> is skipped, as in PyTorch.
/// </summary>
public sealed class ReduceLrOnPlateau
{
    private readonly Optimizer _optimizer;
    private int _badEpochs;
    private int _cooldownLeft;

    public double Factor { get; }
    public int Patience { get; }
    public double Threshold { get; }
    public int Cooldown { get; }
    public double MinLr { get; }
    public double Eps { get; }

    /// <summary>The best metric seen so far (+∞ before the first <see cref="Step"/>).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    public ReduceLrOnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        if (factor >= 1 || !(factor > 0)) throw new ArgumentException($"Factor should be < 1.0 and > 0, got {factor}");
        if (patience < 0) throw new ArgumentException($"patience must be non-negative, got {patience}");
        if (cooldown < 0) throw new ArgumentException($"cooldown must be non-negative, got {cooldown}");
        _optimizer = optimizer;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
    }

    /// <summary>Records one epoch's <paramref name="metric"/>; returns true when the learning rate was lowered.</summary>
    public bool Step(double metric)
    {
        if (metric < Best * (1 - Threshold))
        {
            Best = metric;
            _badEpochs = 0;
        }
        else _badEpochs++;

        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _badEpochs = 0;
        }
        if (_badEpochs <= Patience) return false;

        _badEpochs = 0;
        _cooldownLeft = Cooldown;
        double old = _optimizer.LearningRate, lowered = Math.Max(old * Factor, MinLr);
        if (old - lowered <= Eps) return false;
        _optimizer.LearningRate = lowered;
        return true;
    }
}
