namespace Recur.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, as <c>torch.optim.SGD</c>:
/// <code>
/// g = ±grad + wd·p
/// buf = g (first step) | μ·buf + (1 − dampening)·g
/// g = g + μ·buf (nesterov) | buf
/// p = p − lr·g
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Default momentum.</summary>
    public double Momentum { get; }
    /// <summary>Default dampening.</summary>
    public double Dampening { get; }
    /// <summary>Default weight decay.</summary>
    public double WeightDecay { get; }
    /// <summary>Default Nesterov switch.</summary>
    public bool Nesterov { get; }
    /// <summary>Default maximize switch.</summary>
    public bool Maximize { get; }
    private static readonly string[] Buffers = { "momentum_buffer" };

    /// <summary>SGD over one group holding <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>SGD over several groups; a group's unset options take these values.</summary>
    public Sgd(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov, ["maximize"] = maximize,
        })
    {
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(IReadOnlyDictionary<string, object> o)
    {
        CheckLearningRate(o);
        double momentum = (double)o["momentum"];
        CheckNonNegative("momentum", momentum);
        CheckNonNegative("weight_decay", (double)o["weight_decay"]);
        if ((bool)o["nesterov"] && (momentum <= 0 || (double)o["dampening"] != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
    }

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> BufferNames => Buffers;

    /// <inheritdoc/>
    protected override bool CountsSteps => false;

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        double momentum = group.Double("momentum");
        float wd = (float)group.Double("weight_decay"), mu = (float)momentum, keep = (float)(1 - group.Double("dampening"));
        float step = (float)-group.LearningRate;
        bool maximize = group.Bool("maximize"), nesterov = group.Bool("nesterov");
        bool first = !HasBuffer(index, "momentum_buffer");
        var buf = momentum != 0 ? Buffer(index, "momentum_buffer") : null;
        for (int i = 0; i < p.Length; i++)
        {
            float g = maximize ? -grad[i] : grad[i];
            if (wd != 0) g += wd * p[i];
            if (buf != null)
            {
                buf[i] = first ? g : buf[i] * mu + keep * g;
                g = nesterov ? g + mu * buf[i] : buf[i];
            }
            p[i] += step * g;
        }
    }
}
