using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

/// <summary>
/// The cell nonlinearities of one time step, fused into one pass over the gate buffer with
/// <see cref="Vector256"/> (exp from <see cref="FastMath.Exp"/>; σ(x) = 1/(1 + e^−x); tanh x = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|)).
/// Same signatures and equations as <see cref="GatesReference"/>, which handles the tails and is the fallback
/// when SIMD is off (<see cref="KernelOptions.UseSimd"/>) or unavailable.
/// </summary>
public static class Gates
{
    private static bool Simd => KernelOptions.UseSimd && Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + FastMath.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = FastMath.Exp(Vector256.Abs(x) * -2f);
        return Vector256.CopySign((Vector256<float>.One - e) / (Vector256<float>.One + e), x);
    }

    private static void Check(int have, int need, string what)
    {
        if (have < need) throw new ArgumentException($"{what} holds {have} values, the step needs {need}");
    }

    // h = act(pre), in place
    /// <summary>h = tanh(pre) or relu(pre), in place.</summary>
    public static void RnnForward(Span<float> pre, bool relu)
    {
        if (!Simd) { GatesReference.RnnForward(pre, relu); return; }
        ref float p = ref MemoryMarshal.GetReference(pre);
        int j = 0;
        for (; j + 8 <= pre.Length; j += 8)
        {
            var v = Vector256.LoadUnsafe(ref p, (nuint)j);
            (relu ? Vector256.MaxNative(Vector256<float>.Zero, v) : Tanh(v)).StoreUnsafe(ref p, (nuint)j);
        }
        GatesReference.RnnForward(pre[j..], relu);
    }

    // dpre = dh · act'(pre), from h
    /// <summary>dpre = dh · act′(pre), computed from the output h.</summary>
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dpre, bool relu)
    {
        if (!Simd) { GatesReference.RnnBackward(h, dh, dpre, relu); return; }
        Check(dh.Length, h.Length, "dh");
        Check(dpre.Length, h.Length, "dpre");
        ref float hr = ref MemoryMarshal.GetReference(h);
        ref float dr = ref MemoryMarshal.GetReference(dh);
        ref float pr = ref MemoryMarshal.GetReference(dpre);
        int j = 0;
        for (; j + 8 <= h.Length; j += 8)
        {
            var hv = Vector256.LoadUnsafe(ref hr, (nuint)j);
            var dv = Vector256.LoadUnsafe(ref dr, (nuint)j);
            var r = relu
                ? Vector256.ConditionalSelect(Vector256.GreaterThan(hv, Vector256<float>.Zero), dv, Vector256<float>.Zero)
                : dv * (Vector256<float>.One - hv * hv);
            r.StoreUnsafe(ref pr, (nuint)j);
        }
        GatesReference.RnnBackward(h[j..], dh[j..], dpre[j..], relu);
    }

    // gates [bs, 4H] → (i, f, g, o) in place;  c = f·cPrev + i·g;  h = o·tanh(c)
    /// <summary>LSTM step: gates [bs, 4H] → (i, f, g, o) in place; c = f·cPrev + i·g; h = o·tanh(c).</summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int bs, int hidden)
    {
        if (!Simd || hidden < 8) { GatesReference.LstmForward(gates, cPrev, c, h, bs, hidden); return; }
        Check(gates.Length, bs * 4 * hidden, "gates");
        Check(cPrev.Length, bs * hidden, "cPrev");
        Check(c.Length, bs * hidden, "c");
        Check(h.Length, bs * hidden, "h");
        int vec = hidden & ~7;
        for (int b = 0; b < bs; b++)
        {
            ref float g = ref gates[b * 4 * hidden];
            ref float cp = ref Unsafe.AsRef(in cPrev[b * hidden]);
            ref float cn = ref c[b * hidden];
            ref float hn = ref h[b * hidden];
            for (int j = 0; j < vec; j += 8)
            {
                var i = Sigmoid(Vector256.LoadUnsafe(ref g, (nuint)j));
                var f = Sigmoid(Vector256.LoadUnsafe(ref g, (nuint)(hidden + j)));
                var gg = Tanh(Vector256.LoadUnsafe(ref g, (nuint)(2 * hidden + j)));
                var o = Sigmoid(Vector256.LoadUnsafe(ref g, (nuint)(3 * hidden + j)));
                i.StoreUnsafe(ref g, (nuint)j);
                f.StoreUnsafe(ref g, (nuint)(hidden + j));
                gg.StoreUnsafe(ref g, (nuint)(2 * hidden + j));
                o.StoreUnsafe(ref g, (nuint)(3 * hidden + j));
                var cv = f * Vector256.LoadUnsafe(ref cp, (nuint)j) + i * gg;
                cv.StoreUnsafe(ref cn, (nuint)j);
                (o * Tanh(cv)).StoreUnsafe(ref hn, (nuint)j);
            }
        }
        if (vec < hidden) GatesReference.LstmForward(gates, cPrev, c, h, bs, hidden, vec);
    }

    // See GatesReference.LstmBackward for the equations.
    /// <summary>LSTM step backward; the equations are <see cref="GatesReference.LstmBackward"/>'s.</summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int bs, int hidden)
    {
        if (!Simd || hidden < 8) { GatesReference.LstmBackward(gates, c, cPrev, dh, dc, dGates, bs, hidden); return; }
        Check(gates.Length, bs * 4 * hidden, "gates");
        Check(dGates.Length, bs * 4 * hidden, "dGates");
        Check(Math.Min(Math.Min(c.Length, cPrev.Length), Math.Min(dh.Length, dc.Length)), bs * hidden, "c, cPrev, dh or dc");
        int vec = hidden & ~7;
        var one = Vector256<float>.One;
        for (int b = 0; b < bs; b++)
        {
            ref float g = ref Unsafe.AsRef(in gates[b * 4 * hidden]);
            ref float dg = ref dGates[b * 4 * hidden];
            ref float cr = ref Unsafe.AsRef(in c[b * hidden]);
            ref float cpr = ref Unsafe.AsRef(in cPrev[b * hidden]);
            ref float dhr = ref Unsafe.AsRef(in dh[b * hidden]);
            ref float dcr = ref dc[b * hidden];
            for (int j = 0; j < vec; j += 8)
            {
                var i = Vector256.LoadUnsafe(ref g, (nuint)j);
                var f = Vector256.LoadUnsafe(ref g, (nuint)(hidden + j));
                var gg = Vector256.LoadUnsafe(ref g, (nuint)(2 * hidden + j));
                var o = Vector256.LoadUnsafe(ref g, (nuint)(3 * hidden + j));
                var tc = Tanh(Vector256.LoadUnsafe(ref cr, (nuint)j));
                var d = Vector256.LoadUnsafe(ref dhr, (nuint)j);
                var dct = Vector256.LoadUnsafe(ref dcr, (nuint)j) + d * o * (one - tc * tc);
                (dct * gg * i * (one - i)).StoreUnsafe(ref dg, (nuint)j);
                (dct * Vector256.LoadUnsafe(ref cpr, (nuint)j) * f * (one - f)).StoreUnsafe(ref dg, (nuint)(hidden + j));
                (dct * i * (one - gg * gg)).StoreUnsafe(ref dg, (nuint)(2 * hidden + j));
                (d * tc * o * (one - o)).StoreUnsafe(ref dg, (nuint)(3 * hidden + j));
                (dct * f).StoreUnsafe(ref dcr, (nuint)j);
            }
        }
        if (vec < hidden) GatesReference.LstmBackward(gates, c, cPrev, dh, dc, dGates, bs, hidden, vec);
    }

    // r, z, n and h for one step; see GatesReference.GruForward.
    /// <summary>GRU step: r, z, n and h from the input and hidden projections; see <see cref="GatesReference.GruForward"/>.</summary>
    public static void GruForward(Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> ghn, int bs, int hidden)
    {
        if (!Simd || hidden < 8) { GatesReference.GruForward(gx, gh, hPrev, h, ghn, bs, hidden); return; }
        Check(gx.Length, bs * 3 * hidden, "gx");
        Check(gh.Length, bs * 3 * hidden, "gh");
        Check(Math.Min(hPrev.Length, Math.Min(h.Length, ghn.Length)), bs * hidden, "hPrev, h or ghn");
        int vec = hidden & ~7;
        for (int b = 0; b < bs; b++)
        {
            ref float x3 = ref gx[b * 3 * hidden];
            ref float h3 = ref Unsafe.AsRef(in gh[b * 3 * hidden]);
            ref float hp = ref Unsafe.AsRef(in hPrev[b * hidden]);
            ref float hn = ref h[b * hidden];
            ref float gn = ref ghn[b * hidden];
            for (int j = 0; j < vec; j += 8)
            {
                var r = Sigmoid(Vector256.LoadUnsafe(ref x3, (nuint)j) + Vector256.LoadUnsafe(ref h3, (nuint)j));
                var z = Sigmoid(Vector256.LoadUnsafe(ref x3, (nuint)(hidden + j)) + Vector256.LoadUnsafe(ref h3, (nuint)(hidden + j)));
                var hnv = Vector256.LoadUnsafe(ref h3, (nuint)(2 * hidden + j));
                var n = Tanh(Vector256.LoadUnsafe(ref x3, (nuint)(2 * hidden + j)) + r * hnv);
                r.StoreUnsafe(ref x3, (nuint)j);
                z.StoreUnsafe(ref x3, (nuint)(hidden + j));
                n.StoreUnsafe(ref x3, (nuint)(2 * hidden + j));
                hnv.StoreUnsafe(ref gn, (nuint)j);
                ((Vector256<float>.One - z) * n + z * Vector256.LoadUnsafe(ref hp, (nuint)j)).StoreUnsafe(ref hn, (nuint)j);
            }
        }
        if (vec < hidden) GatesReference.GruForward(gx, gh, hPrev, h, ghn, bs, hidden, vec);
    }

    // See GatesReference.GruBackward.
    /// <summary>GRU step backward; see <see cref="GatesReference.GruBackward"/>.</summary>
    public static void GruBackward(ReadOnlySpan<float> act, ReadOnlySpan<float> ghn, ReadOnlySpan<float> hPrev,
        Span<float> dh, Span<float> dGx, Span<float> dGh, int bs, int hidden)
    {
        if (!Simd || hidden < 8) { GatesReference.GruBackward(act, ghn, hPrev, dh, dGx, dGh, bs, hidden); return; }
        Check(act.Length, bs * 3 * hidden, "act");
        Check(dGx.Length, bs * 3 * hidden, "dGx");
        Check(dGh.Length, bs * 3 * hidden, "dGh");
        Check(Math.Min(ghn.Length, Math.Min(hPrev.Length, dh.Length)), bs * hidden, "ghn, hPrev or dh");
        int vec = hidden & ~7;
        var one = Vector256<float>.One;
        for (int b = 0; b < bs; b++)
        {
            ref float a3 = ref Unsafe.AsRef(in act[b * 3 * hidden]);
            ref float dx3 = ref dGx[b * 3 * hidden];
            ref float dh3 = ref dGh[b * 3 * hidden];
            ref float gn = ref Unsafe.AsRef(in ghn[b * hidden]);
            ref float hp = ref Unsafe.AsRef(in hPrev[b * hidden]);
            ref float dhr = ref dh[b * hidden];
            for (int j = 0; j < vec; j += 8)
            {
                var r = Vector256.LoadUnsafe(ref a3, (nuint)j);
                var z = Vector256.LoadUnsafe(ref a3, (nuint)(hidden + j));
                var n = Vector256.LoadUnsafe(ref a3, (nuint)(2 * hidden + j));
                var d = Vector256.LoadUnsafe(ref dhr, (nuint)j);
                var dan = d * (one - z) * (one - n * n);
                var dar = dan * Vector256.LoadUnsafe(ref gn, (nuint)j) * r * (one - r);
                var daz = d * (Vector256.LoadUnsafe(ref hp, (nuint)j) - n) * z * (one - z);
                dar.StoreUnsafe(ref dx3, (nuint)j);
                daz.StoreUnsafe(ref dx3, (nuint)(hidden + j));
                dan.StoreUnsafe(ref dx3, (nuint)(2 * hidden + j));
                dar.StoreUnsafe(ref dh3, (nuint)j);
                daz.StoreUnsafe(ref dh3, (nuint)(hidden + j));
                (dan * r).StoreUnsafe(ref dh3, (nuint)(2 * hidden + j));
                (d * z).StoreUnsafe(ref dhr, (nuint)j);
            }
        }
        if (vec < hidden) GatesReference.GruBackward(act, ghn, hPrev, dh, dGx, dGh, bs, hidden, vec);
    }
}
