using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

/// <summary>
/// Vectorised exp for the gate kernels. <c>Vector256.Exp(float)</c> computes in double (exact, but about four times
/// slower); the gates need float accuracy only. Algorithm and coefficients from Cephes <c>expf</c> (S. L. Moshier),
/// as in Julien Pommier's sse_mathfun (zlib licence): e^x = 2^n · e^r with n = round(x·log2 e), r = x − n·ln 2
/// (ln 2 split in two for exactness), e^r by a degree-5 minimax polynomial. Max relative error ≈ 1.5e−7 (≈ 1 ulp);
/// inputs are clamped to ±88.37 so the result never overflows to ∞ or NaN (σ and tanh saturate correctly).
/// </summary>
public static class FastMath
{
    /// <summary>e^x on <see cref="Vector256"/>, float accuracy (≈ 1 ulp), saturating instead of overflowing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // clamp with x second: on x86 max/min return the second operand when one is NaN, so NaN propagates
        x = Vector256.MinNative(Vector256.Create(88.3762626647949f), Vector256.MaxNative(Vector256.Create(-87.33654f), x));
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500E-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        // 2^n by building the float's exponent field: (n + 127) << 23
        var pow2n = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)).AsInt32() << 23;
        return p * pow2n.AsSingle();
    }

    /// <summary>The same e^x on <see cref="Vector512"/> (AVX-512), coefficient for coefficient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.Create(88.3762626647949f), Vector512.MaxNative(Vector512.Create(-87.33654f), x));
        var n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500E-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var pow2n = (Vector512.ConvertToInt32Native(n) + Vector512.Create(127)).AsInt32() << 23;
        return p * pow2n.AsSingle();
    }
}
