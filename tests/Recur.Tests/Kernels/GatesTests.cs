using System.Runtime.Intrinsics;
using Recur.Kernels;

namespace Recur.Tests.Kernels;

/// <summary>
/// The SIMD gate kernels against their scalar twins (llm.c style: the fast kernel is held to the naive one), at both
/// vector widths (Vector512 is emulated in software where the CPU lacks AVX-512, so both run everywhere).
/// </summary>
[Collection(nameof(KernelSwitches))]
public class GatesTests
{
    private const float Tol = 2e-6f;

    private static float[] Rand(Generator g, int n, float scale = 2f)
    {
        var a = new float[n];
        g.FillNormal(a, 0, scale);
        return a;
    }

    private static void Close(float[] want, float[] got, string what)
    {
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= Tol * Math.Max(1, Math.Abs(want[i])), $"{what}[{i}]: reference {want[i]}, simd {got[i]}");
    }

    public static IEnumerable<object[]> Sizes() =>
        from w in new[] { 256, 512 } from bs in new[] { 1, 3 } from h in new[] { 1, 7, 8, 16, 19, 33, 40 } select new object[] { w, bs, h };

    // Runs body with the kernels forced to one width, then restores the process-wide setting.
    private static void AtWidth(int width, Action body)
    {
        var saved = KernelOptions.Width;
        KernelOptions.Width = width == 512 ? VectorWidth.Vector512 : VectorWidth.Vector256;
        try
        {
            if (Vector256.IsHardwareAccelerated) Assert.Equal(width, Gates.VectorBits);
            body();
        }
        finally { KernelOptions.Width = saved; }
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Rnn(int width, int bs, int h) => AtWidth(width, () =>
    {
        var g = new Generator(bs * 100 + h);
        foreach (bool relu in new[] { false, true })
        {
            var pre = Rand(g, bs * h);
            var (a, b) = ((float[])pre.Clone(), (float[])pre.Clone());
            GatesReference.RnnForward(a, relu);
            Gates.RnnForward(b, relu);
            Close(a, b, "h");
            var dh = Rand(g, bs * h);
            var (da, db) = (new float[bs * h], new float[bs * h]);
            GatesReference.RnnBackward(a, dh, da, relu);
            Gates.RnnBackward(a, dh, db, relu);
            Close(da, db, "dpre");
        }
    });

    [Theory, MemberData(nameof(Sizes))]
    public void Lstm(int width, int bs, int h) => AtWidth(width, () =>
    {
        var g = new Generator(bs * 100 + h + 1);
        var gates = Rand(g, bs * 4 * h);
        var cPrev = Rand(g, bs * h, 1f);
        var (ga, gb) = ((float[])gates.Clone(), (float[])gates.Clone());
        var (ca, cb, ha, hb) = (new float[bs * h], new float[bs * h], new float[bs * h], new float[bs * h]);
        GatesReference.LstmForward(ga, cPrev, ca, ha, bs, h);
        Gates.LstmForward(gb, cPrev, cb, hb, bs, h);
        Close(ga, gb, "gates");
        Close(ca, cb, "c");
        Close(ha, hb, "h");
        var dh = Rand(g, bs * h);
        var dc = Rand(g, bs * h);
        var (dca, dcb) = ((float[])dc.Clone(), (float[])dc.Clone());
        var (dga, dgb) = (new float[bs * 4 * h], new float[bs * 4 * h]);
        GatesReference.LstmBackward(ga, ca, cPrev, dh, dca, dga, bs, h);
        Gates.LstmBackward(ga, ca, cPrev, dh, dcb, dgb, bs, h);
        Close(dga, dgb, "dGates");
        Close(dca, dcb, "dcPrev");
    });

    [Theory, MemberData(nameof(Sizes))]
    public void Gru(int width, int bs, int h) => AtWidth(width, () =>
    {
        var g = new Generator(bs * 100 + h + 2);
        var gx = Rand(g, bs * 3 * h);
        var gh = Rand(g, bs * 3 * h);
        var hPrev = Rand(g, bs * h, 0.5f);
        var (xa, xb) = ((float[])gx.Clone(), (float[])gx.Clone());
        var (ha, hb, na, nb) = (new float[bs * h], new float[bs * h], new float[bs * h], new float[bs * h]);
        GatesReference.GruForward(xa, gh, hPrev, ha, na, bs, h);
        Gates.GruForward(xb, gh, hPrev, hb, nb, bs, h);
        Close(xa, xb, "act");
        Close(ha, hb, "h");
        Close(na, nb, "ghn");
        var dh = Rand(g, bs * h);
        var (dha, dhb) = ((float[])dh.Clone(), (float[])dh.Clone());
        var (dxa, dxb, dgha, dghb) = (new float[bs * 3 * h], new float[bs * 3 * h], new float[bs * 3 * h], new float[bs * 3 * h]);
        GatesReference.GruBackward(xa, na, hPrev, dha, dxa, dgha, bs, h);
        Gates.GruBackward(xa, na, hPrev, dhb, dxb, dghb, bs, h);
        Close(dxa, dxb, "dGx");
        Close(dgha, dghb, "dGh");
        Close(dha, dhb, "dh direct");
    });

    [Fact]
    public void ExtremeInputsSaturateWithoutNaN()
    {
        var gates = new float[] { 100, -100, 100, -100, 90, -90, 50, -50, 100, -100, 100, -100, 90, -90, 50, -50,
                                  100, -100, 100, -100, 90, -90, 50, -50, 100, -100, 100, -100, 90, -90, 50, -50 };
        var (c, h) = (new float[8], new float[8]);
        Gates.LstmForward(gates, new float[8], c, h, 1, 8);
        Assert.All(gates.Concat(c).Concat(h), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, gates[0]);
        Assert.InRange(gates[1], 0f, 1e-30f); // σ(−100): e^100 is clamped to e^88.4, so ≈ 4e−39 instead of 4e−44
    }

    [Fact]
    public void ShortBuffersAreRejectedNotOverrun()
    {
        var e = Assert.Throws<ArgumentException>(() => Gates.LstmForward(new float[4 * 16], new float[16], new float[15], new float[16], 1, 16));
        Assert.Contains("needs 16", e.Message);
    }
}

