namespace Recur.Optim;

/// <summary>
/// Adam, as <c>torch.optim.Adam</c> (and AdamW with <c>decoupled</c>):
/// <code>
/// g = ±grad (+ wd·p for Adam)            AdamW instead first does p = p·(1 − lr·wd)
/// m = β1·m + (1 − β1)·g      v = β2·v + (1 − β2)·g²      v̂ = max(v̂, v) with amsgrad
/// p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
/// </code>
/// </summary>
public class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public bool Amsgrad { get; }
    public bool Maximize { get; }
    private readonly bool _decoupled;
    private readonly int[] _steps;
    private readonly float[]?[] _m, _v, _vmax;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(parameters, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: false) { }

    private protected Adam(IEnumerable<Tensor> parameters, double lr, (double, double)? betas, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled) : base(parameters, lr)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        if (b1 < 0 || b1 >= 1) throw new ArgumentException($"Invalid beta parameter at index 0: {b1}");
        if (b2 < 0 || b2 >= 1) throw new ArgumentException($"Invalid beta parameter at index 1: {b2}");
        CheckNonNegative("epsilon", eps);
        CheckNonNegative("weight_decay", weightDecay);
        Beta1 = b1;
        Beta2 = b2;
        Eps = eps;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        Maximize = maximize;
        _decoupled = decoupled;
        _steps = new int[Params.Length];
        _m = new float[]?[Params.Length];
        _v = new float[]?[Params.Length];
        _vmax = new float[]?[Params.Length];
    }

    /// <summary>Steps taken for parameter <paramref name="index"/> (PyTorch's <c>state['step']</c>).</summary>
    public int StepCount(int index) => _steps[index];

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        int t = ++_steps[index];
        var m = State(_m, index, p.Length);
        var v = State(_v, index, p.Length);
        var vmax = Amsgrad ? State(_vmax, index, p.Length) : null;
        double lr = LearningRate;
        float decay = (float)(1 - lr * WeightDecay), wd = (float)WeightDecay;
        float b1 = (float)Beta1, b2 = (float)Beta2, a1 = (float)(1 - Beta1), a2 = (float)(1 - Beta2);
        float stepSize = (float)(lr / (1 - Math.Pow(Beta1, t)));
        float bc2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, t));
        float eps = (float)Eps;
        for (int i = 0; i < p.Length; i++)
        {
            float g = Maximize ? -grad[i] : grad[i];
            if (_decoupled) p[i] *= decay;
            else if (wd != 0) g += wd * p[i];
            m[i] = m[i] * b1 + a1 * g;
            v[i] = v[i] * b2 + a2 * g * g;
            float vv = v[i];
            if (vmax != null) vv = vmax[i] = MathF.Max(vmax[i], vv);
            float denom = MathF.Sqrt(vv) / bc2Sqrt + eps;
            p[i] += -stepSize * (m[i] / denom);
        }
    }
}

/// <summary>Adam with decoupled weight decay (p ← p·(1 − lr·wd) before the moments), as <c>torch.optim.AdamW</c>.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: true) { }
}
