using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

/// <summary>
/// The cell nonlinearities of one time step, fused into one pass over the gate buffer (exp from
/// <see cref="FastMath"/>; σ(x) = 1/(1 + e^−x); tanh x = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|)).
/// Each kernel is written once over <see cref="IGateVec{TVec}"/> and runs on <see cref="Vector512"/> where the CPU
/// has AVX-512 and on <see cref="Vector256"/> otherwise, or when <see cref="KernelOptions.Width"/> says so
/// (<c>RECUR_VECTOR=256</c>). Same signatures and equations as <see cref="GatesReference"/>, which handles the
/// tails and is the fallback when SIMD is off (<see cref="KernelOptions.UseSimd"/>) or unavailable.
/// </summary>
public static class Gates
{
    /// <summary>The width the gate kernels run at now: the GEMM's choice (see <see cref="KernelOptions.Width"/>).</summary>
    public static int VectorBits => Gemm.Path switch
    {
        Gemm.KernelPath.Vector512 => 512,
        Gemm.KernelPath.Vector256 => 256,
        _ => 0,
    };

    private static void Check(int have, int need, string what)
    {
        if (have < need) throw new ArgumentException($"{what} holds {have} values, the step needs {need}");
    }

    /// <summary>h = act(pre), in place.   pre: [bs·H]</summary>
    public static void RnnForward(Span<float> pre, bool relu)
    {
        switch (Gemm.Path)
        {
            case Gemm.KernelPath.Vector512: RnnForward<Vector512<float>, GateVec512>(pre, relu); break;
            case Gemm.KernelPath.Vector256: RnnForward<Vector256<float>, GateVec256>(pre, relu); break;
            default: GatesReference.RnnForward(pre, relu); break;
        }
    }

    private static void RnnForward<TVec, V>(Span<float> pre, bool relu) where TVec : unmanaged where V : IGateVec<TVec>
    {
        ref float p = ref MemoryMarshal.GetReference(pre);
        int j = 0;
        for (; j + V.Count <= pre.Length; j += V.Count)
        {
            var v = V.Load(ref p, (nuint)j);
            V.Store(relu ? V.Relu(v) : V.Tanh(v), ref p, (nuint)j);
        }
        GatesReference.RnnForward(pre[j..], relu);
    }

