using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

/// <summary>
/// The vector operations the gate kernels need, so each kernel in <see cref="Gates"/> is written once and
/// instantiated per width (<see cref="GateVec256"/>, <see cref="GateVec512"/>), as <see cref="ISimd{TVec}"/> does for
/// the GEMM. Struct type arguments make the JIT specialise and inline every call.
/// </summary>
internal interface IGateVec<TVec> where TVec : unmanaged
{
    static abstract int Count { get; }
    static abstract TVec One { get; }
    static abstract TVec Load(ref float p, nuint i);
    static abstract void Store(TVec v, ref float p, nuint i);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Sub(TVec a, TVec b);
    static abstract TVec Mul(TVec a, TVec b);
    /// <summary>1/d to about 1 ulp: the hardware estimate refined by one Newton step, r·(2 − d·r) — three pipelined
    /// operations instead of a vector divide, which σ and tanh each needed and which does not pipeline.</summary>
    static abstract TVec Rcp(TVec d);
    /// <summary>max(0, x); NaN stays NaN.</summary>
    static abstract TVec Relu(TVec x);
    /// <summary>d where h &gt; 0, else 0 (the ReLU derivative applied, read from the output h).</summary>
    static abstract TVec WherePositive(TVec h, TVec d);
    static abstract TVec Exp(TVec x);
    /// <summary>σ(x) = 1/(1 + e^−x).</summary>
    static abstract TVec Sigmoid(TVec x);
    /// <summary>tanh x = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|).</summary>
    static abstract TVec Tanh(TVec x);
}

internal readonly struct GateVec256 : IGateVec<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> One => Vector256<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float p, nuint i) => Vector256.LoadUnsafe(ref p, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, ref float p, nuint i) => v.StoreUnsafe(ref p, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Relu(Vector256<float> x) => Vector256.MaxNative(Vector256<float>.Zero, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WherePositive(Vector256<float> h, Vector256<float> d) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(h, Vector256<float>.Zero), d, Vector256<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> x) => FastMath.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rcp(Vector256<float> d)
    {
        // AVX-512VL's 14-bit estimate where there is one, else AVX's 12-bit one (two steps then reach float accuracy).
        if (Avx512F.VL.IsSupported)
        {
            var r = Avx512F.VL.Reciprocal14(d);
            return r * Vector256.FusedMultiplyAdd(-d, r, Vector256.Create(2f));
        }
        if (Avx.IsSupported)
        {
            var r = Avx.Reciprocal(d);
            r *= Vector256.FusedMultiplyAdd(-d, r, Vector256.Create(2f));
            return r * Vector256.FusedMultiplyAdd(-d, r, Vector256.Create(2f));
        }
        return Vector256<float>.One / d;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Rcp(Vector256<float>.One + FastMath.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = FastMath.Exp(Vector256.Abs(x) * -2f);
        return Vector256.CopySign((Vector256<float>.One - e) * Rcp(Vector256<float>.One + e), x);
    }
}

internal readonly struct GateVec512 : IGateVec<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> One => Vector512<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float p, nuint i) => Vector512.LoadUnsafe(ref p, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, ref float p, nuint i) => v.StoreUnsafe(ref p, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Relu(Vector512<float> x) => Vector512.MaxNative(Vector512<float>.Zero, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WherePositive(Vector512<float> h, Vector512<float> d) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(h, Vector512<float>.Zero), d, Vector512<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> x) => FastMath.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rcp(Vector512<float> d)
    {
        if (!Avx512F.IsSupported) return Vector512<float>.One / d; // software Vector512 (RECUR_VECTOR=512 on AVX2)
        var r = Avx512F.Reciprocal14(d);
        return r * Vector512.FusedMultiplyAdd(-d, r, Vector512.Create(2f));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Rcp(Vector512<float>.One + FastMath.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var e = FastMath.Exp(Vector512.Abs(x) * -2f);
        return Vector512.CopySign((Vector512<float>.One - e) * Rcp(Vector512<float>.One + e), x);
    }
}
