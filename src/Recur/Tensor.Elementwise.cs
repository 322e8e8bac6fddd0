using System.Numerics.Tensors;

namespace Recur;

// Element-wise operations with numpy broadcasting. A broadcast input's gradient is the output
// gradient summed over the dimensions it was stretched along.
public sealed partial class Tensor
{
    /// <summary>Element-wise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Element-wise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Element-wise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Element-wise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Mul(-1f);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, float s) => a.Add(s);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(float s, Tensor a) => a.Add(s);
    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, float s) => a.Add(-s);
    /// <summary>The scalar minus each element.</summary>
    public static Tensor operator -(float s, Tensor a) => a.Mul(-1f).Add(s);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, float s) => a.Mul(s);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(float s, Tensor a) => a.Mul(s);
    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, float s) => a.Mul(1f / s);

    // d(a+b) = g, g
    /// <summary>this + other, broadcast (<c>torch.add</c>); differentiable.</summary>
    public Tensor Add(Tensor other) => Binary(this, other, "Add", "AddBackward0",
        static (x, y, o) => TensorPrimitives.Add(x, y, o),
        static (g, x, y, gx) => g.CopyTo(gx),
        static (g, x, y, gy) => g.CopyTo(gy), savesTensors: false);

    // d(a−b) = g, −g
    /// <summary>this − other, broadcast (<c>torch.sub</c>); differentiable.</summary>
    public Tensor Sub(Tensor other) => Binary(this, other, "Sub", "SubBackward0",
        static (x, y, o) => TensorPrimitives.Subtract(x, y, o),
        static (g, x, y, gx) => g.CopyTo(gx),
        static (g, x, y, gy) => TensorPrimitives.Negate(g, gy), savesTensors: false);

    // d(a·b) = g·b, g·a
    /// <summary>this · other element-wise, broadcast (<c>torch.mul</c>); differentiable.</summary>
    public Tensor Mul(Tensor other) => Binary(this, other, "Mul", "MulBackward0",
        static (x, y, o) => TensorPrimitives.Multiply(x, y, o),
        static (g, x, y, gx) => TensorPrimitives.Multiply(g, y, gx),
        static (g, x, y, gy) => TensorPrimitives.Multiply(g, x, gy));

    // d(a/b) = g/b, −g·a/b²
    /// <summary>this / other element-wise, broadcast (<c>torch.div</c>); differentiable.</summary>
    public Tensor Div(Tensor other) => Binary(this, other, "Div", "DivBackward0",
        static (x, y, o) => TensorPrimitives.Divide(x, y, o),
        static (g, x, y, gx) => TensorPrimitives.Divide(g, y, gx),
        static (g, x, y, gy) =>
        {
            for (int i = 0; i < gy.Length; i++) gy[i] = -g[i] * x[i] / (y[i] * y[i]);
        });

    internal delegate void Kernel3(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> o);
    internal delegate void GradKernel(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gi);

    private static Tensor Binary(Tensor a, Tensor b, string op, string name, Kernel3 forward, GradKernel gradA, GradKernel gradB, bool savesTensors = true)
    {
        using var trace = Autograd.OpTrace.Enter();
        var shape = Shapes.Broadcast(a.Shape, b.Shape);
        // Operands stretched to the output shape (no copy when a shape already agrees).
        ReadOnlySpan<float> x = Shapes.Equal(a.Shape, shape) ? a.ReadOnlySpan : BroadcastTo(a, shape);
        ReadOnlySpan<float> y = Shapes.Equal(b.Shape, shape) ? b.ReadOnlySpan : BroadcastTo(b, shape);
        var result = new Tensor(shape);
        forward(x, y, result.Storage);
        trace.Done(op, result, new object[] { a, b });
        if (!AnyRequiresGrad(new[] { a, b })) return result;
        float[] xa = x.ToArray(), ya = y.ToArray(); // saved for backward
        return Record(result, name, new[] { a, b }, g =>
        {
            var tmp = Autograd.GradPool.Rent(g.Length);
            if (a.RequiresGrad) { gradA(g, xa, ya, tmp); a.AccumulateGrad(SumTo(tmp, shape, a.Shape)); }
            if (b.RequiresGrad) { gradB(g, xa, ya, tmp); b.AccumulateGrad(SumTo(tmp, shape, b.Shape)); }
            Autograd.GradPool.Return(tmp);
        }, savesTensors);
    }

    /// <summary>The values of <paramref name="t"/> repeated to <paramref name="shape"/>.</summary>
    internal static float[] BroadcastTo(Tensor t, int[] shape)
    {
        var strides = Shapes.BroadcastStrides(t.Shape, shape);
        var outv = new float[Shapes.Numel(shape)];
        var src = t.Storage;
        int off = t.Offset;
        ForEachIndex(shape, strides, (i, j) => outv[i] = src[off + j]);
        return outv;
    }

    /// <summary>Sums a gradient of shape <paramref name="from"/> down to the broadcast operand's shape <paramref name="to"/>.</summary>
    internal static ReadOnlySpan<float> SumTo(float[] g, int[] from, int[] to)
    {
        if (Shapes.Equal(from, to)) return g;
        var strides = Shapes.BroadcastStrides(to, from);
        var r = new float[Shapes.Numel(to)];
        ForEachIndex(from, strides, (i, j) => r[j] += g[i]);
        return r;
    }

    /// <summary>Calls f(flat index in shape, strided index) for every element (an odometer over the dims).</summary>
    private static void ForEachIndex(int[] shape, int[] strides, Action<int, int> f)
    {
        int n = Shapes.Numel(shape), rank = shape.Length;
        var idx = new int[rank];
        int j = 0;
        for (int i = 0; i < n; i++)
        {
            f(i, j);
            for (int d = rank - 1; d >= 0; d--)
            {
                j += strides[d];
                if (++idx[d] < shape[d]) break;
                j -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    // ---- scalar operands ------------------------------------------------------------------------

    /// <summary>Adds <paramref name="s"/> to every element; differentiable.</summary>
    public Tensor Add(float s)
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = new Tensor(_shape);
        TensorPrimitives.Add(ReadOnlySpan, s, result.Storage);
        trace.Done("AddScalar", result, new object[] { this }, s);
        return Record(result, "AddBackward0", new[] { this }, g => AccumulateGrad(g), savesTensors: false);
    }

    /// <summary>Multiplies every element by <paramref name="s"/>; differentiable.</summary>
    public Tensor Mul(float s)
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = new Tensor(_shape);
        TensorPrimitives.Multiply(ReadOnlySpan, s, result.Storage);
        trace.Done("MulScalar", result, new object[] { this }, s);
        return Record(result, "MulBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(g.Length);
            TensorPrimitives.Multiply(g, s, gi);
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
    }

    /// <summary>x^p element-wise; d = p·x^(p−1).</summary>
    public Tensor Pow(float p)
    {
        using var trace = Autograd.OpTrace.Enter();
        var x = ToArray();
        var result = new Tensor(_shape);
        for (int i = 0; i < x.Length; i++) result.Storage[i] = MathF.Pow(x[i], p);
        trace.Done("Pow", result, new object[] { this }, p);
        return Record(result, "PowBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(g.Length);
            for (int i = 0; i < gi.Length; i++) gi[i] = g[i] * p * MathF.Pow(x[i], p - 1);
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
    }

    // ---- unary functions: y = f(x), the derivative written from y where that is cheaper -----------

    private Tensor Unary(string name, Action<ReadOnlySpan<float>, Span<float>> f, Func<float, float, float> dydx, params object[] attributes)
    {
        using var trace = Autograd.OpTrace.Enter();
        var x = ToArray();
        var result = new Tensor(_shape);
        f(x, result.Storage);
        trace.Done(name[..name.IndexOf("Backward", StringComparison.Ordinal)], result, new object[] { this }, attributes);
        var y = result.Storage;
        return Record(result, name, new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(g.Length);
            for (int i = 0; i < gi.Length; i++) gi[i] = g[i] * dydx(x[i], y[i]);
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
    }

    /// <summary>Element-wise e^x; differentiable.</summary>
    public Tensor Exp() => Unary("ExpBackward0", TensorPrimitives.Exp, static (x, y) => y);
    /// <summary>Element-wise natural logarithm; differentiable.</summary>
    public Tensor Log() => Unary("LogBackward0", TensorPrimitives.Log, static (x, y) => 1f / x);
    /// <summary>Element-wise tanh; differentiable.</summary>
    public Tensor Tanh() => Unary("TanhBackward0", TensorPrimitives.Tanh, static (x, y) => 1f - y * y);
    /// <summary>Element-wise logistic sigmoid; differentiable.</summary>
    public Tensor Sigmoid() => Unary("SigmoidBackward0", TensorPrimitives.Sigmoid, static (x, y) => y * (1f - y));
    /// <summary>Element-wise max(x, 0); differentiable (gradient 0 at 0, as PyTorch).</summary>
    public Tensor Relu() => Unary("ReluBackward0", static (x, y) => TensorPrimitives.Max(x, 0f, y), static (x, y) => y > 0 ? 1f : 0f);
    /// <summary>Element-wise square root; differentiable.</summary>
    public Tensor Sqrt() => Unary("SqrtBackward0", TensorPrimitives.Sqrt, static (x, y) => 0.5f / y);
    /// <summary>Element-wise absolute value; differentiable (gradient sign(x), 0 at 0 and at NaN as in PyTorch).</summary>
    public Tensor Abs() => Unary("AbsBackward0", TensorPrimitives.Abs, static (x, y) => x > 0 ? 1f : x < 0 ? -1f : 0f); // sign(NaN) = 0 as in PyTorch; MathF.Sign throws
    /// <summary>Element-wise sine; differentiable.</summary>
    public Tensor Sin() => Unary("SinBackward0", TensorPrimitives.Sin, static (x, y) => MathF.Cos(x));
    /// <summary>Element-wise cosine; differentiable.</summary>
    public Tensor Cos() => Unary("CosBackward0", TensorPrimitives.Cos, static (x, y) => -MathF.Sin(x));
}