    /// <summary>dpre = dh · act'(pre), from h.   h, dh, dpre: [bs·H]</summary>
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dpre, bool relu)
    {
        var path = Gemm.Path;
        if (path == Gemm.KernelPath.Reference) { GatesReference.RnnBackward(h, dh, dpre, relu); return; }
        Check(dh.Length, h.Length, "dh");
        Check(dpre.Length, h.Length, "dpre");
        if (path == Gemm.KernelPath.Vector512) RnnBackward<Vector512<float>, GateVec512>(h, dh, dpre, relu);
        else RnnBackward<Vector256<float>, GateVec256>(h, dh, dpre, relu);
    }

    private static void RnnBackward<TVec, V>(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dpre, bool relu)
        where TVec : unmanaged where V : IGateVec<TVec>
    {
        ref float hr = ref MemoryMarshal.GetReference(h);
        ref float dr = ref MemoryMarshal.GetReference(dh);
        ref float pr = ref MemoryMarshal.GetReference(dpre);
        int j = 0;
        for (; j + V.Count <= h.Length; j += V.Count)
        {
            var hv = V.Load(ref hr, (nuint)j);
            var dv = V.Load(ref dr, (nuint)j);
            V.Store(relu ? V.WherePositive(hv, dv) : V.Mul(dv, V.Sub(V.One, V.Mul(hv, hv))), ref pr, (nuint)j);
        }
        GatesReference.RnnBackward(h[j..], dh[j..], dpre[j..], relu);
    }

    /// <summary>gates [bs, 4H] → (i, f, g, o) in place;  c = f·cPrev + i·g;  h = o·tanh(c).   cPrev, c, h: [bs, H]</summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int bs, int hidden)
    {
        var path = Gemm.Path;
        if (path == Gemm.KernelPath.Reference || hidden < 8) { GatesReference.LstmForward(gates, cPrev, c, h, bs, hidden); return; }
        Check(gates.Length, bs * 4 * hidden, "gates");
        Check(cPrev.Length, bs * hidden, "cPrev");
        Check(c.Length, bs * hidden, "c");
        Check(h.Length, bs * hidden, "h");
        int vec = path == Gemm.KernelPath.Vector512 && hidden >= 16
            ? LstmForward<Vector512<float>, GateVec512>(gates, cPrev, c, h, bs, hidden)
            : LstmForward<Vector256<float>, GateVec256>(gates, cPrev, c, h, bs, hidden);
        if (vec < hidden) GatesReference.LstmForward(gates, cPrev, c, h, bs, hidden, vec);
    }

    // Returns the first column left for the scalar tail.
    private static int LstmForward<TVec, V>(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int bs, int hidden)
        where TVec : unmanaged where V : IGateVec<TVec>
    {
        int vec = hidden / V.Count * V.Count;
        for (int b = 0; b < bs; b++)
        {
            ref float g = ref gates[b * 4 * hidden];
            ref float cp = ref Unsafe.AsRef(in cPrev[b * hidden]);
            ref float cn = ref c[b * hidden];
            ref float hn = ref h[b * hidden];
            // The activations first, each vector on its own (short chains the core overlaps freely), then the cell
            // update: 20 % faster than one loop doing both, where every vector's work was one long dependent chain.
            for (int k = 0; k < 4; k++)
            {
                int at = k * hidden;
                if (k == 2)
                    for (int j = 0; j < vec; j += V.Count) V.Store(V.Tanh(V.Load(ref g, (nuint)(at + j))), ref g, (nuint)(at + j));
                else
                    for (int j = 0; j < vec; j += V.Count) V.Store(V.Sigmoid(V.Load(ref g, (nuint)(at + j))), ref g, (nuint)(at + j));
            }
            for (int j = 0; j < vec; j += V.Count)
            {
                var i = V.Load(ref g, (nuint)j);
                var f = V.Load(ref g, (nuint)(hidden + j));
                var gg = V.Load(ref g, (nuint)(2 * hidden + j));
                var o = V.Load(ref g, (nuint)(3 * hidden + j));
                var cv = V.Add(V.Mul(f, V.Load(ref cp, (nuint)j)), V.Mul(i, gg));
                V.Store(cv, ref cn, (nuint)j);
                V.Store(V.Mul(o, V.Tanh(cv)), ref hn, (nuint)j);
            }
        }
        return vec;
    }

    /// <summary>See <see cref="GatesReference.LstmBackward"/> for the equations.   gates, dGates: [bs, 4H]; the rest [bs, H]</summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int bs, int hidden)
    {
        var path = Gemm.Path;
        if (path == Gemm.KernelPath.Reference || hidden < 8) { GatesReference.LstmBackward(gates, c, cPrev, dh, dc, dGates, bs, hidden); return; }
        Check(gates.Length, bs * 4 * hidden, "gates");
        Check(dGates.Length, bs * 4 * hidden, "dGates");
        Check(Math.Min(Math.Min(c.Length, cPrev.Length), Math.Min(dh.Length, dc.Length)), bs * hidden, "c, cPrev, dh or dc");
        int vec = path == Gemm.KernelPath.Vector512 && hidden >= 16
            ? LstmBackward<Vector512<float>, GateVec512>(gates, c, cPrev, dh, dc, dGates, bs, hidden)
            : LstmBackward<Vector256<float>, GateVec256>(gates, c, cPrev, dh, dc, dGates, bs, hidden);
        if (vec < hidden) GatesReference.LstmBackward(gates, c, cPrev, dh, dc, dGates, bs, hidden, vec);
    }

    private static int LstmBackward<TVec, V>(ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int bs, int hidden) where TVec : unmanaged where V : IGateVec<TVec>
    {
        int vec = hidden / V.Count * V.Count;
        var one = V.One;
        for (int b = 0; b < bs; b++)
        {
            ref float g = ref Unsafe.AsRef(in gates[b * 4 * hidden]);
            ref float dg = ref dGates[b * 4 * hidden];
            ref float cr = ref Unsafe.AsRef(in c[b * hidden]);
            ref float cpr = ref Unsafe.AsRef(in cPrev[b * hidden]);
            ref float dhr = ref Unsafe.AsRef(in dh[b * hidden]);
            ref float dcr = ref dc[b * hidden];
            for (int j = 0; j < vec; j += V.Count)
            {
                var i = V.Load(ref g, (nuint)j);
                var f = V.Load(ref g, (nuint)(hidden + j));
                var gg = V.Load(ref g, (nuint)(2 * hidden + j));
                var o = V.Load(ref g, (nuint)(3 * hidden + j));
                var tc = V.Tanh(V.Load(ref cr, (nuint)j));
                var d = V.Load(ref dhr, (nuint)j);
                var dct = V.Add(V.Load(ref dcr, (nuint)j), V.Mul(V.Mul(d, o), V.Sub(one, V.Mul(tc, tc))));
                V.Store(V.Mul(V.Mul(V.Mul(dct, gg), i), V.Sub(one, i)), ref dg, (nuint)j);
                V.Store(V.Mul(V.Mul(V.Mul(dct, V.Load(ref cpr, (nuint)j)), f), V.Sub(one, f)), ref dg, (nuint)(hidden + j));
                V.Store(V.Mul(V.Mul(dct, i), V.Sub(one, V.Mul(gg, gg))), ref dg, (nuint)(2 * hidden + j));
                V.Store(V.Mul(V.Mul(V.Mul(d, tc), o), V.Sub(one, o)), ref dg, (nuint)(3 * hidden + j));
                V.Store(V.Mul(dct, f), ref dcr, (nuint)j);
            }
        }
        return vec;
    }

    /// <summary>r, z, n and h for one step; see <see cref="GatesReference.GruForward"/>.   gx, gh: [bs, 3H]; the rest [bs, H]</summary>
    public static void GruForward(Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> ghn, int bs, int hidden)
    {
        var path = Gemm.Path;
        if (path == Gemm.KernelPath.Reference || hidden < 8) { GatesReference.GruForward(gx, gh, hPrev, h, ghn, bs, hidden); return; }
        Check(gx.Length, bs * 3 * hidden, "gx");
        Check(gh.Length, bs * 3 * hidden, "gh");
        Check(Math.Min(hPrev.Length, Math.Min(h.Length, ghn.Length)), bs * hidden, "hPrev, h or ghn");
        int vec = path == Gemm.KernelPath.Vector512 && hidden >= 16
            ? GruForward<Vector512<float>, GateVec512>(gx, gh, hPrev, h, ghn, bs, hidden)
            : GruForward<Vector256<float>, GateVec256>(gx, gh, hPrev, h, ghn, bs, hidden);
        if (vec < hidden) GatesReference.GruForward(gx, gh, hPrev, h, ghn, bs, hidden, vec);
    }

    private static int GruForward<TVec, V>(Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> ghn,
        int bs, int hidden) where TVec : unmanaged where V : IGateVec<TVec>
    {
        int vec = hidden / V.Count * V.Count;
        for (int b = 0; b < bs; b++)
        {
            ref float x3 = ref gx[b * 3 * hidden];
            ref float h3 = ref Unsafe.AsRef(in gh[b * 3 * hidden]);
            ref float hp = ref Unsafe.AsRef(in hPrev[b * hidden]);
            ref float hn = ref h[b * hidden];
            ref float gn = ref ghn[b * hidden];
            for (int j = 0; j < vec; j += V.Count)
            {
                var r = V.Sigmoid(V.Add(V.Load(ref x3, (nuint)j), V.Load(ref h3, (nuint)j)));
                var z = V.Sigmoid(V.Add(V.Load(ref x3, (nuint)(hidden + j)), V.Load(ref h3, (nuint)(hidden + j))));
                var hnv = V.Load(ref h3, (nuint)(2 * hidden + j));
                var n = V.Tanh(V.Add(V.Load(ref x3, (nuint)(2 * hidden + j)), V.Mul(r, hnv)));
                var hpv = V.Load(ref hp, (nuint)j); // read before h is written: h may be hPrev (streaming, in place)
                V.Store(r, ref x3, (nuint)j);
                V.Store(z, ref x3, (nuint)(hidden + j));
                V.Store(n, ref x3, (nuint)(2 * hidden + j));
                V.Store(hnv, ref gn, (nuint)j);
                V.Store(V.Add(V.Mul(V.Sub(V.One, z), n), V.Mul(z, hpv)), ref hn, (nuint)j);
            }
        }
        return vec;
    }

    /// <summary>See <see cref="GatesReference.GruBackward"/>.   act, dGx, dGh: [bs, 3H]; the rest [bs, H]</summary>
    public static void GruBackward(ReadOnlySpan<float> act, ReadOnlySpan<float> ghn, ReadOnlySpan<float> hPrev,
        Span<float> dh, Span<float> dGx, Span<float> dGh, int bs, int hidden)
    {
        var path = Gemm.Path;
        if (path == Gemm.KernelPath.Reference || hidden < 8) { GatesReference.GruBackward(act, ghn, hPrev, dh, dGx, dGh, bs, hidden); return; }
        Check(act.Length, bs * 3 * hidden, "act");
        Check(dGx.Length, bs * 3 * hidden, "dGx");
        Check(dGh.Length, bs * 3 * hidden, "dGh");
        Check(Math.Min(ghn.Length, Math.Min(hPrev.Length, dh.Length)), bs * hidden, "ghn, hPrev or dh");
        int vec = path == Gemm.KernelPath.Vector512 && hidden >= 16
            ? GruBackward<Vector512<float>, GateVec512>(act, ghn, hPrev, dh, dGx, dGh, bs, hidden)
            : GruBackward<Vector256<float>, GateVec256>(act, ghn, hPrev, dh, dGx, dGh, bs, hidden);
        if (vec < hidden) GatesReference.GruBackward(act, ghn, hPrev, dh, dGx, dGh, bs, hidden, vec);
    }

    private static int GruBackward<TVec, V>(ReadOnlySpan<float> act, ReadOnlySpan<float> ghn, ReadOnlySpan<float> hPrev,
        Span<float> dh, Span<float> dGx, Span<float> dGh, int bs, int hidden) where TVec : unmanaged where V : IGateVec<TVec>
    {
        int vec = hidden / V.Count * V.Count;
        var one = V.One;
        for (int b = 0; b < bs; b++)
        {
            ref float a3 = ref Unsafe.AsRef(in act[b * 3 * hidden]);
            ref float dx3 = ref dGx[b * 3 * hidden];
            ref float dh3 = ref dGh[b * 3 * hidden];
            ref float gn = ref Unsafe.AsRef(in ghn[b * hidden]);
            ref float hp = ref Unsafe.AsRef(in hPrev[b * hidden]);
            ref float dhr = ref dh[b * hidden];
            for (int j = 0; j < vec; j += V.Count)
            {
                var r = V.Load(ref a3, (nuint)j);
                var z = V.Load(ref a3, (nuint)(hidden + j));
                var n = V.Load(ref a3, (nuint)(2 * hidden + j));
                var d = V.Load(ref dhr, (nuint)j);
                var dan = V.Mul(V.Mul(d, V.Sub(one, z)), V.Sub(one, V.Mul(n, n)));
                var dar = V.Mul(V.Mul(V.Mul(dan, V.Load(ref gn, (nuint)j)), r), V.Sub(one, r));
                var daz = V.Mul(V.Mul(V.Mul(d, V.Sub(V.Load(ref hp, (nuint)j), n)), z), V.Sub(one, z));
                V.Store(dar, ref dx3, (nuint)j);
                V.Store(daz, ref dx3, (nuint)(hidden + j));
                V.Store(dan, ref dx3, (nuint)(2 * hidden + j));
                V.Store(dar, ref dh3, (nuint)j);
                V.Store(daz, ref dh3, (nuint)(hidden + j));
                V.Store(V.Mul(dan, r), ref dh3, (nuint)(2 * hidden + j));
                V.Store(V.Mul(d, z), ref dhr, (nuint)j);
            }
        }
        return vec;
    }
}
