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
    private int _lastEpoch;

    /// <summary>Factor by which the learning rate is multiplied.</summary>
    public double Factor { get; }
    /// <summary>Epochs without improvement tolerated before lowering.</summary>
    public int Patience { get; }
    /// <summary>Relative improvement that counts as better.</summary>
    public double Threshold { get; }
    /// <summary>Epochs of rest after a reduction.</summary>
    public int Cooldown { get; }
    /// <summary>Lower bound of every group's learning rate.</summary>
    public double MinLr { get; }
    /// <summary>Smallest reduction that is applied.</summary>
    public double Eps { get; }

    /// <summary>The best metric seen so far (+∞ before the first <see cref="Step"/>).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Watches <paramref name="optimizer"/>'s groups; arguments as PyTorch's (mode 'min', threshold mode 'rel').</summary>
    public ReduceLrOnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        if (factor >= 1 || !(factor > 0)) throw new ArgumentException($"Factor should be < 1.0 and > 0, got {factor}");
        if (patience < 0) throw new ArgumentException($"patience must be non-negative, got {patience}");
        if (cooldown < 0) throw new ArgumentException($"cooldown must be non-negative, got {cooldown}");
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(threshold >= 0) || !(minLr >= 0) || !(eps >= 0)) throw new ArgumentException($"threshold, minLr and eps must be non-negative, got {threshold}, {minLr}, {eps}");
        _optimizer = optimizer;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
    }

    /// <summary>Records one epoch's <paramref name="metric"/>; returns true when a learning rate was lowered.</summary>
    public bool Step(double metric)
    {
        _lastEpoch++;
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
        bool any = false;
        foreach (var group in _optimizer.ParamGroups)
        {
            double old = group.LearningRate, lowered = Math.Max(old * Factor, MinLr);
            if (old - lowered <= Eps) continue;
            group.LearningRate = lowered;
            any = true;
        }
        return any;
    }

    /// <summary>
    /// The counters and settings under PyTorch's <c>state_dict()</c> keys: <c>best</c>, <c>num_bad_epochs</c>,
    /// <c>cooldown_counter</c>, <c>last_epoch</c> (which change) and <c>factor</c>, <c>patience</c>, <c>threshold</c>,
    /// <c>cooldown</c>, <c>min_lr</c>, <c>eps</c> (which are checked on load). Values are <see cref="double"/> or <see cref="int"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object> StateDict() => new SortedDictionary<string, object>(StringComparer.Ordinal)
    {
        ["best"] = Best, ["num_bad_epochs"] = _badEpochs, ["cooldown_counter"] = _cooldownLeft, ["last_epoch"] = _lastEpoch,
        ["factor"] = Factor, ["patience"] = Patience, ["threshold"] = Threshold, ["cooldown"] = Cooldown, ["min_lr"] = MinLr, ["eps"] = Eps,
    };

    /// <summary>Restores the counters from <see cref="StateDict"/>; the settings must equal this scheduler's. Nothing changes on error.</summary>
    /// <exception cref="ArgumentException">A key is missing or unknown, a value has the wrong type or range, or a setting differs.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object> state) => PrepareLoad(state)();

    /// <summary>Checks <paramref name="state"/> completely and returns the assignment, which cannot fail.</summary>
    internal Action PrepareLoad(IReadOnlyDictionary<string, object> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        foreach (var key in state.Keys)
            if (!own.ContainsKey(key)) throw new ArgumentException($"scheduler state has unknown key '{key}'");
        foreach (var (key, mine) in own)
        {
            if (!state.TryGetValue(key, out var value)) throw new ArgumentException($"scheduler state lacks '{key}'");
            if (value?.GetType() != mine.GetType())
                throw new ArgumentException($"scheduler state '{key}' is a {value?.GetType().Name ?? "null"}, expected {mine.GetType().Name}");
        }
        foreach (var key in new[] { "factor", "patience", "threshold", "cooldown", "min_lr", "eps" })
            if (!state[key].Equals(own[key]))
                throw new ArgumentException($"scheduler state has {key} = {state[key]}, this scheduler has {own[key]}");
        double best = (double)state["best"];
        int bad = (int)state["num_bad_epochs"], cooldown = (int)state["cooldown_counter"], epoch = (int)state["last_epoch"];
        if (double.IsNaN(best) || bad < 0 || cooldown < 0 || cooldown > Cooldown || epoch < 0)
            throw new ArgumentException($"scheduler state is out of range (best {best}, num_bad_epochs {bad}, cooldown_counter {cooldown}, last_epoch {epoch})");
        return () => (Best, _badEpochs, _cooldownLeft, _lastEpoch) = (best, bad, cooldown, epoch);
    }
}
