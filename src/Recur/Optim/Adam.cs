using System.Runtime.Intrinsics;

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
    /// <summary>Default β1 for groups that do not set <c>betas</c>.</summary>
    public double Beta1 { get; }
    /// <summary>Default β2 for groups that do not set <c>betas</c>.</summary>
    public double Beta2 { get; }
    /// <summary>Default eps.</summary>
    public double Eps { get; }
    /// <summary>Default weight decay.</summary>
    public double WeightDecay { get; }
    /// <summary>Default AMSGrad switch.</summary>
    public bool Amsgrad { get; }
    /// <summary>Default maximize switch.</summary>
    public bool Maximize { get; }
    private readonly bool _decoupled;
    private static readonly string[] Buffers = { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" };

    /// <summary>Adam over one group holding <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: false) { }

    /// <summary>Adam over several groups; a group's unset options take these values.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(groups, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: false) { }

    private protected Adam(IEnumerable<ParamGroup> groups, double lr, (double, double)? betas, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled) : base(groups, Defaults(lr, betas, eps, weightDecay, amsgrad, maximize))
    {
        (Beta1, Beta2) = betas ?? (0.9, 0.999);
        Eps = eps;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        Maximize = maximize;
        _decoupled = decoupled;
    }

    private static Dictionary<string, object> Defaults(double lr, (double, double)? betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        return new() { ["lr"] = lr, ["betas"] = new[] { b1, b2 }, ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad, ["maximize"] = maximize };
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(IReadOnlyDictionary<string, object> o)
    {
        CheckLearningRate(o);
        var betas = (double[])o["betas"];
        if (!(betas[0] >= 0 && betas[0] < 1)) throw new ArgumentException($"Invalid beta parameter at index 0: {betas[0]}");
        if (!(betas[1] >= 0 && betas[1] < 1)) throw new ArgumentException($"Invalid beta parameter at index 1: {betas[1]}");
        CheckNonNegative("epsilon", (double)o["eps"]);
        CheckNonNegative("weight_decay", (double)o["weight_decay"]);
    }

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> BufferNames => Buffers;

    /// <inheritdoc/>
    protected override bool CountsSteps => true;

    /// <summary>Steps taken for parameter <paramref name="index"/> (PyTorch's <c>state['step']</c>).</summary>
    public int StepCount(int index) => Steps(index);

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        int t = NextStep(index);
        var m = Buffer(index, "exp_avg");
        var v = Buffer(index, "exp_avg_sq");
        var vmax = group.Bool("amsgrad") ? Buffer(index, "max_exp_avg_sq") : null;
        double lr = group.LearningRate, wd = group.Double("weight_decay");
        var betas = group.Pair("betas");
        double beta1 = betas[0], beta2 = betas[1];
        var k = new Constants(
            Decay: (float)(1 - lr * wd), Wd: (float)wd,
            B1: (float)beta1, B2: (float)beta2, A1: (float)(1 - beta1), A2: (float)(1 - beta2),
            StepSize: (float)(lr / (1 - Math.Pow(beta1, t))), Bc2Sqrt: (float)Math.Sqrt(1 - Math.Pow(beta2, t)),
            Eps: (float)group.Double("eps"), Sign: group.Bool("maximize") ? -1f : 1f, Decoupled: _decoupled);

        // Eight parameters at a time; the tail goes through an 8-wide scratch copy so the update is written once.
        int n = p.Length, i = 0;
        for (; i + 8 <= n; i += 8) Step(k, p.Slice(i, 8), grad.Slice(i, 8), m.AsSpan(i, 8), v.AsSpan(i, 8), vmax is null ? default : vmax.AsSpan(i, 8));
        if (i == n) return;
        int r = n - i;
        Span<float> tp = stackalloc float[8], tg = stackalloc float[8], tm = stackalloc float[8], tv = stackalloc float[8], tx = stackalloc float[8];
        p[i..].CopyTo(tp); grad[i..].CopyTo(tg); m.AsSpan(i).CopyTo(tm); v.AsSpan(i).CopyTo(tv);
        if (vmax != null) vmax.AsSpan(i).CopyTo(tx);
        Step(k, tp, tg, tm, tv, vmax is null ? default : tx);
        tp[..r].CopyTo(p[i..]); tm[..r].CopyTo(m.AsSpan(i)); tv[..r].CopyTo(v.AsSpan(i));
        if (vmax != null) tx[..r].CopyTo(vmax.AsSpan(i));
    }

    private readonly record struct Constants(float Decay, float Wd, float B1, float B2, float A1, float A2,
        float StepSize, float Bc2Sqrt, float Eps, float Sign, bool Decoupled);

    // p, g, m, v (and vmax unless empty): 8 floats each. The scalar order of operations of PyTorch's update, lane-wise.
    private static void Step(in Constants k, Span<float> p8, ReadOnlySpan<float> g8, Span<float> m8, Span<float> v8, Span<float> vmax8)
    {
        var p = Vector256.Create<float>(p8);
        var g = Vector256.Create<float>(g8) * k.Sign;
        if (k.Decoupled) p *= k.Decay;
        else if (k.Wd != 0) g += k.Wd * p;
        var m = Vector256.Create<float>(m8) * k.B1 + k.A1 * g;
        var v = Vector256.Create<float>(v8) * k.B2 + k.A2 * g * g;
        var vv = v;
        if (!vmax8.IsEmpty) vv = Vector256.Max(Vector256.Create<float>(vmax8), v);
        var denom = Vector256.Sqrt(vv) / k.Bc2Sqrt + Vector256.Create(k.Eps);
        p += -k.StepSize * (m / denom);
        p.CopyTo(p8);
        m.CopyTo(m8);
        v.CopyTo(v8);
        if (!vmax8.IsEmpty) vv.CopyTo(vmax8);
    }
}

/// <summary>Adam with decoupled weight decay (p ← p·(1 − lr·wd) before the moments), as <c>torch.optim.AdamW</c>.</summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over one group holding <paramref name="parameters"/>.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(new[] { new ParamGroup(parameters) }, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: true) { }

    /// <summary>AdamW over several groups; a group's unset options take these values.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, lr, betas, eps, weightDecay, amsgrad, maximize, decoupled: true) { }
}
