namespace Recur.Onnx;

/// <summary>
/// A dimension as a monomial coef·batch^P·seq^Q. The exporter traces the forward twice, with two different
/// (batch, seq) pairs whose sizes are distinct primes, and solves each size seen in both runs for this form:
/// a size that stays the same is a constant, one that scales with the batch is symbolic.
/// </summary>
internal readonly record struct SymDim(long Coef, int P, int Q)
{
    public const int Batch1 = 3, Seq1 = 5, Batch2 = 7, Seq2 = 11;

    public bool IsConstant => P == 0 && Q == 0;

    /// <summary>The form that gives <paramref name="v1"/> in run 1 and <paramref name="v2"/> in run 2, or null.</summary>
    public static SymDim? Solve(long v1, long v2)
    {
        if (v1 == v2) return new SymDim(v1, 0, 0);
        for (int p = 0; p <= 3; p++)
            for (int q = 0; q <= 3; q++)
            {
                long m1 = Pow(Batch1, p) * Pow(Seq1, q), m2 = Pow(Batch2, p) * Pow(Seq2, q);
                if (v1 % m1 == 0 && v2 % m2 == 0 && v1 / m1 == v2 / m2) return new SymDim(v1 / m1, p, q);
            }
        return null;
    }

    private static long Pow(long b, int e)
    {
        long r = 1;
        for (int i = 0; i < e; i++) r *= b;
        return r;
    }

    /// <summary>"batch", "seq", a size, or "?" for a product that ONNX's dim_param can't name.</summary>
    public string Display => (Coef, P, Q) switch
    {
        (_, 0, 0) => Coef.ToString(System.Globalization.CultureInfo.InvariantCulture),
        (1, 1, 0) => "batch",
        (1, 0, 1) => "seq",
        _ => "?",
    };
}
