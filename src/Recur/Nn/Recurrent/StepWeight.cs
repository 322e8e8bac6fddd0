using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>
/// op(W) as the k×n right-hand side of every step's product: packed once (<see cref="KernelOptions.PackWeights"/>)
/// or read in place from the weight, so the ablation is one switch away.
/// </summary>
internal readonly struct StepWeight
{
    private readonly PackedMatrix? _packed;
    private readonly Tensor? _w;
    private readonly bool _trans;
    private readonly int _k, _n, _ld;

    /// <summary>W: [n, k] used transposed (<paramref name="trans"/>) or [k, n] as it is; ld = its row length.</summary>
    public StepWeight(Tensor w, bool trans, int k, int n)
    {
        _w = w;
        _trans = trans;
        (_k, _n, _ld) = (k, n, trans ? k : n);
        _packed = KernelOptions.PackWeights ? PackCache.Pack(trans, k, n, w.ReadOnlySpan, _ld) : null;
    }

    public bool IsNull => _w is null;

    /// <summary>c[m×n] = a[m×k]·op(W) + beta·c.</summary>
    public void Multiply(int m, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        if (_packed != null) Gemm.Sgemm(false, m, 1f, a, lda, _packed, beta, c, ldc);
        else Gemm.Sgemm(false, _trans, m, _n, _k, 1f, a, lda, _w!.ReadOnlySpan, _ld, beta, c, ldc);
    }

    /// <summary>c[m×n] = a[m×k]·op(W) + <paramref name="row"/> in every row: the packed product adds it in its epilogue
    /// (<paramref name="epilogue"/>), else c's rows are filled with it and the product accumulates onto them — bitwise the
    /// same.</summary>
    public void MultiplyAddRow(int m, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> row, Span<float> c, int ldc, bool epilogue = true)
    {
        if (_packed != null && epilogue)
        {
            Gemm.Sgemm(false, m, 1f, a, lda, _packed, row, c, ldc);
            return;
        }
        for (int i = 0; i < m; i++) row[.._n].CopyTo(c.Slice(i * ldc, _n));
        Multiply(m, a, lda, 1f, c, ldc);
    }

    /// <summary>Keeps the packed copy for the next call on this thread.</summary>
    public void Release() => PackCache.Return(_packed);
}
