using Recur.Autograd;

namespace Recur.Nn;

public static partial class Functional
{
    /// <summary>log_softmax along <paramref name="dim"/>: y = x − logΣexp(x).  dx = g − softmax·Σg.</summary>
    public static Tensor LogSoftmax(Tensor x, int dim)
    {
        using var trace = OpTrace.Enter();
        var y = Normalized(x, dim, log: true, out var split);
        trace.Done("LogSoftmax", y, new object[] { x }, Shapes.NormalizeDim(dim, Math.Max(x.Dim, 1)));
        var (outer, size, inner) = split;
        var yv = y.Storage;
        return Tensor.Record(y, "LogSoftmaxBackward0", new[] { x }, g =>
        {
            var gx = Autograd.GradPool.Rent(x.Numel);
            ForEachSlice(outer, size, inner, (b, stride) =>
            {
                double gs = 0;
                for (int k = 0; k < size; k++) gs += g[b + k * stride];
                for (int k = 0; k < size; k++) gx[b + k * stride] = g[b + k * stride] - MathF.Exp(yv[b + k * stride]) * (float)gs;
            });
            x.AccumulateGrad(gx);
            Autograd.GradPool.Return(gx);
        });
    }

    /// <summary>softmax along <paramref name="dim"/>: y = exp(x − logΣexp(x)).  dx = y·(g − Σ g·y).</summary>
    public static Tensor Softmax(Tensor x, int dim)
    {
        using var trace = OpTrace.Enter();
        var y = Normalized(x, dim, log: false, out var split);
        trace.Done("Softmax", y, new object[] { x }, Shapes.NormalizeDim(dim, Math.Max(x.Dim, 1)));
        var (outer, size, inner) = split;
        var yv = y.Storage;
        return Tensor.Record(y, "SoftmaxBackward0", new[] { x }, g =>
        {
            var gx = Autograd.GradPool.Rent(x.Numel);
            ForEachSlice(outer, size, inner, (b, stride) =>
            {
                double dot = 0;
                for (int k = 0; k < size; k++) dot += g[b + k * stride] * yv[b + k * stride];
                for (int k = 0; k < size; k++) gx[b + k * stride] = yv[b + k * stride] * (g[b + k * stride] - (float)dot);
            });
            x.AccumulateGrad(gx);
            Autograd.GradPool.Return(gx);
        });
    }

    /// <summary>log_softmax (or softmax) values of <paramref name="x"/> along dim, with the stable max shift.</summary>
    private static Tensor Normalized(Tensor x, int dim, bool log, out (int Outer, int Size, int Inner) split)
    {
        var (outer, size, inner) = split = Split(x, dim);
        var y = Tensor.Zeros(x.Shape);
        var src = x.Storage;
        int off = x.Offset;
        var ys = y.Storage;
        ForEachSlice(outer, size, inner, (b, stride) =>
        {
            float max = float.NegativeInfinity;
            for (int k = 0; k < size; k++) max = MathF.Max(max, src[off + b + k * stride]);
            double sum = 0;
            for (int k = 0; k < size; k++) sum += Math.Exp(src[off + b + k * stride] - max);
            float lse = max + (float)Math.Log(sum);
            for (int k = 0; k < size; k++)
            {
                float v = src[off + b + k * stride] - lse;
                ys[b + k * stride] = log ? v : MathF.Exp(v);
            }
        });
        return y;
    }

    /// <summary>Calls f(first index, stride) for every 1-d slice along the middle dimension of [outer, size, inner].</summary>
    private static void ForEachSlice(int outer, int size, int inner, Action<int, int> f)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) f(o * size * inner + i, inner);
    }

    /// <summary>Element-wise tanh.</summary>
    public static Tensor Tanh(Tensor x) => x.Tanh();
    /// <summary>Element-wise logistic sigmoid.</summary>
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    /// <summary>Element-wise max(x, 0).</summary>
    public static Tensor Relu(Tensor x) => x.Relu();

    /// <summary>(outer, size, inner) around <paramref name="dim"/>: element (o, k, i) is at (o·size + k)·inner + i.</summary>
    private static (int Outer, int Size, int Inner) Split(Tensor x, int dim)
    {
        int d = Shapes.NormalizeDim(dim, x.Dim);
        if (x.Dim == 0) return (1, 1, 1);
        return (Shapes.Prod(x.Shape, 0, d), x.Shape[d], Shapes.Prod(x.Shape, d + 1, x.Dim));
    }
}
