using Recur.Kernels;
using Xunit.Abstractions;

namespace Recur.Tests.Kernels;

// The kernels' switches are process-wide: run alone so no other test class sees a forced path.
[CollectionDefinition(nameof(KernelSwitches), DisableParallelization = true)]
public sealed class KernelSwitches;

[Collection(nameof(KernelSwitches))]
public sealed class GemmTests(ITestOutputHelper output) : IDisposable
{
    double _worst; // largest |got − ref| / tol seen by this test, printed at the end
    int _compared;

    public void Dispose()
    {
        if (_compared > 0)
            output.WriteLine($"{_compared} products vs reference; worst |got − ref| / tol = {_worst:F4}");
    }

    static readonly int[] Sizes = [1, 2, 7, 8, 15, 16, 17, 31, 33, 64, 100, 129, 257];
    static readonly (float Alpha, float Beta)[] Scales =
        [(1, 0), (1, 1), (1, 0.3f), (0.5f, 0), (0.5f, 1), (0.5f, 0.3f), (-2, 0), (-2, 1), (-2, 0.3f)];
    const float Sentinel = 12345; // C outside the m×n window must keep it

    /// <summary>The one tolerance: |got − ref| ≤ 1e-5 · max(k, 1) · max|ref| (float sums in another order).</summary>
    void AssertClose(Problem p, float[] got, float[] want, string what)
    {
        float maxRef = 0;
        foreach (var (i, j) in p.Window())
            maxRef = Math.Max(maxRef, Math.Abs(want[p.COff + i * p.Ldc + j]));
        float tol = 1e-5f * Math.Max(p.K, 1) * maxRef, worst = -1;
        (int I, int J) at = default;
        foreach (var (i, j) in p.Window())
        {
            int x = p.COff + i * p.Ldc + j;
            float err = float.IsNaN(got[x]) ? float.PositiveInfinity : Math.Abs(got[x] - want[x]);
            if (err > worst)
                (worst, at) = (err, (i, j));
        }
        _compared++;
        _worst = Math.Max(_worst, tol > 0 ? worst / tol : worst > 0 ? double.PositiveInfinity : 0);
        Assert.True(worst <= tol, $"{what} {p}: |got − ref| = {worst:G4} > tol {tol:G4} at C[{at.I}, {at.J}] " +
            $"(got {got[p.COff + at.I * p.Ldc + at.J]}, ref {want[p.COff + at.I * p.Ldc + at.J]})");
        for (int x = 0; x < got.Length; x++)
            if (!p.InWindow(x))
                Assert.True(got[x] == Sentinel, $"{what} {p}: wrote C outside its window at flat index {x}");
    }

    /// <summary>One random product, stored inside larger buffers: offsets, leading dims past the widths, NaN in
    /// every unused float of A and B (a kernel that reads padding turns C into NaN), NaN in C when beta == 0.</summary>
    sealed record Problem(bool TransA, bool TransB, int M, int N, int K, float Alpha, float Beta, int Pad, int Offset)
    {
        public int Lda => (TransA ? M : K) + Pad;
        public int Ldb => (TransB ? K : N) + Pad;
        public int Ldc => N + Pad;
        public int COff => Offset + 1;
        public float[] A = [], B = [], C = [];

        public Problem Fill(int seed)
        {
            var rng = new Random(seed);
            A = Matrix(rng, TransA ? K : M, TransA ? M : K, Lda, float.NaN);
            B = Matrix(rng, TransB ? N : K, TransB ? K : N, Ldb, float.NaN);
            C = Matrix(rng, M, N, Ldc, Sentinel, COff);
            if (Beta == 0)
                foreach (var (i, j) in Window())
                    C[COff + i * Ldc + j] = float.NaN;
            return this;
        }

        float[] Matrix(Random rng, int rows, int cols, int ld, float padding, int off = -1)
        {
            off = off < 0 ? Offset : off;
            var x = new float[off + Math.Max(rows * ld, 1) + 3];
            Array.Fill(x, padding);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    x[off + r * ld + c] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }

        public IEnumerable<(int, int)> Window()
        {
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                    yield return (i, j);
        }

        public bool InWindow(int x) => x >= COff && (x - COff) / Ldc < M && (x - COff) % Ldc < N;

        public float[] RunFast()
        {
            var c = (float[])C.Clone();
            Gemm.Sgemm(TransA, TransB, M, N, K, Alpha, A.AsSpan(Offset), Lda, B.AsSpan(Offset), Ldb, Beta, c.AsSpan(COff), Ldc);
            return c;
        }

