namespace Recur.Kernels;

/// <summary>
/// Scalar twin of <see cref="Gemm"/>: the plain triple loop that states exactly what the fast kernels compute.
/// Tests hold the fast paths against it, and <see cref="KernelOptions.UseSimd"/> = false routes every call here.
/// </summary>
public static class GemmReference
{
    /// <summary>C = alpha · op(A) · op(B) + beta · C, row-major; see <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // C: [m, n] = alpha · op(A): [m, k] · op(B): [k, n] + beta · C
        Gemm.Validate(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                if (alpha != 0) // BLAS: A and B are not read when alpha == 0
                    for (int p = 0; p < k; p++)
                        sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                Store(ref c[i * ldc + j], alpha * sum, beta);
            }
    }

    /// <summary>C = alpha · op(A) · B + beta · C with B pre-packed; see <see cref="Gemm.Sgemm(bool, int, float, ReadOnlySpan{float}, int, PackedMatrix, float, Span{float}, int)"/>.</summary>
    public static void Sgemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda,
        PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        // C: [m, n] = alpha · op(A): [m, k] · B: [k, n] + beta · C
        Gemm.Validate(transA, m, a, lda, b, c, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < b.N; j++)
            {
                float sum = 0;
                if (alpha != 0)
                    for (int p = 0; p < b.K; p++)
                        sum += (transA ? a[p * lda + i] : a[i * lda + p]) * b[p, j];
                Store(ref c[i * ldc + j], alpha * sum, beta);
            }
    }

    // beta == 0 overwrites without reading C, so NaN or garbage there does not leak (BLAS semantics).
    static void Store(ref float c, float scaledSum, float beta) => c = beta == 0 ? scaledSum : scaledSum + beta * c;
}