public class FastMathTests
{
    [Fact]
    public void ExpIsAccurateToAboutOneUlp()
    {
        double worst = 0;
        for (float x = -87f; x < 88f; x += 0.0137f)
        {
            float got = FastMath.Exp(System.Runtime.Intrinsics.Vector256.Create(x)).GetElement(0);
            worst = Math.Max(worst, Math.Abs(got - Math.Exp(x)) / Math.Exp(x));
        }
        Assert.True(worst < 3e-7, $"max relative error {worst:G3}");
    }

    [Fact]
    public void Exp512MatchesExp256LaneForLane()
    {
        var g = new Generator(5);
        var x = new float[16];
        for (int rep = 0; rep < 200; rep++)
        {
            g.FillNormal(x, 0, 30);
            var wide = FastMath.Exp(Vector512.Create(x));
            var lo = FastMath.Exp(Vector256.Create(x.AsSpan(0, 8)));
            var hi = FastMath.Exp(Vector256.Create(x.AsSpan(8, 8)));
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(lo.GetElement(i), wide.GetElement(i));
                Assert.Equal(hi.GetElement(i), wide.GetElement(8 + i));
            }
        }
    }

    [Fact]
    public void ExpSaturatesInsteadOfOverflowing()
    {
        Assert.InRange(FastMath.Exp(Vector256.Create(-1000f)).GetElement(0), 0f, 1e-37f);
        Assert.True(float.IsFinite(FastMath.Exp(System.Runtime.Intrinsics.Vector256.Create(1000f)).GetElement(0)));
        Assert.Equal(1f, FastMath.Exp(System.Runtime.Intrinsics.Vector256.Create(0f)).GetElement(0));
    }
}

public class NaNPropagationTests
{
    [Fact]
    public void NaNInNaNOut()
    {
        var gates = new float[4 * 8];
        gates[0] = float.NaN;          // i of unit 0
        var (c, h) = (new float[8], new float[8]);
        Gates.LstmForward(gates, new float[8], c, h, 1, 8);
        Assert.True(float.IsNaN(h[0]));
        Assert.False(float.IsNaN(h[1]));
        var pre = new float[8];
        pre[3] = float.NaN;
        Gates.RnnForward(pre, relu: true);
        Assert.True(float.IsNaN(pre[3]));
        Assert.True(float.IsNaN(FastMath.Exp(Vector256.Create(float.NaN)).GetElement(0)));
    }
}
