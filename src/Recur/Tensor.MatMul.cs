using Recur.Kernels;

namespace Recur;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product. <c>a: [..., m, k] · b: [k, n] → [..., m, n]</c> (leading dims of a folded into m),
    /// or batched <c>[B, m, k] · [B, k, n]</c>; 1-d operands are treated as a row / column vector as in PyTorch.
    /// dA = g·Bᵀ, dB = Aᵀ·g.
    /// </summary>
    public Tensor MatMul(Tensor other)
    {
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("MatMul", MatMulCore(other), new object[] { this, other });
    }

    private Tensor MatMulCore(Tensor other)
    {
        if (Dim == 0 || other.Dim == 0) throw new ArgumentException("both arguments to matmul need to be at least 1D");
        if (Dim == 1) return Unsqueeze(0).MatMul(other).Squeeze(-2);
        if (other.Dim == 1) return MatMul(other.Unsqueeze(1)).Squeeze(-1);
        int k = _shape[^1];
        if (other.Size(-2) != k)
            throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({Shapes.Prod(_shape, 0, Dim - 1)}x{k} and {other.Size(-2)}x{other.Size(-1)})");
        int n = other.Size(-1);
        if (other.Dim == 2)
        {
            int m = Numel / Math.Max(k, 1);
            if (k == 0) m = Shapes.Prod(_shape, 0, Dim - 1);
            var outShape = _shape[..^1].Append(n).ToArray();
            var result = new Tensor(outShape);
            Gemm.Sgemm(false, false, m, n, k, 1f, ReadOnlySpan, k, other.ReadOnlySpan, n, 0f, result.Storage, n);
            var a = this;
            return Record(result, "MmBackward0", new[] { this, other }, g =>
            {
                if (a.RequiresGrad)
                {
                    var ga = Autograd.GradPool.Rent(a.Numel);
                    Gemm.Sgemm(false, true, m, k, n, 1f, g, n, other.ReadOnlySpan, n, 0f, ga, k);
                    a.AccumulateGrad(ga);
                    Autograd.GradPool.Return(ga);
                }
                if (other.RequiresGrad)
                {
                    var gb = Autograd.GradPool.Rent(other.Numel);
                    Gemm.Sgemm(true, false, k, n, m, 1f, a.ReadOnlySpan, k, g, n, 0f, gb, n);
                    other.AccumulateGrad(gb);
                    Autograd.GradPool.Return(gb);
                }
            });
        }
        if (Dim != other.Dim || !Shapes.Equal(_shape[..^2], other.Shape[..^2]))
            throw new ArgumentException($"batched matmul needs equal batch dims, got {Shapes.Format(_shape)} and {Shapes.Format(other.Shape)}");
        {
            int batch = Shapes.Prod(_shape, 0, Dim - 2), m = _shape[^2];
            var result = new Tensor(_shape[..^1].Append(n).ToArray());
            for (int bi = 0; bi < batch; bi++)
                Gemm.Sgemm(false, false, m, n, k, 1f, ReadOnlySpan.Slice(bi * m * k), k, other.ReadOnlySpan.Slice(bi * k * n), n, 0f, result.Storage.AsSpan(bi * m * n), n);
            var a = this;
            return Record(result, "BmmBackward0", new[] { this, other }, g =>
            {
                var ga = Autograd.GradPool.Rent(a.Numel);
                var gb = Autograd.GradPool.Rent(other.Numel);
                for (int bi = 0; bi < batch; bi++)
                {
                    Gemm.Sgemm(false, true, m, k, n, 1f, g.AsSpan(bi * m * n), n, other.ReadOnlySpan.Slice(bi * k * n), n, 0f, ga.AsSpan(bi * m * k), k);
                    Gemm.Sgemm(true, false, k, n, m, 1f, a.ReadOnlySpan.Slice(bi * m * k), k, g.AsSpan(bi * m * n), n, 0f, gb.AsSpan(bi * k * n), n);
                }
                a.AccumulateGrad(ga);
                Autograd.GradPool.Return(ga);
                other.AccumulateGrad(gb);
                Autograd.GradPool.Return(gb);
            });
        }
    }
}
