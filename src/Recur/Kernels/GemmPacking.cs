using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

/// <summary>
/// op(B) [K × N] packed once into the panel layout of <see cref="Gemm"/>'s kernels, for a right-hand side reused
/// many times (an RNN multiplies the same Wᵀ at every time step). Build with <see cref="Gemm.PackB"/>, refresh
/// in place with <see cref="Gemm.RepackB"/> when the weight changes, multiply with
/// <see cref="Gemm.Sgemm(bool, int, float, ReadOnlySpan{float}, int, PackedMatrix, float, Span{float}, int)"/>.
/// The layout fits the vector width chosen when it was packed, and the matrix always multiplies with that kernel.
/// </summary>
public sealed unsafe class PackedMatrix
{
    /// <summary>Rows of op(B): the inner dimension of the product.</summary>
    public int K { get; }
    /// <summary>Columns of op(B): the columns of C.</summary>
    public int N { get; }

    /// <summary>Panel width NR (16 for Vector256 kernels, 32 for Vector512).</summary>
    internal int Nr { get; }
    /// <summary>N rounded up to whole panels: the floats one row of B occupies.</summary>
    internal int Npad { get; }
    /// <summary>Layout: for each KC block of rows pc, for each panel of NR columns, kc rows of NR floats:
    /// element (p, j) of block pc lives at pc·Npad + (j − j mod NR)·kc + (p − pc)·NR + j mod NR.</summary>
    internal float* Data { get; }

    readonly float[] _storage; // pinned (POH), so Data stays valid; 64-byte aligned start

    internal PackedMatrix(int k, int n, int nr)
    {
        K = k;
        N = n;
        Nr = nr;
        Npad = (n + nr - 1) / nr * nr;
        _storage = GC.AllocateUninitializedArray<float>(checked(K * Npad + 16), pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        Data = (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>Element (p, j) of op(B), for the reference kernel and tests.</summary>
    internal float this[int p, int j]
    {
        get
        {
            int pc = p / Gemm.KC * Gemm.KC, kc = Math.Min(Gemm.KC, K - pc);
            return Data[(nint)pc * Npad + (nint)(j - j % Nr) * kc + (p - pc) * Nr + j % Nr];
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"PackedMatrix(K={K}, N={N}, NR={Nr})";
}

/// <summary>Packing of op(A) and op(B) blocks into the contiguous panels the micro-kernel streams (GotoBLAS/BLIS).</summary>
internal static unsafe class GemmPacking
{
    const int MR = GemmKernels.MR;

    /// <summary>
    /// Ã ← op(A) block [mc, kc] at a, in panels of MR rows (panel stride MR·kc). Not transposed: each row is copied
    /// whole (A(i, p) at i·kc + p within the block). Transposed: MR contiguous floats per p (A(i, p) at p·MR + i
    /// within a panel). Either way the micro-kernel reads its broadcasts from one compact, cache-resident panel.
    /// Rows of a partial last panel are not padded: the kernel never reads past row mr − 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, nint lda, int mc, int kc, float* dst)
    {
        if (!transA)
        {
            for (int i = 0; i < mc; i++)
                new ReadOnlySpan<float>(a + i * lda, kc).CopyTo(new Span<float>(dst + i * kc, kc));
            return;
        }
        // Transposed: row p of the stored A holds op(A)(·, p); stream it once, scattering MR-float runs to the
        // panels (0.5 ms per 1024² here, against 0.7 ms walking one panel at a time down the rows).
        int full = mc - mc % MR;
        for (int p = 0; p < kc; p++)
        {
            float* src = a + p * lda, d = dst + p * MR;
            for (int i = 0; i < full; i += MR, d += MR * kc)
            {
                Vector128.Store(Vector128.Load(src + i), d);
                *(long*)(d + 4) = *(long*)(src + i + 4); // floats 4 and 5 as one 8-byte move
            }
            for (int i = full; i < mc; i++)
                d[i - full] = src[i];
        }
    }

    /// <summary>B̃: [⌈nc/nr⌉ panels][kc][nr] ← op(B) block [kc, nc] at b, zero-padded to whole panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, nint ldb, int kc, int nc, int nr, float* dst)
    {
        int full = nc - nc % nr;
        if (!transB) // B(p, j) = b[p·ldb + j]: stream each B row once, scattering nr-float runs to the panels
            for (int p = 0; p < kc; p++)
            {
                float* src = b + p * ldb, d = dst + p * nr;
                for (int j = 0; j < full; j += nr, d += nr * kc)
                    for (int c = 0; c < nr; c += 8)
                        Vector256.Store(Vector256.Load(src + j + c), d + c);
                if (full < nc)
                    for (int c = 0; c < nr; c++) d[c] = full + c < nc ? src[full + c] : 0;
            }
        else // B(p, j) = b[j·ldb + p]: each B row becomes a panel column; 8×8 register transposes where AVX allows
            for (int j = 0; j < nc; j += nr, dst += nr * kc)
            {
                int p = 0;
                if (Avx.IsSupported && j < full)
                    for (; p + 8 <= kc; p += 8)
                        for (int c = 0; c < nr; c += 8)
                            Transpose8x8(b + (j + c) * ldb + p, ldb, dst + p * nr + c, nr);
                for (int c = 0; c < nr; c++)
                {
                    float* src = b + (j + c) * ldb;
                    for (int q = p; q < kc; q++)
                        dst[q * nr + c] = j + c < nc ? src[q] : 0;
                }
            }
    }

    // dst[q·ldd + r] = src[r·lds + q] for an 8×8 block (the usual unpack / shuffle / permute AVX transpose).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds),
            r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds),
            r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds),
            r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3),
            t3 = Avx.UnpackHigh(r2, r3), t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5),
            t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44),
            u3 = Avx.Shuffle(t1, t3, 0xEE), u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE),
            u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Packs all of op(B) [k, n] into <paramref name="dst"/>'s layout, KC rows at a time.</summary>
    public static void PackAll(PackedMatrix dst, bool transB, float* b, nint ldb)
    {
        for (int pc = 0; pc < dst.K; pc += Gemm.KC)
        {
            int kc = Math.Min(Gemm.KC, dst.K - pc);
            PackB(transB, transB ? b + pc : b + pc * ldb, ldb, kc, dst.N, dst.Nr, dst.Data + (nint)pc * dst.Npad);
        }
    }
}

