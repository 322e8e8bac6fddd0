using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>
/// Packed weight matrices reused across calls on one thread. A fresh <see cref="Gemm.PackB"/> allocates pinned
/// memory (≈ 3 µs for a 16×64 matrix here), <see cref="Gemm.RepackB"/> into a kept one ≈ 0.2 µs — it matters for
/// short sequences. Every call repacks, so a weight changed in any way is always seen; nothing is shared across threads.
/// </summary>
internal static class PackCache
{
    private const int MaxKept = 8;
    private const long MaxFloats = 4L << 20; // larger matrices pack for a long time anyway: not worth holding

    [ThreadStatic] private static List<PackedMatrix>? _free;

    /// <summary>op(B) packed: B, or Bᵀ when <paramref name="transB"/>, as a k×n right-hand side.</summary>
    public static PackedMatrix Pack(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        var free = _free;
        int nr = Gemm.PackedNr(n);
        if (free != null)
            for (int i = free.Count - 1; i >= 0; i--)
            {
                var p = free[i];
                if (p.K != k || p.N != n || p.Nr != nr) continue;
                free.RemoveAt(i);
                Gemm.RepackB(p, transB, b, ldb);
                return p;
            }
        return Gemm.PackB(transB, k, n, b, ldb);
    }

    /// <summary>Keeps <paramref name="p"/> for a later <see cref="Pack"/> of the same shape on this thread.</summary>
    public static void Return(PackedMatrix? p)
    {
        if (p is null || (long)p.K * p.N > MaxFloats) return;
        var free = _free ??= new List<PackedMatrix>(MaxKept);
        if (free.Count == MaxKept) free.RemoveAt(0);
        free.Add(p);
    }
}
