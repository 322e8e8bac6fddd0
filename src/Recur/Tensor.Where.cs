namespace Recur;

// Element-wise selection by a mask, and the comparisons that make masks.
public sealed partial class Tensor
{
    /// <summary>
    /// <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/>, with numpy broadcasting
    /// of all three, as <c>torch.where(condition, a, b)</c>. Recur has no bool tensor: a mask is a float tensor of 1s and 0s,
    /// such as <see cref="Gt(float)"/> returns. Gradients: a gets g where the condition holds, b where it does not
    /// (each summed back over broadcast dims); the condition gets none.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        using var trace = Autograd.OpTrace.Enter();
        var shape = Shapes.Broadcast(Shapes.Broadcast(condition.Shape, a.Shape), b.Shape);
        float[] c = BroadcastTo(condition, shape), x = BroadcastTo(a, shape), y = BroadcastTo(b, shape);
        var result = new Tensor(shape);
        for (int i = 0; i < c.Length; i++) result.Storage[i] = c[i] != 0 ? x[i] : y[i];
        trace.Done("Where", result, new object[] { condition, a, b });
        return Record(result, "WhereBackward0", new[] { a, b }, g =>
        {
            var tmp = new float[g.Length];
            if (a.RequiresGrad)
            {
                for (int i = 0; i < tmp.Length; i++) tmp[i] = c[i] != 0 ? g[i] : 0f;
                a.AccumulateGrad(SumTo(tmp, shape, a.Shape));
            }
            if (b.RequiresGrad)
            {
                for (int i = 0; i < tmp.Length; i++) tmp[i] = c[i] != 0 ? 0f : g[i];
                b.AccumulateGrad(SumTo(tmp, shape, b.Shape));
            }
        });
    }

    /// <summary>Where with a scalar in place of <paramref name="b"/> (PyTorch's <c>torch.where(cond, a, 0.0)</c>).</summary>
    public static Tensor Where(Tensor condition, Tensor a, float b) => Where(condition, a, Scalar(b));

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

    private Tensor Mask(string op, float value, Func<float, bool> test)
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = new Tensor(_shape.AsSpan().ToArray());
        var src = ReadOnlySpan;
        for (int i = 0; i < src.Length; i++) result.Storage[i] = test(src[i]) ? 1f : 0f;
        return trace.Done(op, result, new object[] { this }, value);
    }
}
