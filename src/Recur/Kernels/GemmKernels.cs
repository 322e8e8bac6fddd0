using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

/// <summary>
/// The register-level compute of <see cref="Gemm"/>: the MR×NR micro-kernel, the macro-kernel that walks it over a
/// cache block, and the matrix–vector kernels for m == 1 and n == 1. Written once over <see cref="ISimd{TVec}"/>.
/// Everything here trusts its caller: pointers and sizes were validated in <see cref="Gemm"/>.
/// </summary>
[SkipLocalsInit] // edge-tile scratch on the stack needs no zeroing
internal static unsafe class GemmKernels
{
    /// <summary>Rows of the register tile. Columns NR = 2 vectors (16 floats on AVX2, 32 on AVX-512): 6×2 = 12
    /// accumulators + 2 B vectors + 1 broadcast fill 15 of AVX2's 16 registers (BLIS's Haswell/Zen sgemm shape).</summary>
    public const int MR = 6;

    /// <summary>Row count of a micro-kernel instance, a type so the JIT drops the unused rows' code.</summary>
    public interface IRows { static abstract int Count { get; } }
    public struct Rows2 : IRows { public static int Count => 2; }
    public struct Rows4 : IRows { public static int Count => 4; }
    public struct Rows6 : IRows { public static int Count => 6; }

    /// <summary>Lets a test or an ablation turn the 8- and 12-row AVX-512 tiles off (env <c>RECUR_TILE12=0</c>).</summary>
    internal static bool UseTile12 = Environment.GetEnvironmentVariable("RECUR_TILE12") != "0";

    public struct Rows8 : IRows { public static int Count => 8; }
    public struct Rows12 : IRows { public static int Count => 12; }