/// <summary>
/// Per-thread packing buffers: they grow to the largest block a thread has packed and are then reused, so calls
/// after the first at a given size allocate nothing. Native, 64-byte aligned; freed when the thread's instance dies.
/// </summary>
internal sealed unsafe class GemmScratch
{
    [ThreadStatic] static GemmScratch? t_current;

    public static GemmScratch Current => t_current ??= new GemmScratch();

    float* _a, _b, _x, _y;
    nint _aLen, _bLen, _xLen, _yLen;

    /// <summary>One register tile of up to 2·MR×32, for partial edge tiles.</summary>
    public readonly float* Tile = (float*)NativeMemory.AlignedAlloc(2 * GemmKernels.MR * 32 * sizeof(float), 64);

    public float* A(nint len) => len <= _aLen ? _a : Grow(ref _a, ref _aLen, len);
    public float* B(nint len) => len <= _bLen ? _b : Grow(ref _b, ref _bLen, len);
    public float* X(nint len) => len <= _xLen ? _x : Grow(ref _x, ref _xLen, len);
    public float* Y(nint len) => len <= _yLen ? _y : Grow(ref _y, ref _yLen, len);

    static float* Grow(ref float* p, ref nint len, nint need)
    {
        NativeMemory.AlignedFree(p);
        p = null;
        len = 0;
        p = (float*)NativeMemory.AlignedAlloc((nuint)need * sizeof(float), 64);
        len = need;
        return p;
    }

    ~GemmScratch()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_x);
        NativeMemory.AlignedFree(_y);
        NativeMemory.AlignedFree(Tile);
    }
}
