namespace Recur.Kernels;

// TEMPORARY stand-in with the agreed API; replaced by the packed SIMD kernels from the gemm branch.
public sealed class PackedMatrix
{
    public int K { get; }
    public int N { get; }
    internal readonly float[] Data; // op(B) as K×N row-major
    internal PackedMatrix(int k, int n) { K = k; N = n; Data = new float[k * n]; }
}

public static class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => GemmReference.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    public static PackedMatrix PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        var p = new PackedMatrix(k, n);
        RepackB(p, transB, b, ldb);
        return p;
    }

    public static void RepackB(PackedMatrix dst, bool transB, ReadOnlySpan<float> b, int ldb)
    {
        for (int kk = 0; kk < dst.K; kk++)
            for (int j = 0; j < dst.N; j++)
                dst.Data[kk * dst.N + j] = transB ? b[j * ldb + kk] : b[kk * ldb + j];
    }

    public static void Sgemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc)
        => GemmReference.Sgemm(transA, false, m, b.N, b.K, alpha, a, lda, b.Data, b.N, beta, c, ldc);
}

public static class GemmReference
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var crow = c.Slice(i * ldc, n);
            if (beta == 0) crow.Clear();
            else if (beta != 1) for (int j = 0; j < n; j++) crow[j] *= beta;
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (av == 0) continue;
                if (!transB)
                {
                    var brow = b.Slice(p * ldb, n);
                    for (int j = 0; j < n; j++) crow[j] += av * brow[j];
                }
                else
                    for (int j = 0; j < n; j++) crow[j] += av * b[j * ldb + p];
            }
        }
    }
}
