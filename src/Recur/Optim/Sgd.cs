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
    public double Momentum { get; }
    public double Dampening { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }
    public bool Maximize { get; }
    private readonly float[]?[] _momentum;

    public Sgd(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false) : base(parameters, lr)
    {
        CheckNonNegative("momentum", momentum);
        CheckNonNegative("weight_decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Maximize = maximize;
        _momentum = new float[]?[Params.Length];
    }

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        float wd = (float)WeightDecay, mu = (float)Momentum, keep = (float)(1 - Dampening), step = (float)-LearningRate;
        bool first = _momentum[index] is null;
        var buf = Momentum != 0 ? State(_momentum, index, p.Length) : null;
        for (int i = 0; i < p.Length; i++)
        {
            float g = Maximize ? -grad[i] : grad[i];
            if (wd != 0) g += wd * p[i];
            if (buf != null)
            {
                buf[i] = first ? g : buf[i] * mu + keep * g;
                g = Nesterov ? g + mu * buf[i] : buf[i];
            }
            p[i] += step * g;
        }
    }
}
