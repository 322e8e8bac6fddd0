using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major, BLAS semantics: C = alpha · op(A) · op(B) + beta · C.
/// Large products run the GotoBLAS/BLIS algorithm (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix
/// Multiplication", 2008; Van Zee &amp; van de Geijn, "BLIS", 2015): op(A) and op(B) are packed into MR-row and
/// NR-column panels that fit the caches, and a register-tile micro-kernel (<see cref="GemmKernels.MicroKernel"/>)
/// does the flops. Small products skip packing; m == 1 and n == 1 run matrix–vector kernels.
/// Where things are: blocking parameters and path thresholds at the top of this class; the micro-kernel and the
/// matrix–vector kernels in GemmKernels.cs; packing and <see cref="PackedMatrix"/> in GemmPacking.cs; the worker
/// pool in GemmThreads.cs; the scalar twin in <see cref="GemmReference"/>.
/// </summary>
public static unsafe class Gemm
{
    // Cache blocking (BLIS loops 5, 4, 3), for Zen 3 (32 KiB L1d and 512 KiB L2 per core, 32 MiB L3):
    // a KC×NR micro-panel of B̃ (16 KiB) stays in L1, an MC×KC block of Ã (144 KiB) in L2, a KC×NC block of B̃ in L3.
    internal const int MC = 144, KC = 256, NC = 4096;

    // Which path a product takes. Measured on the 2-core Zen 3 VM this was written on (µs, best of many runs,
    // thread CPU time; the box is shared, so differences under ~10% are noise).
    /// <summary>Up to this many rows the micro-kernel reads op(A) in place; packing it made no measurable
    /// difference for m ≤ 192 here, and pays when rows are far apart (TLB, cache sets).</summary>
    internal static int DirectMaxM = 64;
    /// <summary>Up to this many rows a non-transposed B is read in place, skipping its packing: k = 128, n = 512 at
    /// m = 2: 10 µs against 19 µs, m = 16: 35 against 44; but k = 512, n = 2048 at m = 16: 696 against 652.</summary>
    internal static int DirectBMaxM = 16;
    /// <summary>Up to 32 outputs, or this many matrix elements, matrix–vector sums stay in registers; beyond, rows
    /// are streamed into an L1 accumulator (k = 256, n = 512: 9 µs against 24 µs).</summary>
    internal static int GemvNarrowMax = 8192;
    /// <summary>Products of less work than this (2·m·n·k flops, ×4 for matrix–vector, which does ~4× fewer flops
    /// per µs) run on one thread. Back to back, with the worker still spinning, two threads gain from about here:
    /// 72³ 18.5 → 13.4 µs, 1×128×1024 packed 7.9 → 4.9 µs; 8×128×256 and 64³ (0.5 M) lost up to 25%.</summary>
    internal static long ThreadMinFlops = 1_000_000;
    /// <summary>From this much work a product also wakes a sleeping worker. A lone call pays 15–25 µs for that:
    /// 128³ (4 M) went 137 → 156 µs, 64×512×2048 (134 M) 4.6 → 3.0 ms.</summary>
    internal static long ThreadWakeFlops = 8_000_000;

    /// <summary>
    /// Up to this many columns a product runs on <c>Vector256</c> even where <c>Vector512</c> is the path: a 16-wide
    /// panel is a whole <c>Vector256</c> tile, where the 32-wide AVX-512 tile would pack the columns into a padded panel
    /// and merge every tile back through scratch (hidden 16: the sine demo's and the tiny workloads' products). The
    /// arithmetic of each element is the same FMA chain either way, so results are bitwise equal (matrix–vector products,
    /// whose sums are split by vector width, keep Vector512 unless B is packed, whose per-element sums are the same). Env
    /// <c>RECUR_NARROW256=0</c> turns it off.
    /// </summary>
    internal static int NarrowMaxN = Environment.GetEnvironmentVariable("RECUR_NARROW256") == "0" ? 0 : 16;

    /// <summary>The panel width a packed B of <paramref name="n"/> columns gets on the current path (see <see cref="NarrowMaxN"/>).</summary>
    internal static int PackedNr(int n) => Path == KernelPath.Vector512 && n > NarrowMaxN ? 32 : 16;

