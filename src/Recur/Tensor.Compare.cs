namespace Recur;

// Comparisons with a scalar, as float masks of 1s and 0s (PyTorch returns bool tensors; Recur has none): the
// condition of Where, or a count via Sum().
public sealed partial class Tensor
{
    /// <summary>Mask (1 or 0) of x &gt; <paramref name="value"/>; no gradient.</summary>
    public Tensor Gt(float value) => Mask("Greater", value, v => v > value);

    /// <summary>Mask (1 or 0) of x ≥ <paramref name="value"/>; no gradient.</summary>
    public Tensor Ge(float value) => Mask("GreaterOrEqual", value, v => v >= value);

    /// <summary>Mask (1 or 0) of x &lt; <paramref name="value"/>; no gradient.</summary>
    public Tensor Lt(float value) => Mask("Less", value, v => v < value);

    /// <summary>Mask (1 or 0) of x ≤ <paramref name="value"/>; no gradient.</summary>
    public Tensor Le(float value) => Mask("LessOrEqual", value, v => v <= value);

    /// <summary>Mask (1 or 0) of x = <paramref name="value"/>; no gradient.</summary>
    public Tensor Eq(float value) => Mask("Equal", value, v => v == value);

    // The trace records the comparison by its ONNX name, so an exported module keeps its masks.
    private Tensor Mask(string op, float value, Func<float, bool> test)
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = new Tensor(_shape.AsSpan().ToArray());
        var src = ReadOnlySpan;
        for (int i = 0; i < src.Length; i++) result.Storage[i] = test(src[i]) ? 1f : 0f;
        return trace.Done(op, result, new object[] { this }, value);
    }
}
