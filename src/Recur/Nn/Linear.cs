namespace Recur.Nn;

/// <summary>y = x·Wᵀ + b, as <c>nn.Linear</c>. weight: [out, in], bias: [out], both U(−1/√in, 1/√in).</summary>
public sealed class Linear : Module, ITensorModule
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? rng = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentException($"Linear: in_features and out_features must be non-negative, got {inFeatures} and {outFeatures}");
        rng ??= Generator.Default;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = inFeatures > 0 ? 1f / MathF.Sqrt(inFeatures) : 0f;
        Weight = RegisterParameter("weight", Tensor.Uniform(rng, -bound, bound, outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Tensor.Uniform(rng, -bound, bound, outFeatures));
    }

    /// <summary>x: [..., in] → [..., out]</summary>
    public Tensor Forward(Tensor x) => Functional.Linear(x, Weight, Bias);

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Repr.Bool(Bias != null)}";
}
