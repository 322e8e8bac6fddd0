namespace Recur.Nn;

/// <summary>y = x·Wᵀ + b, as <c>nn.Linear</c>. weight: [out, in], bias: [out], both U(−1/√in, 1/√in).</summary>
public sealed class Linear : Module, ITensorModule
{
    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }
    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }
    /// <summary>[OutFeatures, InFeatures], initialised from U(−1/√in, 1/√in).</summary>
    public Tensor Weight { get; }
    /// <summary>[OutFeatures], or null without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>PyTorch's <c>nn.Linear(in_features, out_features, bias)</c>; weights drawn from <paramref name="rng"/> (default: <see cref="Generator.Default"/>).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? rng = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentException($"Linear: in_features and out_features must be non-negative, got {inFeatures} and {outFeatures}");
        LayerLimits.Check($"Linear({inFeatures}, {outFeatures})", ((double)inFeatures + (bias ? 1 : 0)) * outFeatures);
        rng ??= Generator.Default;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = inFeatures > 0 ? 1f / MathF.Sqrt(inFeatures) : 0f;
        Weight = RegisterParameter("weight", Tensor.Uniform(rng, -bound, bound, outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Tensor.Uniform(rng, -bound, bound, outFeatures));
    }

    /// <summary>x: [..., in] → [..., out]</summary>
    public Tensor Forward(Tensor x) => Functional.Linear(x, Weight, Bias);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Repr.Bool(Bias != null)}";
}
