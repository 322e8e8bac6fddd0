using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Recur;

// Reductions. Sums accumulate in double so long reductions stay accurate in float32.
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (0-d); d = g everywhere.</summary>
    public Tensor Sum()
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = Scalar((float)SumDouble(ReadOnlySpan));
        trace.Done("SumAll", result, new object[] { this });
        return Record(result, "SumBackward0", new[] { this }, g => Autograd.Engine.AccumulateScalar(this, g[0]), savesTensors: false);
    }

    /// <summary>Σ x in double, four lanes at a time.</summary>
    internal static double SumDouble(ReadOnlySpan<float> x)
    {
        int i = 0;
        double s = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            var acc = Vector256<double>.Zero;
            for (; i + 8 <= x.Length; i += 8)
            {
                var v = Vector256.Create(x.Slice(i, 8));
                var (lo, hi) = Vector256.Widen(v);
                acc += lo + hi;
            }
            s = Vector256.Sum(acc);
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Mean of all elements (0-d): the double-accumulated sum rounded to float, times 1/n; d = g/n everywhere.</summary>
    public Tensor Mean()
    {
        using var trace = Autograd.OpTrace.Enter();
        float scale = 1f / Numel;
        var result = trace.Done("MeanAll", Scalar((float)SumDouble(ReadOnlySpan) * scale), new object[] { this });
        return Record(result, "MeanBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            gi.AsSpan().Fill(g[0] * scale);
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    /// <summary>Sum over <paramref name="dim"/>; d = g broadcast back along dim.</summary>
    public Tensor Sum(int dim, bool keepDim = false)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        int outer = Shapes.Prod(_shape, 0, d), size = _shape[d], inner = Shapes.Prod(_shape, d + 1, Dim);
        var outShape = keepDim ? _shape.Select((s, i) => i == d ? 1 : s).ToArray() : _shape.Where((_, i) => i != d).ToArray();
        var result = new Tensor(outShape);
        var src = ReadOnlySpan;
        var acc = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            Array.Clear(acc);
            for (int k = 0; k < size; k++)
                for (int i = 0; i < inner; i++) acc[i] += src[(o * size + k) * inner + i];
            for (int i = 0; i < inner; i++) result.Storage[o * inner + i] = (float)acc[i];
        }
        trace.Done("Sum", result, new object[] { this }, d, keepDim);
        return Record(result, "SumBackward1", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < size; k++)
                    g.AsSpan(o * inner, inner).CopyTo(gi.AsSpan((o * size + k) * inner));
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    /// <summary>Mean over dimension <paramref name="dim"/> (negative counts from the end), kept as size 1 when <paramref name="keepDim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        int outer = Shapes.Prod(_shape, 0, d), size = _shape[d], inner = Shapes.Prod(_shape, d + 1, Dim);
        float scale = 1f / size;
        Tensor result;
        using (GradMode.NoGrad()) result = Sum(d, keepDim).Mul(scale);
        trace.Done("Mean", result, new object[] { this }, d, keepDim);
        return Record(result, "MeanBackward1", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < size; k++)
                    for (int i = 0; i < inner; i++) gi[(o * size + k) * inner + i] = g[o * inner + i] * scale;
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    /// <summary>The p-norm of all elements (0-d), p = 2 by default.</summary>
    public Tensor Norm(float p = 2f) => p == 2f ? Pow(2f).Sum().Sqrt() : Abs().Pow(p).Sum().Pow(1f / p);

    /// <summary>Largest element (no gradient; for inspection).</summary>
    public float Max() => TensorPrimitives.Max(ReadOnlySpan);

    /// <summary>Smallest element (no gradient; for inspection).</summary>
    public float Min() => TensorPrimitives.Min(ReadOnlySpan);
}
