namespace Recur.Optim;

/// <summary>
/// RMSprop, as <c>torch.optim.RMSprop</c>:
/// <code>
/// g = ±grad + wd·p        s = α·s + (1 − α)·g²
/// centered: a = α·a + (1 − α)·g,  avg = √(s − a²) + eps;   else avg = √s + eps
/// momentum μ &gt; 0: buf = μ·buf + g/avg,  p = p − lr·buf;   else p = p − lr·g/avg
/// </code>
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Default smoothing constant α.</summary>
    public double Alpha { get; }
    /// <summary>Default eps.</summary>
    public double Eps { get; }
    /// <summary>Default weight decay.</summary>
    public double WeightDecay { get; }
    /// <summary>Default momentum.</summary>
    public double Momentum { get; }
    /// <summary>Default centered switch.</summary>
    public bool Centered { get; }
    /// <summary>Default maximize switch.</summary>
    public bool Maximize { get; }
    private static readonly string[] Buffers = { "square_avg", "momentum_buffer", "grad_avg" };

    /// <summary>RMSprop over one group holding <paramref name="parameters"/>.</summary>
    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    /// <summary>RMSprop over several groups; a group's unset options take these values.</summary>
    public RmsProp(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, new Dictionary<string, object>
        {
            ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum,
            ["centered"] = centered, ["maximize"] = maximize,
        })
    {
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(IReadOnlyDictionary<string, object> o)
    {
        CheckLearningRate(o);
        CheckNonNegative("alpha", (double)o["alpha"]);
        CheckNonNegative("epsilon", (double)o["eps"]);
        CheckNonNegative("momentum", (double)o["momentum"]);
        CheckNonNegative("weight_decay", (double)o["weight_decay"]);
    }

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> BufferNames => Buffers;

    /// <inheritdoc/>
    protected override bool CountsSteps => true;

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        NextStep(index);
        double alphaD = group.Double("alpha"), momentum = group.Double("momentum");
        var s = Buffer(index, "square_avg");
        var ga = group.Bool("centered") ? Buffer(index, "grad_avg") : null;
        var buf = momentum > 0 ? Buffer(index, "momentum_buffer") : null;
        float alpha = (float)alphaD, keep = (float)(1 - alphaD), eps = (float)group.Double("eps"), wd = (float)group.Double("weight_decay");
        float mu = (float)momentum, lr = (float)group.LearningRate;
        bool maximize = group.Bool("maximize");
        for (int i = 0; i < p.Length; i++)
        {
            float g = maximize ? -grad[i] : grad[i];
            if (wd != 0) g += wd * p[i];
            s[i] = s[i] * alpha + keep * g * g;
            float avg;
            if (ga != null)
            {
                ga[i] = ga[i] * alpha + keep * g;
                avg = MathF.Sqrt(s[i] - ga[i] * ga[i]) + eps;
            }
            else avg = MathF.Sqrt(s[i]) + eps;
            if (buf != null)
            {
                buf[i] = buf[i] * mu + g / avg;
                p[i] += -lr * buf[i];
            }
            else p[i] += -lr * (g / avg);
        }
    }
}
