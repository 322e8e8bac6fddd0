namespace Recur.Kernels;

/// <summary>
/// Scalar reference for the fused cell nonlinearities of one time step over <c>bs</c> rows.
/// Gate blocks are stacked per row in PyTorch's order: LSTM i, f, g, o; GRU r, z, n.
/// <see cref="Gates"/> is the vectorised twin; tests hold one against the other.
/// </summary>
public static class GatesReference
{
    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    // h = act(pre)    pre: [bs, H] in place
    /// <summary>h = tanh(pre) or relu(pre), in place; pre: [bs, H].</summary>
    public static void RnnForward(Span<float> pre, bool relu)
    {
        for (int j = 0; j < pre.Length; j++) pre[j] = relu ? MathF.Max(pre[j], 0f) : MathF.Tanh(pre[j]);
    }

    // dpre = dh · act'(pre), written from h: tanh' = 1 − h², relu' = [h > 0]
    /// <summary>dpre = dh · act′(pre), computed from h: tanh′ = 1 − h², relu′ = [h &gt; 0].</summary>
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dpre, bool relu)
    {
        for (int j = 0; j < h.Length; j++) dpre[j] = relu ? (h[j] > 0 ? dh[j] : 0f) : dh[j] * (1f - h[j] * h[j]);
    }

    // gates: [bs, 4H] pre-activations → activations (i, f, g, o) in place
    // c = f·cPrev + i·g          cPrev, c: [bs, H]
    // h = o·tanh(c)              h: [bs, H]
    // (from: first column of each row to process; the SIMD twin hands its tail here)
    /// <summary>LSTM step: gates [bs, 4H] → (i, f, g, o) in place; c = f·cPrev + i·g; h = o·tanh(c); from column <paramref name="from"/> of each row.</summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int bs, int hidden, int from = 0)
    {
        for (int b = 0; b < bs; b++)
        {
            var gr = gates.Slice(b * 4 * hidden, 4 * hidden);
            for (int j = from; j < hidden; j++)
            {
                float i = Sigmoid(gr[j]), f = Sigmoid(gr[hidden + j]);
                float g = MathF.Tanh(gr[2 * hidden + j]), o = Sigmoid(gr[3 * hidden + j]);
                gr[j] = i; gr[hidden + j] = f; gr[2 * hidden + j] = g; gr[3 * hidden + j] = o;
                float cn = f * cPrev[b * hidden + j] + i * g;
                c[b * hidden + j] = cn;
                h[b * hidden + j] = o * MathF.Tanh(cn);
            }
        }
    }

    // Given dh (into h = o·tanh(c)) and dc (into c from step t+1; replaced by d cPrev):
    //   do = dh·tanh(c)         dc += dh·o·(1 − tanh²c)
    //   di = dc·g   df = dc·cPrev   dg = dc·i   dcPrev = dc·f
    //   dGates = (di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o))
    /// <summary>LSTM step backward: from dh and the incoming dc, the gate gradients, and dc replaced by d cPrev.</summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int bs, int hidden, int from = 0)
    {
        for (int b = 0; b < bs; b++)
        {
            var gr = gates.Slice(b * 4 * hidden, 4 * hidden);
            var dg4 = dGates.Slice(b * 4 * hidden, 4 * hidden);
            for (int j = from; j < hidden; j++)
            {
                int k = b * hidden + j;
                float i = gr[j], f = gr[hidden + j], g = gr[2 * hidden + j], o = gr[3 * hidden + j];
                float tc = MathF.Tanh(c[k]);
                float dct = dc[k] + dh[k] * o * (1f - tc * tc);
                dg4[j] = dct * g * i * (1f - i);
                dg4[hidden + j] = dct * cPrev[k] * f * (1f - f);
                dg4[2 * hidden + j] = dct * i * (1f - g * g);
                dg4[3 * hidden + j] = dh[k] * tc * o * (1f - o);
                dc[k] = dct * f;
            }
        }
    }

    // gx: [bs, 3H] W_i·x + b_i → activations (r, z, n) in place;  gh: [bs, 3H] W_h·h + b_h
    // r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r·gh_n)   h = (1 − z)·n + z·hPrev
    // ghn: [bs, H] keeps gh_n for backward
    /// <summary>GRU step: r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n), h = (1 − z)·n + z·hPrev; keeps gh_n in <paramref name="ghn"/>.</summary>
    public static void GruForward(Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> ghn, int bs, int hidden, int from = 0)
    {
        for (int b = 0; b < bs; b++)
        {
            var x3 = gx.Slice(b * 3 * hidden, 3 * hidden);
            var h3 = gh.Slice(b * 3 * hidden, 3 * hidden);
            for (int j = from; j < hidden; j++)
            {
                int k = b * hidden + j;
                float r = Sigmoid(x3[j] + h3[j]);
                float z = Sigmoid(x3[hidden + j] + h3[hidden + j]);
                float n = MathF.Tanh(x3[2 * hidden + j] + r * h3[2 * hidden + j]);
                x3[j] = r; x3[hidden + j] = z; x3[2 * hidden + j] = n;
                ghn[k] = h3[2 * hidden + j];
                h[k] = (1f - z) * n + z * hPrev[k];
            }
        }
    }

    // dn = dh·(1 − z)   dz = dh·(hPrev − n)   da_n = dn·(1 − n²)   dr = da_n·gh_n
    // dGx = (dr·r(1−r), dz·z(1−z), da_n)    dGh = (same r, same z, da_n·r)
    // dh is replaced by its direct part dh·z (the path through W_hh is added by the caller)
    /// <summary>GRU step backward: the gradients of the input and hidden projections from dh.</summary>
    public static void GruBackward(ReadOnlySpan<float> act, ReadOnlySpan<float> ghn, ReadOnlySpan<float> hPrev,
        Span<float> dh, Span<float> dGx, Span<float> dGh, int bs, int hidden, int from = 0)
    {
        for (int b = 0; b < bs; b++)
        {
            var a3 = act.Slice(b * 3 * hidden, 3 * hidden);
            var dx3 = dGx.Slice(b * 3 * hidden, 3 * hidden);
            var dh3 = dGh.Slice(b * 3 * hidden, 3 * hidden);
            for (int j = from; j < hidden; j++)
            {
                int k = b * hidden + j;
                float r = a3[j], z = a3[hidden + j], n = a3[2 * hidden + j];
                float d = dh[k];
                float dan = d * (1f - z) * (1f - n * n);
                float dar = dan * ghn[k] * r * (1f - r);
                float daz = d * (hPrev[k] - n) * z * (1f - z);
                dx3[j] = dar; dx3[hidden + j] = daz; dx3[2 * hidden + j] = dan;
                dh3[j] = dar; dh3[hidden + j] = daz; dh3[2 * hidden + j] = dan * r;
                dh[k] = d * z;
            }
        }
    }
}