    /// <summary>
    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C. op(A) is A (stored m×k, row stride lda) or, when
    /// <paramref name="transA"/>, Aᵀ (A stored k×m); the same for B. When beta == 0, C is not read (NaN there does
    /// not leak); when alpha == 0 or k == 0, A and B are not read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // no tier-0 start: steady speed from the first call
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0)
            return;
        KernelPath path = Path;
        if (path == KernelPath.Reference)
        {
            GemmReference.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                ScaleC(m, n, beta, pc, ldc);
                return;
            }
            var job = new GemmJob
            {
                M = m, N = n, K = k, Alpha = alpha, Beta = beta, TransA = transA, TransB = transB,
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc,
            };
            // Matrix–vector products (m or n = 1) keep their width: their sums are split into per-width chains.
            if (path == KernelPath.Vector512 && (n > NarrowMaxN || m == 1 || n == 1))
                Run<Vector512<float>, Simd512>(ref job);
            else
                Run<Vector256<float>, Simd256>(ref job);
        }
    }

    /// <summary>Packs op(B) [k×n] (B, or Bᵀ when <paramref name="transB"/>) for repeated use as a right-hand side.</summary>
    public static PackedMatrix PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        if (k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(k < 0 ? "k" : "n", $"Matrix sizes must be non-negative; got k = {k}, n = {n}.");
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, 'B', transB, "b", "ldb");
        var packed = new PackedMatrix(k, n, PackedNr(n));
        fixed (float* pb = b)
            GemmPacking.PackAll(packed, transB, pb, ldb);
        return packed;
    }

    /// <summary>Re-packs a new op(B) of the same size into <paramref name="dst"/>, in place, without allocating.</summary>
    public static void RepackB(PackedMatrix dst, bool transB, ReadOnlySpan<float> b, int ldb)
    {
        ArgumentNullException.ThrowIfNull(dst);
        CheckMatrix(b.Length, transB ? dst.N : dst.K, transB ? dst.K : dst.N, ldb, 'B', transB, "b", "ldb");
        fixed (float* pb = b)
            GemmPacking.PackAll(dst, transB, pb, ldb);
    }

    /// <summary>
    /// C[m×n] = alpha · op(A)[m×k] · B[k×n] + beta · C with B pre-packed by <see cref="PackB"/> (k = B.K, n = B.N).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda,
        PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        Validate(transA, m, a, lda, b, c, ldc);
        if (m == 0 || b.N == 0)
            return;
        if (Path == KernelPath.Reference)
        {
            GemmReference.Sgemm(transA, m, alpha, a, lda, b, beta, c, ldc);
            return;
        }
        fixed (float* pa = a, pc = c)
        {
            if (b.K == 0 || alpha == 0)
                ScaleC(m, b.N, beta, pc, ldc);
            else
                RunPacked(transA, m, alpha, pa, lda, b, beta, null, pc, ldc);
        }
        GC.KeepAlive(b); // b.Data points into b's pinned storage
    }

    /// <summary>
    /// C[m×n] = alpha · op(A)[m×k] · B[k×n] + <paramref name="rowBias"/>[n] in every row, B pre-packed — what filling
    /// each row of C with the bias and calling the overload above with beta = 1 gives, bit for bit, without writing the
    /// rows twice (an RNN's input projection: Gx = X·W_ihᵀ + b).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda,
        PackedMatrix b, ReadOnlySpan<float> rowBias, Span<float> c, int ldc)
    {
        Validate(transA, m, a, lda, b, c, ldc);
        if (rowBias.Length < b.N)
            throw new ArgumentException($"rowBias holds {rowBias.Length} values; the product has {b.N} columns", nameof(rowBias));
        if (m == 0 || b.N == 0)
            return;
        if (Path == KernelPath.Reference || b.K == 0 || alpha == 0)
        {
            for (int i = 0; i < m; i++) rowBias[..b.N].CopyTo(c.Slice(i * ldc, b.N));
            Sgemm(transA, m, alpha, a, lda, b, 1f, c, ldc);
            return;
        }
        fixed (float* pa = a, pc = c, pr = rowBias)
            RunPacked(transA, m, alpha, pa, lda, b, 1, pr, pc, ldc);
        GC.KeepAlive(b);
    }

    // Both packed overloads: C = alpha · op(A) · B̃ + beta · (rowBias in every row, or C when null), k > 0, alpha ≠ 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RunPacked(bool transA, int m, float alpha, float* a, int lda, PackedMatrix b, float beta, float* rowBias, float* c, int ldc)
    {
        var job = new GemmJob
        {
            M = m, N = b.N, K = b.K, Alpha = alpha, Beta = beta, TransA = transA,
            A = a, C = c, Lda = lda, Ldc = ldc, Packed = b.Data, Npad = b.Npad, RowBias = rowBias,
        };
        // The layout fixes the kernel: a matrix packed for Vector512 multiplies on Vector512.
        if (b.Nr == 32)
            Run<Vector512<float>, Simd512>(ref job);
        else
            Run<Vector256<float>, Simd256>(ref job);
    }

    internal enum KernelPath { Reference, Vector256, Vector512 }

    internal static KernelPath Path
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !KernelOptions.UseSimd ? KernelPath.Reference : KernelOptions.Width switch
        {
            VectorWidth.Vector256 => KernelPath.Vector256,
            VectorWidth.Vector512 => KernelPath.Vector512,
            _ => Vector512.IsHardwareAccelerated ? KernelPath.Vector512
                : Vector256.IsHardwareAccelerated && Fma.IsSupported ? KernelPath.Vector256
                : KernelPath.Reference,
        };
    }

    /// <summary>Picks the kernel for the job's shape and runs it, threaded if it is big enough to pay.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Run<TVec, TOps>(ref GemmJob job) where TVec : unmanaged where TOps : ISimd<TVec>
    {
        int nr = 2 * TOps.Count;
        bool rowStreaming = false, matrixVector = job.M == 1 || (job.N == 1 && job.Packed == null);
        if (matrixVector)
        {
            // Matrix–vector: split the output vector, in pieces of 64 so every piece starts on the same vector
            // blocking and results do not depend on the thread count.
            job.SplitRows = job.M != 1;
            job.Unit = 64;
            if (job.Packed != null)
                job.Body = &GemvPackedBody<TVec, TOps>;
            else if (rowStreaming = job.M == 1 ? !job.TransB : job.TransA)
                job.Body = &GemvAxpyBody<TVec, TOps>;
            else
            {
                // Dot-product form needs the vector contiguous: row of op(A) if m == 1, column of op(B) if n == 1.
                bool strided = job.M == 1 ? job.TransA : !job.TransB;
                nint inc = job.M == 1 ? job.Lda : job.Ldb;
                float* v = job.M == 1 ? job.A : job.B;
                job.X = strided ? Gather(v, inc, job.K) : v;
                job.Body = &GemvDotBody<TVec, TOps>;
            }
        }
        else
        {
            // One column panel reads op(A) exactly once: packing it would only add a pass (dX = dG·W_ih at n = 32:
            // 0.79 → 0.60 ms, dW_ih = dGᵀ·X 0.85 → 0.66 ms). With more panels the packed copy is reused and pays.
            job.PackA = job.M > DirectMaxM && job.N > nr;
            job.PackB = job.Packed == null && (job.TransB || job.M > DirectBMaxM);
            job.Body = &Blocked<TVec, TOps>;
            job.SplitRows = (job.M + GemmKernels.MR - 1) / GemmKernels.MR > (job.N + nr - 1) / nr;
            job.Unit = job.SplitRows ? GemmKernels.MR : nr;
        }
        // Matrix–vector products run ~4× fewer flops per µs (each B element is loaded for one FMA): weigh them so.
        long work = 2L * job.M * job.N * job.K * (matrixVector ? 4 : 1);
        int threads = work >= ThreadMinFlops ? KernelOptions.MaxThreads : 1;
        if (threads == 1)
        {
            job.Body(ref job, 0, job.M, 0, job.N);
            return;
        }
        // Several pieces per thread let a worker that starts late (its core busy elsewhere) still take a share, but
        // use one each where every piece would pack the same operand again (A for column pieces, B for row pieces)
        // or where narrow pieces would break the row streaming of the matrix–vector kernel.
        bool wide = (job.SplitRows ? job.PackB : job.PackA) || rowStreaming;
        int units = ((job.SplitRows ? job.M : job.N) + job.Unit - 1) / job.Unit;
        job.Pieces = Math.Min(units, wide ? threads : 4 * threads);
        GemmThreads.Run(ref job, threads, work >= ThreadWakeFlops);
    }

    static float* Gather(float* v, nint inc, int k)
    {
        float* x = GemmScratch.Current.X(k);
        for (int p = 0; p < k; p++)
            x[p] = v[p * inc];
        return x;
    }

    /// <summary>C[i0..i1, j0..j1] = alpha · op(A) · op(B) + beta · C: BLIS loops 5 (jc), 4 (pc) and 3 (ic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Blocked<TVec, TOps>(ref GemmJob job, int i0, int i1, int j0, int j1)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        const int MR = GemmKernels.MR;
        int nr = 2 * TOps.Count;
        GemmScratch s = GemmScratch.Current;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        nint aRs = job.TransA ? 1 : lda, aCs = job.TransA ? lda : 1; // op(A)(i, p) = A[i·aRs + p·aCs]
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < job.K; pc += KC)
            {
                int kc = Math.Min(KC, job.K - pc), ncMain = nc;
                float beta = pc == 0 ? job.Beta : 1; // later k-blocks accumulate onto the first
                float* b, tail = null;
                nint bRs = nr, bStep = kc;
                if (job.Packed != null)
                    b = job.Packed + (nint)pc * job.Npad + (nint)jc * kc;
                else if (job.PackB)
                {
                    b = s.B((nint)kc * ((nc + nr - 1) / nr * nr));
                    GemmPacking.PackB(job.TransB, job.TransB ? job.B + jc * ldb + pc : job.B + pc * ldb + jc, ldb, kc, nc, nr, b);
                }
                else
                {
                    // B read in place, row stride ldb; a last partial panel is packed so reads stay in bounds.
                    b = job.B + pc * ldb + jc;
                    (bRs, bStep) = (ldb, 1);
                    ncMain = nc - nc % nr;
                    if (ncMain < nc)
                        GemmPacking.PackB(false, b + ncMain, ldb, kc, nc - ncMain, nr, tail = s.B((nint)kc * nr));
                }
                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mc = Math.Min(MC, i1 - ic);
                    float* a = job.A + ic * aRs + pc * aCs;
                    nint rs = aRs, cs = aCs, aStep = aRs;
                    if (job.PackA)
                    {
                        float* packed = s.A((nint)(mc + MR - 1) / MR * MR * kc);
                        GemmPacking.PackA(job.TransA, a, lda, mc, kc, packed);
                        a = packed;
                        (rs, cs, aStep) = job.TransA ? (1, MR, kc) : (kc, 1, kc);
                    }
                    float* c = job.C + ic * ldc + jc;
                    // The first k-block adds the bias row (row stride 0) where there is one; later ones accumulate onto C.
                    bool bias = pc == 0 && job.RowBias != null;
                    float* src = bias ? job.RowBias + jc : c;
                    nint lds = bias ? 0 : ldc;
                    GemmKernels.Macro<TVec, TOps>(mc, ncMain, kc, a, rs, cs, aStep, b, bRs, bStep, c, ldc, src, lds, job.Alpha, beta, s.Tile);
                    if (tail != null)
                        GemmKernels.Macro<TVec, TOps>(mc, nc - ncMain, kc, a, rs, cs, aStep, tail, nr, kc, c + ncMain, ldc, src + ncMain, lds,
                            job.Alpha, beta, s.Tile);
                }
            }
        }
    }

    // m == 1: y = C row, outputs j0..j1; n == 1: y = C column, outputs i0..i1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GemvAxpyBody<TVec, TOps>(ref GemmJob job, int i0, int i1, int j0, int j1)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // m == 1: C[0, j] = Σp op(A)(0, p) · B[p, j];  n == 1 (transA): C[i, 0] = Σp op(B)(p, 0) · A[p, i]
        bool row = job.M == 1;
        int len = row ? j1 - j0 : i1 - i0;
        float* x = row ? job.A : job.B, mat = row ? job.B + j0 : job.A + i0, y = row ? job.C + j0 : job.C + i0 * job.Ldc;
        nint incx = row ? (job.TransA ? job.Lda : 1) : (job.TransB ? 1 : job.Ldb), ldm = row ? job.Ldb : job.Lda;
        nint incy = row ? 1 : job.Ldc;
        // Decided on the whole output, not this piece, so a thread split never changes the arithmetic.
        int outputs = row ? job.N : job.M;
        if (outputs <= 32 || (long)outputs * job.K <= GemvNarrowMax)
            GemmKernels.GemvAxpyNarrow<TVec, TOps>(len, job.K, job.Alpha, x, incx, mat, ldm, job.Beta, y, incy);
        else
            GemmKernels.GemvAxpy<TVec, TOps>(len, job.K, job.Alpha, x, incx, mat, ldm, job.Beta, y, incy,
                GemmScratch.Current.Y(len));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GemvDotBody<TVec, TOps>(ref GemmJob job, int i0, int i1, int j0, int j1)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        if (job.M == 1) // C[0, j] = B[j, :] · x   (transB)
            GemmKernels.GemvDot<TVec, TOps>(j1 - j0, job.K, job.Alpha, job.X, job.B + j0 * job.Ldb, job.Ldb,
                job.Beta, job.C + j0, 1);
        else // C[i, 0] = A[i, :] · x   (not transA)
            GemmKernels.GemvDot<TVec, TOps>(i1 - i0, job.K, job.Alpha, job.X, job.A + i0 * job.Lda, job.Lda,
                job.Beta, job.C + i0 * job.Ldc, job.Ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GemvPackedBody<TVec, TOps>(ref GemmJob job, int i0, int i1, int j0, int j1)
        where TVec : unmanaged where TOps : ISimd<TVec>
        => GemmKernels.GemvPacked<TVec, TOps>(j0, j1, job.K, job.Npad, job.Alpha, job.A, job.TransA ? job.Lda : 1,
            job.Packed, job.Beta, job.C, job.RowBias != null ? job.RowBias : job.C);

    // C = beta · C, for alpha == 0 or k == 0; beta == 0 clears without reading.
    static void ScaleC(int m, int n, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + i * ldc, n);
            if (beta == 0)
                row.Clear();
            else if (beta != 1)
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    // Argument checks. They throw from helpers so the success path builds no strings and allocates nothing.

    internal static void Validate(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if ((m | n | k) < 0)
            ThrowNegative(m < 0 ? "m" : n < 0 ? "n" : "k", m, n, k);
        CheckMatrix(a.Length, transA ? k : m, transA ? m : k, lda, 'A', transA, "a", "lda");
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, 'B', transB, "b", "ldb");
        CheckMatrix(c.Length, m, n, ldc, 'C', false, "c", "ldc");
    }

    internal static void Validate(bool transA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b,
        Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (m < 0)
            ThrowNegative("m", m, b.N, b.K);
        CheckMatrix(a.Length, transA ? b.K : m, transA ? m : b.K, lda, 'A', transA, "a", "lda");
        CheckMatrix(c.Length, m, b.N, ldc, 'C', false, "c", "ldc");
    }

    // A matrix stored rows×cols with row stride ld needs ld ≥ max(1, cols) and (rows − 1)·ld + cols floats.
    static void CheckMatrix(int length, int rows, int cols, int ld, char name, bool trans, string spanName, string ldName)
    {
        if (ld < Math.Max(1, cols))
            ThrowLd(name, trans, rows, cols, ld, ldName);
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < need)
            ThrowShort(name, trans, rows, cols, ld, ldName, need, length, spanName);
    }

    [DoesNotReturn]
    static void ThrowNegative(string param, int m, int n, int k) =>
        throw new ArgumentOutOfRangeException(param, $"Matrix sizes must be non-negative; got m = {m}, n = {n}, k = {k}.");

    [DoesNotReturn]
    static void ThrowLd(char name, bool trans, int rows, int cols, int ld, string ldName) =>
        throw new ArgumentException(
            $"{ldName} must be at least {Math.Max(1, cols)}, the row length of {Stored(name, trans, rows, cols)}; got {ldName} = {ld}.",
            ldName);

    [DoesNotReturn]
    static void ThrowShort(char name, bool trans, int rows, int cols, int ld, string ldName, long need, int length, string spanName) =>
        throw new ArgumentException(
            $"{spanName} is too short: {Stored(name, trans, rows, cols)} with {ldName} = {ld} needs {need} floats; got {length}.",
            spanName);

    static string Stored(char name, bool trans, int rows, int cols) =>
        $"{name} stored {rows}×{cols}" + (name == 'C' ? "" : $" (trans{name} = {(trans ? "true" : "false")})");
}