        public float[] RunPacked(PackedMatrix packed)
        {
            var c = (float[])C.Clone();
            Gemm.Sgemm(TransA, M, Alpha, A.AsSpan(Offset), Lda, packed, Beta, c.AsSpan(COff), Ldc);
            return c;
        }

        public PackedMatrix Pack() => Gemm.PackB(TransB, K, N, B.AsSpan(Offset), Ldb);

        public float[] RunReference()
        {
            var c = (float[])C.Clone();
            GemmReference.Sgemm(TransA, TransB, M, N, K, Alpha, A.AsSpan(Offset), Lda, B.AsSpan(Offset), Ldb, Beta, c.AsSpan(COff), Ldc);
            return c;
        }

        public override string ToString() =>
            $"[m={M} n={N} k={K} transA={TransA} transB={TransB} alpha={Alpha} beta={Beta} pad={Pad} offset={Offset}]";
    }

    /// <summary>Sets kernel switches for one test and restores them after.</summary>
    sealed class Switches : IDisposable
    {
        readonly bool _simd = KernelOptions.UseSimd;
        readonly int _threads = KernelOptions.MaxThreads;
        readonly VectorWidth _width = KernelOptions.Width;

        public Switches(bool simd = true, int threads = 1, VectorWidth width = VectorWidth.Auto)
        {
            KernelOptions.UseSimd = simd;
            KernelOptions.MaxThreads = threads;
            KernelOptions.Width = width;
        }

        public void Dispose()
        {
            KernelOptions.UseSimd = _simd;
            KernelOptions.MaxThreads = _threads;
            KernelOptions.Width = _width;
        }
    }

