namespace Recur;

// Element-wise selection by a mask (the masks come from Tensor.Compare.cs).
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
}
