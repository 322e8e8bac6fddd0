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
    public double Alpha { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public double Momentum { get; }
    public bool Centered { get; }
    public bool Maximize { get; }
    private readonly float[]?[] _square, _gradAvg, _buf;

    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false) : base(parameters, lr)
    {
        CheckNonNegative("alpha", alpha);
        CheckNonNegative("epsilon", eps);
        CheckNonNegative("momentum", momentum);
        CheckNonNegative("weight_decay", weightDecay);
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;
        _square = new float[]?[Params.Length];
        _gradAvg = new float[]?[Params.Length];
        _buf = new float[]?[Params.Length];
    }

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        var s = State(_square, index, p.Length);
        var ga = Centered ? State(_gradAvg, index, p.Length) : null;
        var buf = Momentum > 0 ? State(_buf, index, p.Length) : null;
        float alpha = (float)Alpha, keep = (float)(1 - Alpha), eps = (float)Eps, wd = (float)WeightDecay;
        float mu = (float)Momentum, lr = (float)LearningRate;
        for (int i = 0; i < p.Length; i++)
        {
            float g = Maximize ? -grad[i] : grad[i];
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