    void Check(Problem p, int seed, bool packed = false)
    {
        p.Fill(seed);
        float[] want = p.RunReference();
        AssertClose(p, p.RunFast(), want, "Sgemm");
        if (packed)
            AssertClose(p, p.RunPacked(p.Pack()), want, "Sgemm(PackedMatrix)");
    }

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory, MemberData(nameof(Transposes))]
    public void MatchesReference_AllSizePairs(bool transA, bool transB)
    {
        using var _ = new Switches();
        for (int i = 0; i < Sizes.Length; i++)
            for (int j = 0; j < Sizes.Length; j++)
            {
                var (alpha, beta) = Scales[(i + j) % Scales.Length];
                var p = new Problem(transA, transB, Sizes[i], Sizes[j], Sizes[(i + 2 * j) % Sizes.Length], alpha, beta,
                    Pad: i * j % 3, Offset: (i + j) % 4);
                Check(p, seed: 100 * i + j, packed: (i + j) % 3 == 0);
            }
    }

    [Theory, MemberData(nameof(Transposes))]
    public void MatchesReference_DegenerateSizes(bool transA, bool transB)
    {
        using var _ = new Switches();
        foreach (int m in new[] { 0, 1, 2 })
            foreach (int n in new[] { 0, 1, 2 })
                foreach (int k in new[] { 0, 1, 2 })
                    foreach (var (alpha, beta) in new[] { (1f, 0f), (0f, 0f), (0f, 0.3f), (-2f, 1f) })
                        Check(new Problem(transA, transB, m, n, k, alpha, beta, Pad: 1, Offset: 2), seed: m + 3 * n + 9 * k, packed: true);
    }

    [Theory, MemberData(nameof(Transposes))]
    public void MatchesReference_AcrossCacheBlocks(bool transA, bool transB)
    {
        // k > KC (several k-blocks), m > MC (several A blocks), n > NC (several B blocks).
        using var _ = new Switches();
        Check(new Problem(transA, transB, 300, 70, 520, 0.5f, 0.3f, Pad: 3, Offset: 1), seed: 1, packed: true);
        Check(new Problem(transA, transB, 150, Gemm.NC + 17, 9, 1, 0, Pad: 0, Offset: 0), seed: 2, packed: true);
        Check(new Problem(transA, transB, 13, 200, 300, -2, 1, Pad: 5, Offset: 3), seed: 3, packed: true);
    }

    [Fact]
    public void PackedMatrix_MatchesReference_AndRepackFollowsNewWeights()
    {
        using var _ = new Switches();
        int seed = 0;
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (var (m, k, n) in new[] { (1, 16, 16), (1, 256, 100), (2, 7, 33), (7, 300, 17), (64, 17, 1), (65, 64, 129), (200, 33, 40) })
                {
                    var p = new Problem(transA, transB, m, n, k, -2, 0.3f, Pad: 2, Offset: 1).Fill(++seed);
                    PackedMatrix packed = p.Pack();
                    Assert.Equal((k, n), (packed.K, packed.N));
                    AssertClose(p, p.RunPacked(packed), p.RunReference(), "Sgemm(PackedMatrix)");

                    // New weights, same shape: repack in place and the product follows them.
                    var q = p with { };
                    q.Fill(seed + 1000);
                    q.A = p.A;
                    Gemm.RepackB(packed, transB, q.B.AsSpan(q.Offset), q.Ldb);
                    AssertClose(q, q.RunPacked(packed), q.RunReference(), "Sgemm(PackedMatrix) after RepackB");
                }
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)] // software-emulated where the CPU lacks AVX-512: small sizes only
    public void ForcedVectorWidth_MatchesReference(VectorWidth width)
    {
        using var _ = new Switches(width: width);
        Assert.Equal(width == VectorWidth.Vector512 ? Gemm.KernelPath.Vector512 : Gemm.KernelPath.Vector256, Gemm.Path);
        int seed = 0;
        foreach (var (transA, transB) in new[] { (false, false), (false, true), (true, false), (true, true) })
            foreach (var (m, n, k) in new[] { (1, 40, 9), (1, 1, 17), (23, 1, 5), (5, 33, 7), (17, 65, 9), (70, 31, 12), (7, 40, Gemm.KC + 3) })
            {
                var (alpha, beta) = Scales[seed % Scales.Length];
                var p = new Problem(transA, transB, m, n, k, alpha, beta, Pad: seed % 3, Offset: seed % 2);
                Check(p, ++seed, packed: true);
            }
    }

    /// <summary>The 8- and 12-row AVX-512 tiles (and their clamped edge rows), on and off, against the reference:
    /// every row count 1–30 so each tile mix (12 + 12 + 6, 12 + 8, 7 …) and partial column panel appears.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TallTiles_MatchReference(bool tall)
    {
        using var _ = new Switches(width: VectorWidth.Vector512);
        bool was = GemmKernels.UseTile12;
        GemmKernels.UseTile12 = tall;
        try
        {
            int seed = 100;
            foreach (var (transA, transB) in new[] { (false, false), (true, true) })
                for (int m = 1; m <= 30; m++)
                    foreach (var (n, k) in new[] { (32, 7), (45, 19) })
                    {
                        var (alpha, beta) = Scales[seed % Scales.Length];
                        Check(new Problem(transA, transB, m, n, k, alpha, beta, Pad: seed % 3, Offset: seed % 2), ++seed, packed: true);
                    }
            // Packed A (m > DirectMaxM) with a last panel of 7–11 rows.
            foreach (int m in new[] { 71, 80, 90 })
                Check(new Problem(false, true, m, 40, 30, 1f, 0.5f, Pad: 1, Offset: 0), ++seed, packed: true);
        }
        finally { GemmKernels.UseTile12 = was; }
    }

    [Fact]
    public void NarrowProductsOnVector256_AreBitwiseTheVector512Results()
    {
        // Up to Gemm.NarrowMaxN columns the Vector512 path multiplies on Vector256 (whole 16-wide tiles instead of a padded
        // 32-wide one): every element is the same FMA chain, so the results must not move by a bit, packed or not.
        using var _ = new Switches(width: VectorWidth.Vector512);
        int was = Gemm.NarrowMaxN, seed = 300;
        try
        {
            foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
                foreach (int m in new[] { 1, 2, 7, 13, 50, 70 })
                    foreach (int n in new[] { 2, 5, 15, 16 })
                        foreach (int k in new[] { 1, 9, 300 })
                        {
                            var (alpha, beta) = Scales[seed % Scales.Length];
                            var p = new Problem(transA, transB, m, n, k, alpha, beta, Pad: seed % 3, Offset: seed % 2).Fill(++seed);
                            Gemm.NarrowMaxN = 0;
                            var packed512 = p.Pack();
                            float[] wide = p.RunFast(), widePacked = p.RunPacked(packed512);
                            Gemm.NarrowMaxN = 16;
                            var packed256 = p.Pack();
                            Assert.Equal(16, packed256.Nr);
                            Assert.Equal(32, packed512.Nr);
                            Assert.Equal(wide, p.RunFast());
                            Assert.Equal(widePacked, p.RunPacked(packed256));
                        }
        }
        finally { Gemm.NarrowMaxN = was; }
    }

    [Fact]
    public void RowBiasProduct_IsBitwiseFillingTheRowsThenBetaOne()
    {
        // The bias added in the epilogue (first k-block's source is the bias row, stride 0) must round exactly as the
        // bias written into C's rows and accumulated with beta = 1; C is not read (NaN there must not leak); padding
        // columns keep their value. Every width this machine has, the scalar reference, one and two threads.
        var widths = new List<(bool Simd, VectorWidth Width)> { (false, VectorWidth.Auto), (true, VectorWidth.Vector256) };
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) widths.Add((true, VectorWidth.Vector512));
        var rng = new Random(11);
        float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1); return a; }
        long wake = Gemm.ThreadWakeFlops;
        Gemm.ThreadWakeFlops = 0;
        try
        {
            foreach (var (simd, width) in widths)
                foreach (int threads in new[] { 1, 2 })
                {
                    using var _ = new Switches(simd, threads, width);
                    foreach (bool transA in new[] { false, true })
                        foreach (int m in new[] { 1, 2, 7, 13, 32, 50, 150 })
                            foreach (int n in new[] { 5, 16, 33, 100 })
                                foreach (int k in new[] { 1, 9, 300 })
                                {
                                    float alpha = m % 2 == 0 ? 1f : -0.5f;
                                    int lda = (transA ? m : k) + 1, ldc = n + 3;
                                    var a = R((transA ? k : m) * lda);
                                    var packed = Gemm.PackB(false, k, n, R(k * n), n);
                                    var bias = R(n);
                                    var want = new float[m * ldc];
                                    Array.Fill(want, Sentinel);
                                    for (int i = 0; i < m; i++) bias.CopyTo(want, i * ldc);
                                    Gemm.Sgemm(transA, m, alpha, a, lda, packed, 1f, want, ldc);
                                    var got = new float[m * ldc];
                                    Array.Fill(got, Sentinel);
                                    for (int i = 0; i < m; i++) got.AsSpan(i * ldc, n).Fill(float.NaN);
                                    Gemm.Sgemm(transA, m, alpha, a, lda, packed, bias, got, ldc);
                                    Assert.True(want.Select(BitConverter.SingleToInt32Bits).SequenceEqual(got.Select(BitConverter.SingleToInt32Bits)),
                                        $"simd {simd} {width}, {threads} thread(s), transA {transA}, m {m} n {n} k {k}");
                                }
                }
            Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, 2, 1f, new float[6], 3, Gemm.PackB(false, 3, 4, new float[12], 4),
                new float[3], new float[8], 4));
        }
        finally { Gemm.ThreadWakeFlops = wake; }
    }

    [Fact]
    public void Threaded_IsBitwiseEqualToSingleThreaded()
    {
        long wake = Gemm.ThreadWakeFlops;
        Gemm.ThreadWakeFlops = 0; // wake sleeping workers for every threaded product, so they take pieces
        try { ThreadedShapes(); }
        finally { Gemm.ThreadWakeFlops = wake; }
    }

    static void ThreadedShapes()
    {
        int seed = 0;
        foreach (var (transA, transB, m, n, k) in new[]
        {
            (false, false, 200, 300, 100), (true, true, 300, 64, 150), (false, true, 40, 1000, 200), (true, false, 500, 33, 300),
            (false, false, 1, 20000, 200), (false, true, 1, 20000, 200), (false, false, 20000, 1, 200), (true, false, 20000, 1, 200),
        })
        {
            var p = new Problem(transA, transB, m, n, k, 0.5f, 0.3f, Pad: 1, Offset: 1).Fill(++seed);
            Assert.True(2.0 * m * n * k >= Gemm.ThreadMinFlops, "shape too small to thread");
            PackedMatrix packed = p.Pack();
            float[] one, oneP;
            using (new Switches(threads: 1))
                (one, oneP) = (p.RunFast(), p.RunPacked(packed));
            foreach (int threads in new[] { 2, 3 })
                using (new Switches(threads: threads))
                {
                    Assert.True(one.AsSpan().SequenceEqual(p.RunFast()), $"Sgemm {p} on {threads} threads");
                    Assert.True(oneP.AsSpan().SequenceEqual(p.RunPacked(packed)), $"Sgemm(PackedMatrix) {p} on {threads} threads");
                }
        }
    }

    [Fact]
    public void UseSimdOff_RunsTheReference()
    {
        var p = new Problem(false, true, 33, 17, 65, 0.5f, 0.3f, Pad: 1, Offset: 1).Fill(7);
        using var _ = new Switches(simd: false);
        Assert.Equal(Gemm.KernelPath.Reference, Gemm.Path);
        Assert.Equal(p.RunReference(), p.RunFast());
        Assert.Equal(p.RunReference(), p.RunPacked(p.Pack()));
    }

    [Fact]
    public void InvalidArguments_ThrowWithTheValues()
    {
        float[] a = new float[12], b = new float[12], c = new float[12];
        void Throws(string param, string fragment, Action call)
        {
            var e = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(param, e.ParamName);
            Assert.Contains(fragment, e.Message);
        }
        Throws("m", "got m = -1, n = 2, k = 3", () => Gemm.Sgemm(false, false, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2));
        Throws("k", "k = -3", () => Gemm.Sgemm(false, false, 1, 2, -3, 1, a, 3, b, 2, 0, c, 2));
        Throws("lda", "lda must be at least 3, the row length of A stored 2×3 (transA = false); got lda = 2",
            () => Gemm.Sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2));
        Throws("ldb", "ldb must be at least 3, the row length of B stored 4×3 (transB = true); got ldb = 1",
            () => Gemm.Sgemm(false, true, 2, 4, 3, 1, a, 3, b, 1, 0, c, 4));
        Throws("ldc", "ldc must be at least 4", () => Gemm.Sgemm(false, false, 2, 4, 3, 1, a, 3, b, 4, 0, c, 3));
        Throws("a", "a is too short: A stored 5×3 (transA = true) with lda = 3 needs 15 floats; got 12",
            () => Gemm.Sgemm(true, false, 3, 2, 5, 1, a, 3, b, 2, 0, c, 2));
        Throws("c", "c is too short: C stored 3×4 with ldc = 5 needs 14 floats; got 12",
            () => Gemm.Sgemm(false, false, 3, 4, 2, 1, a, 2, b, 4, 0, c, 5));
        Throws("b", "needs 20 floats; got 12", () => Gemm.PackB(false, 5, 4, b, 4));
        Throws("n", "got k = 5, n = -4", () => Gemm.PackB(false, 5, -4, b, 4));
        var packed = Gemm.PackB(false, 3, 4, b, 4);
        Throws("b", "B stored 3×4 (transB = false) with ldb = 4 needs 12 floats; got 11", () => Gemm.RepackB(packed, false, b.AsSpan(0, 11), 4));
        Throws("a", "A stored 2×3 (transA = false) with lda = 3 needs 6 floats; got 5",
            () => Gemm.Sgemm(false, 2, 1, a.AsSpan(0, 5), 3, packed, 0, c, 4));
        Assert.Throws<ArgumentNullException>(() => Gemm.Sgemm(false, 2, 1, a, 3, null!, 0, c, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 0);
    }

    [Fact]
    public void RepeatedCalls_DoNotAllocate()
    {
        var shapes = new[] { (1, 16, 16), (1, 256, 1024), (32, 128, 512), (64, 100, 300), (300, 300, 300) };
        // The runtime allocates once per thread on that thread's first blocking wait (about 2–8 KB); take it here,
        // since whether a warm-up call blocks depends on how fast the worker finished.
        new SemaphoreSlim(0).Wait(1);
        foreach (int threads in new[] { 1, 2 })
            using (new Switches(threads: threads))
                foreach (var (m, k, n) in shapes)
                    foreach (bool transB in new[] { false, true })
                    {
                        var p = new Problem(false, transB, m, n, k, 1, 0.5f, Pad: 0, Offset: 0).Fill(m + n);
                        PackedMatrix packed = p.Pack();
                        float[] c = (float[])p.C.Clone();
                        void Both()
                        {
                            Gemm.Sgemm(false, transB, m, n, k, 1, p.A, p.Lda, p.B, p.Ldb, 0.5f, c.AsSpan(p.COff), p.Ldc);
                            Gemm.Sgemm(false, m, 1, p.A, p.Lda, packed, 0.5f, c.AsSpan(p.COff), p.Ldc);
                            Gemm.RepackB(packed, transB, p.B, p.Ldb);
                        }
                        Both(); // first call at this size may grow the scratch and start workers
                        // The least of three rounds: a one-off runtime allocation (a worker's first blocking wait while
                        // other tests load the cores) can only add bytes; a per-call allocation shows in every round.
                        long least = long.MaxValue;
                        for (int round = 0; round < 3 && least > 0; round++)
                        {
                            long before = GC.GetAllocatedBytesForCurrentThread();
                            for (int r = 0; r < 10; r++)
                                Both();
                            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                        }
                        Assert.True(least == 0, $"m={m} k={k} n={n} transB={transB} threads={threads} allocated {least} bytes");
                    }
    }
}