    /// <summary>
    /// The micro-kernel (BLIS loop 0): one TRows×NR tile of C held in registers while it runs down kc. The 6-row
    /// instance does the work on AVX2 (12 accumulators of its 16 registers); with AVX-512's 32 registers two 6-row
    /// panels run as one 8- or 12-row tile (16 or 24 accumulators per pair of B loads); 4- and 2-row instances finish
    /// a last partial panel (m = 8 costs 6 + 2 rows, not 12). Rows 0–5 are read at <paramref name="a0"/>, rows 6–11
    /// at <paramref name="a1"/> (the next panel); within a panel A(i, p) is at a[i·aRs + p·aCs] (packed Ã: aRs = 1,
    /// aCs = MR, or aRs = kc, aCs = 1); row p of B is NR contiguous floats at b + p·bRs. Rows past mr re-read row
    /// mr − 1 (so a direct, unpacked A is never read out of bounds) and are dropped; columns past nr come from
    /// padding and are dropped. Partial tiles go through <paramref name="tile"/> (12×NR floats).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MicroKernel<TVec, TOps, TRows>(int kc, float* a0, float* a1, nint aRs, nint aCs, float* b, nint bRs,
        float* c, nint ldc, float* s, nint lds, int mr, int nr, float alpha, float beta, float* tile)
        where TVec : unmanaged where TOps : ISimd<TVec> where TRows : IRows
    {
        // C: [mr, nr] = alpha · A: [mr, kc] · B: [kc, nr] + beta · S   (S = C, or a bias row repeated: lds = 0)
        nint w = TOps.Count, last0 = Math.Min(mr, MR) - 1, last1 = mr - MR - 1; // last row read in each panel
        nint o1 = aRs * Math.Min(1, last0), o2 = aRs * Math.Min(2, last0), o3 = aRs * Math.Min(3, last0),
             o4 = aRs * Math.Min(4, last0), o5 = aRs * Math.Min(5, last0);
        nint s1 = aRs * Math.Min(1, last1), s2 = aRs * Math.Min(2, last1), s3 = aRs * Math.Min(3, last1),
             s4 = aRs * Math.Min(4, last1), s5 = aRs * Math.Min(5, last1);
        if (Sse.IsSupported) // start fetching the C tile now; it is needed only after the loop (as BLIS does)
            for (int i = 0; i < mr; i++)
            {
                Sse.Prefetch0(c + i * ldc);
                Sse.Prefetch0(c + i * ldc + 2 * w - 1);
            }
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c20 = TOps.Zero, c21 = TOps.Zero,
             c30 = TOps.Zero, c31 = TOps.Zero, c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero,
             c60 = TOps.Zero, c61 = TOps.Zero, c70 = TOps.Zero, c71 = TOps.Zero, c80 = TOps.Zero, c81 = TOps.Zero,
             c90 = TOps.Zero, c91 = TOps.Zero, ca0 = TOps.Zero, ca1 = TOps.Zero, cb0 = TOps.Zero, cb1 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b), b1 = TOps.Load(b + w);
            TVec ai = TOps.Splat(a0[0]);
            c00 = TOps.Fma(ai, b0, c00); c01 = TOps.Fma(ai, b1, c01);
            ai = TOps.Splat(a0[o1]);
            c10 = TOps.Fma(ai, b0, c10); c11 = TOps.Fma(ai, b1, c11);
            if (TRows.Count > 2)
            {
                ai = TOps.Splat(a0[o2]);
                c20 = TOps.Fma(ai, b0, c20); c21 = TOps.Fma(ai, b1, c21);
                ai = TOps.Splat(a0[o3]);
                c30 = TOps.Fma(ai, b0, c30); c31 = TOps.Fma(ai, b1, c31);
            }
            if (TRows.Count > 4)
            {
                ai = TOps.Splat(a0[o4]);
                c40 = TOps.Fma(ai, b0, c40); c41 = TOps.Fma(ai, b1, c41);
                ai = TOps.Splat(a0[o5]);
                c50 = TOps.Fma(ai, b0, c50); c51 = TOps.Fma(ai, b1, c51);
            }
            if (TRows.Count > 6)
            {
                ai = TOps.Splat(a1[0]);
                c60 = TOps.Fma(ai, b0, c60); c61 = TOps.Fma(ai, b1, c61);
                ai = TOps.Splat(a1[s1]);
                c70 = TOps.Fma(ai, b0, c70); c71 = TOps.Fma(ai, b1, c71);
            }
            if (TRows.Count > 8)
            {
                ai = TOps.Splat(a1[s2]);
                c80 = TOps.Fma(ai, b0, c80); c81 = TOps.Fma(ai, b1, c81);
                ai = TOps.Splat(a1[s3]);
                c90 = TOps.Fma(ai, b0, c90); c91 = TOps.Fma(ai, b1, c91);
                ai = TOps.Splat(a1[s4]);
                ca0 = TOps.Fma(ai, b0, ca0); ca1 = TOps.Fma(ai, b1, ca1);
                ai = TOps.Splat(a1[s5]);
                cb0 = TOps.Fma(ai, b0, cb0); cb1 = TOps.Fma(ai, b1, cb1);
            }
            a0 += aCs;
            if (TRows.Count > 6) a1 += aCs;
            b += bRs;
        }

        // A tile of exactly this instance's rows and full width stores straight to C (m = 32 or 64 end on such
        // tiles); only ragged edges go through the scratch tile and the scalar merge.
        bool full = mr == TRows.Count && nr == 2 * w;
        float* d = full ? c : tile;
        nint ld = full ? ldc : 2 * w, ls = full ? lds : 0;
        float bd = full ? beta : 0;
        TVec va = TOps.Splat(alpha);
        StoreRow<TVec, TOps>(d, s, c00, c01, va, bd);
        StoreRow<TVec, TOps>(d + ld, s + ls, c10, c11, va, bd);
        if (TRows.Count > 2)
        {
            StoreRow<TVec, TOps>(d + 2 * ld, s + 2 * ls, c20, c21, va, bd);
            StoreRow<TVec, TOps>(d + 3 * ld, s + 3 * ls, c30, c31, va, bd);
        }
        if (TRows.Count > 4)
        {
            StoreRow<TVec, TOps>(d + 4 * ld, s + 4 * ls, c40, c41, va, bd);
            StoreRow<TVec, TOps>(d + 5 * ld, s + 5 * ls, c50, c51, va, bd);
        }
        if (TRows.Count > 6)
        {
            StoreRow<TVec, TOps>(d + 6 * ld, s + 6 * ls, c60, c61, va, bd);
            StoreRow<TVec, TOps>(d + 7 * ld, s + 7 * ls, c70, c71, va, bd);
        }
        if (TRows.Count > 8)
        {
            StoreRow<TVec, TOps>(d + 8 * ld, s + 8 * ls, c80, c81, va, bd);
            StoreRow<TVec, TOps>(d + 9 * ld, s + 9 * ls, c90, c91, va, bd);
            StoreRow<TVec, TOps>(d + 10 * ld, s + 10 * ls, ca0, ca1, va, bd);
            StoreRow<TVec, TOps>(d + 11 * ld, s + 11 * ls, cb0, cb1, va, bd);
        }
        if (!full)
            MergeTile(tile, (int)ld, c, ldc, s, lds, mr, nr, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<TVec, TOps>(float* c, float* s, TVec lo, TVec hi, TVec alpha, float beta)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // c[0..2w) = alpha · (lo, hi) + beta · s[0..2w)   (s is c itself, or a bias row)
        nint w = TOps.Count;
        if (beta == 0) // S is not read: NaN there must not leak
        {
            TOps.Store(c, TOps.Mul(alpha, lo));
            TOps.Store(c + w, TOps.Mul(alpha, hi));
        }
        else
        {
            TVec vb = TOps.Splat(beta);
            TOps.Store(c, TOps.Fma(vb, TOps.Load(s), TOps.Mul(alpha, lo)));
            TOps.Store(c + w, TOps.Fma(vb, TOps.Load(s + w), TOps.Mul(alpha, hi)));
        }
    }

    // C: [mr, nr] = T + beta · S, for the edge tiles the kernel computed into T (already scaled by alpha); S is C or a
    // bias row (lds = 0). Fused as in StoreRow, so an element rounds the same whether its tile was whole or ragged (and
    // whichever width made it).
    static void MergeTile(float* t, int ldt, float* c, nint ldc, float* s, nint lds, int mr, int nr, float beta)
    {
        if (beta == 0)
            for (int i = 0; i < mr; i++, t += ldt, c += ldc)
                new ReadOnlySpan<float>(t, nr).CopyTo(new Span<float>(c, nr));
        else
            for (int i = 0; i < mr; i++, t += ldt, c += ldc, s += lds)
                for (int j = 0; j < nr; j++)
                    c[j] = MathF.FusedMultiplyAdd(beta, s[j], t[j]);
    }

    /// <summary>
    /// The macro-kernel (BLIS loops 2 and 1): walks the micro-kernel over a cache block, B micro-panel outer so it
    /// stays in L1 while the A micro-panels stream from L2. Tile (ir, jr) reads A at a + ir·aStep and B at
    /// b + jr·bStep (packed panels: aStep = bStep = kc; direct operands: the row or column stride).
    /// </summary>
    public static void Macro<TVec, TOps>(int mc, int nc, int kc, float* a, nint aRs, nint aCs, nint aStep,
        float* b, nint bRs, nint bStep, float* c, nint ldc, float* s, nint lds, float alpha, float beta, float* tile)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // C: [mc, nc] = alpha · A: [mc, kc] · B: [kc, nc] + beta · S   (S = C, or a bias row repeated: lds = 0)
        int nr = 2 * TOps.Count;
        // With 32 vector registers (AVX-512) two 6-row panels run as one 12- or 8-row tile: 24 or 16 accumulators
        // per pair of B loads instead of 12 (Xeon, min of interleaved runs, tall on/off: 720×2048×256 162 / 160,
        // 64×2048×512 168 / 162, 32×512×128 180 / 172 GFLOP/s; m = 32 runs 12 + 12 + 8 rows instead of 6 + 6 + 6 + 6 +
        // 6 + 2).
        bool tall = TOps.Count == 16 && UseTile12;
        for (int jr = 0; jr < nc; jr += nr)
            for (int ir = 0; ir < mc; ir += MR)
            {
                float* ap = a + ir * aStep, bp = b + jr * bStep, cp = c + ir * ldc + jr, sp = s + ir * lds + jr;
                int mr = Math.Min(MR, mc - ir), ncol = Math.Min(nr, nc - jr), rest = mc - ir;
                if (tall && rest > MR)
                {
                    int rows = Math.Min(2 * MR, rest);
                    if (rows > 8)
                        MicroKernel<TVec, TOps, Rows12>(kc, ap, ap + MR * aStep, aRs, aCs, bp, bRs, cp, ldc, sp, lds, rows, ncol, alpha, beta, tile);
                    else
                        MicroKernel<TVec, TOps, Rows8>(kc, ap, ap + MR * aStep, aRs, aCs, bp, bRs, cp, ldc, sp, lds, rows, ncol, alpha, beta, tile);
                    ir += MR;
                }
                else if (mr > 4)
                    MicroKernel<TVec, TOps, Rows6>(kc, ap, ap, aRs, aCs, bp, bRs, cp, ldc, sp, lds, mr, ncol, alpha, beta, tile);
                else if (mr > 2)
                    MicroKernel<TVec, TOps, Rows4>(kc, ap, ap, aRs, aCs, bp, bRs, cp, ldc, sp, lds, mr, ncol, alpha, beta, tile);
                else
                    MicroKernel<TVec, TOps, Rows2>(kc, ap, ap, aRs, aCs, bp, bRs, cp, ldc, sp, lds, mr, ncol, alpha, beta, tile);
            }
    }

    /// <summary>
    /// Matrix–vector, row-streaming form: rows of M are read front to back, four at a time, and accumulated into
    /// <paramref name="acc"/> (len floats of scratch, L1-resident), so wide M streams at memory speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvAxpy<TVec, TOps>(int len, int k, float alpha, float* x, nint incx, float* mat, nint ldm,
        float beta, float* y, nint incy, float* acc)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // y: [len] = alpha · x: [k] · M: [k, len] + beta · y      x(p) at x[p·incx], y(j) at y[j·incy]
        int w = TOps.Count, lv = len - len % w, p = 0;
        new Span<float>(acc, len).Clear();
        for (; p + 4 <= k; p += 4)
        {
            float* m0 = mat + p * ldm, m1 = m0 + ldm, m2 = m1 + ldm, m3 = m2 + ldm;
            float f0 = x[p * incx], f1 = x[(p + 1) * incx], f2 = x[(p + 2) * incx], f3 = x[(p + 3) * incx];
            TVec x0 = TOps.Splat(f0), x1 = TOps.Splat(f1), x2 = TOps.Splat(f2), x3 = TOps.Splat(f3);
            int j = 0;
            for (; j < lv; j += w)
                TOps.Store(acc + j, TOps.Fma(x3, TOps.Load(m3 + j), TOps.Fma(x2, TOps.Load(m2 + j),
                    TOps.Fma(x1, TOps.Load(m1 + j), TOps.Fma(x0, TOps.Load(m0 + j), TOps.Load(acc + j))))));
            for (; j < len; j++)
                acc[j] = MathF.FusedMultiplyAdd(f3, m3[j], MathF.FusedMultiplyAdd(f2, m2[j],
                    MathF.FusedMultiplyAdd(f1, m1[j], MathF.FusedMultiplyAdd(f0, m0[j], acc[j]))));
        }
        for (; p < k; p++)
        {
            float* m0 = mat + p * ldm;
            float f0 = x[p * incx];
            int j = 0;
            for (; j < lv; j += w)
                TOps.Store(acc + j, TOps.Fma(TOps.Splat(f0), TOps.Load(m0 + j), TOps.Load(acc + j)));
            for (; j < len; j++)
                acc[j] = MathF.FusedMultiplyAdd(f0, m0[j], acc[j]);
        }
        int jj = 0;
        for (; jj < lv; jj += w)
            Put<TVec, TOps>(y + jj * incy, incy, TOps.Load(acc + jj), alpha, beta);
        for (; jj < len; jj++)
            PutScalar(y + jj * incy, acc[jj], alpha, beta);
    }

    /// <summary>Matrix–vector for narrow outputs (up to a few vectors): accumulators stay in registers for all of k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvAxpyNarrow<TVec, TOps>(int len, int k, float alpha, float* x, nint incx, float* mat, nint ldm,
        float beta, float* y, nint incy)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // y: [len] = alpha · x: [k] · M: [k, len] + beta · y      x(p) at x[p·incx], y(j) at y[j·incy]
        int w = TOps.Count, j = 0;
        for (; j + w <= len; j += w)
        {
            // Two vectors when they fit, each with two chains (even and odd p) to hide FMA latency.
            bool two = j + 2 * w <= len;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, t0 = TOps.Zero, t1 = TOps.Zero;
            float* mp = mat + j, xp = x;
            int p = 0;
            for (; p + 1 < k; p += 2, mp += 2 * ldm, xp += 2 * incx)
            {
                TVec x0 = TOps.Splat(xp[0]), x1 = TOps.Splat(xp[incx]);
                s0 = TOps.Fma(x0, TOps.Load(mp), s0);
                t0 = TOps.Fma(x1, TOps.Load(mp + ldm), t0);
                if (two)
                {
                    s1 = TOps.Fma(x0, TOps.Load(mp + w), s1);
                    t1 = TOps.Fma(x1, TOps.Load(mp + ldm + w), t1);
                }
            }
            if (p < k)
            {
                TVec x0 = TOps.Splat(xp[0]);
                s0 = TOps.Fma(x0, TOps.Load(mp), s0);
                if (two)
                    s1 = TOps.Fma(x0, TOps.Load(mp + w), s1);
            }
            Put<TVec, TOps>(y + j * incy, incy, TOps.Add(s0, t0), alpha, beta);
            if (two)
            {
                j += w;
                Put<TVec, TOps>(y + j * incy, incy, TOps.Add(s1, t1), alpha, beta);
            }
        }
        for (; j < len; j++)
        {
            float s = 0;
            for (int p = 0; p < k; p++)
                s += x[p * incx] * mat[p * ldm + j];
            PutScalar(y + j * incy, s, alpha, beta);
        }
    }

    /// <summary>Matrix–vector, dot-product form: each output is a dot product of a contiguous row of M with x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvDot<TVec, TOps>(int len, int k, float alpha, float* x, float* mat, nint ldm,
        float beta, float* y, nint incy)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // y: [len] = alpha · M: [len, k] · x: [k] + beta · y      x contiguous, y(j) at y[j·incy]
        int w = TOps.Count, kv = k - k % w, j = 0;
        for (; j + 4 <= len; j += 4)
        {
            float* m0 = mat + j * ldm, m1 = m0 + ldm, m2 = m1 + ldm, m3 = m2 + ldm;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            for (int p = 0; p < kv; p += w)
            {
                TVec xv = TOps.Load(x + p);
                s0 = TOps.Fma(TOps.Load(m0 + p), xv, s0);
                s1 = TOps.Fma(TOps.Load(m1 + p), xv, s1);
                s2 = TOps.Fma(TOps.Load(m2 + p), xv, s2);
                s3 = TOps.Fma(TOps.Load(m3 + p), xv, s3);
            }
            float t0 = TOps.Sum(s0), t1 = TOps.Sum(s1), t2 = TOps.Sum(s2), t3 = TOps.Sum(s3);
            for (int p = kv; p < k; p++)
            {
                t0 += m0[p] * x[p]; t1 += m1[p] * x[p]; t2 += m2[p] * x[p]; t3 += m3[p] * x[p];
            }
            PutScalar(y + j * incy, t0, alpha, beta);
            PutScalar(y + (j + 1) * incy, t1, alpha, beta);
            PutScalar(y + (j + 2) * incy, t2, alpha, beta);
            PutScalar(y + (j + 3) * incy, t3, alpha, beta);
        }
        for (; j < len; j++)
        {
            float* m0 = mat + j * ldm;
            TVec s0 = TOps.Zero;
            for (int p = 0; p < kv; p += w)
                s0 = TOps.Fma(TOps.Load(m0 + p), TOps.Load(x + p), s0);
            float t0 = TOps.Sum(s0);
            for (int p = kv; p < k; p++)
                t0 += m0[p] * x[p];
            PutScalar(y + j * incy, t0, alpha, beta);
        }
    }

    /// <summary>Matrix–vector against a <see cref="PackedMatrix"/>: streams each NR-wide panel once, top to bottom.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvPacked<TVec, TOps>(int j0, int j1, int k, int npad, float alpha, float* x, nint incx,
        float* packed, float beta, float* y, float* ys)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        // y[j0..j1]: = alpha · x: [k] · B̃: [k, j0..j1] + beta · ys      B̃ in PackedMatrix layout, j0 a panel start; ys = y or a bias row
        int w = TOps.Count, nr = 2 * w;
        float* tile = stackalloc float[2 * TOps.Count]; // for a last partial panel
        for (int j = j0; j < j1; j += nr)
        {
            // Two pairs of chains (even and odd p) keep four FMAs in flight.
            TVec s0 = TOps.Zero, s1 = TOps.Zero, t0 = TOps.Zero, t1 = TOps.Zero;
            for (int pc = 0; pc < k; pc += Gemm.KC)
            {
                int kc = Math.Min(Gemm.KC, k - pc), p = 0;
                float* bp = packed + (nint)pc * npad + (nint)j * kc, xp = x + pc * incx;
                for (; p + 1 < kc; p += 2, bp += 2 * nr, xp += 2 * incx)
                {
                    TVec x0 = TOps.Splat(xp[0]), x1 = TOps.Splat(xp[incx]);
                    s0 = TOps.Fma(x0, TOps.Load(bp), s0);
                    s1 = TOps.Fma(x0, TOps.Load(bp + w), s1);
                    t0 = TOps.Fma(x1, TOps.Load(bp + nr), t0);
                    t1 = TOps.Fma(x1, TOps.Load(bp + nr + w), t1);
                }
                if (p < kc)
                {
                    TVec x0 = TOps.Splat(xp[0]);
                    s0 = TOps.Fma(x0, TOps.Load(bp), s0);
                    s1 = TOps.Fma(x0, TOps.Load(bp + w), s1);
                }
            }
            TVec va = TOps.Splat(alpha);
            if (j + nr <= j1)
                StoreRow<TVec, TOps>(y + j, ys + j, TOps.Add(s0, t0), TOps.Add(s1, t1), va, beta);
            else
            {
                StoreRow<TVec, TOps>(tile, tile, TOps.Add(s0, t0), TOps.Add(s1, t1), va, 0);
                MergeTile(tile, nr, y + j, 0, ys + j, 0, 1, j1 - j, beta);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put<TVec, TOps>(float* y, nint incy, TVec s, float alpha, float beta)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        if (incy == 1)
        {
            s = TOps.Mul(TOps.Splat(alpha), s);
            TOps.Store(y, beta == 0 ? s : TOps.Fma(TOps.Splat(beta), TOps.Load(y), s));
            return;
        }
        PutStrided<TVec, TOps>(y, incy, s, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // stackalloc would block inlining of Put
    static void PutStrided<TVec, TOps>(float* y, nint incy, TVec s, float alpha, float beta)
        where TVec : unmanaged where TOps : ISimd<TVec>
    {
        float* t = stackalloc float[TOps.Count];
        TOps.Store(t, s);
        for (int i = 0; i < TOps.Count; i++)
            PutScalar(y + i * incy, t[i], alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PutScalar(float* y, float s, float alpha, float beta) => *y = beta == 0 ? alpha * s : alpha * s + beta * *y;
}
