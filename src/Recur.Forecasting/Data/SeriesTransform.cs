namespace Recur.Forecasting;

/// <summary>
/// A variance-stabilising transform applied to a series before scaling and modelling; forecasts and quantiles are
/// mapped back through <see cref="Inverse"/> (a monotone map, so quantiles stay quantiles).
/// Box-Cox: z = (y^λ − 1)/λ, and log y at λ = 0 (Box &amp; Cox 1964); both need positive values.
/// </summary>
/// <param name="Kind">none, log or boxcox.</param>
/// <param name="Lambda">λ for boxcox (0 for log, 1 for none).</param>
public sealed record SeriesTransform(string Kind, double Lambda)
{
    /// <summary>The identity.</summary>
    public static readonly SeriesTransform None = new("none", 1);

    /// <summary>The natural logarithm.</summary>
    public static readonly SeriesTransform Log = new("log", 0);

    /// <summary>The names <c>--transform</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = ["none", "log", "boxcox", "auto"];

    /// <summary>y ↦ z.</summary>
    public double Forward(double y) => Kind switch
    {
        "none" => y,
        _ when Lambda == 0 => Math.Log(y),
        _ => (Math.Pow(y, Lambda) - 1) / Lambda,
    };

    /// <summary>
    /// z ↦ y, monotone non-decreasing and finite for every z: a z outside Box-Cox's range (λz + 1 ≤ 0) maps to the edge it lies
    /// beyond — 0 for λ &gt; 0, where it is below the range, and <see cref="SeriesSet.MaxMagnitude"/> for λ &lt; 0, where it is
    /// above (y grows without bound as λz + 1 falls to 0) — and Box-Cox values are capped there too.
    /// </summary>
    public double Inverse(double z)
    {
        if (Kind == "none") return z;
        if (Lambda == 0) return Math.Exp(Math.Min(z, 700));
        double b = Lambda * z + 1;
        return b <= 0 ? (Lambda > 0 ? 0 : SeriesSet.MaxMagnitude) : Math.Min(Math.Pow(b, 1 / Lambda), SeriesSet.MaxMagnitude);
    }

    /// <summary>Forward of every value (NaN stays NaN).</summary>
    public double[] Forward(ReadOnlySpan<double> y)
    {
        var z = new double[y.Length];
        for (int i = 0; i < y.Length; i++) z[i] = double.IsNaN(y[i]) ? double.NaN : Forward(y[i]);
        return z;
    }

    /// <summary>
    /// λ of Box-Cox by maximum profile likelihood on <paramref name="train"/> (positive values): the λ in [−1, 2] (steps of 0.01)
    /// maximising −n/2·log σ̂²(z_λ) + (λ − 1)·Σ log y.
    /// </summary>
    /// <exception cref="ArgumentException">A value is not positive.</exception>
    public static SeriesTransform FitBoxCox(ReadOnlySpan<double> train)
    {
        var y = train.ToArray().Where(v => !double.IsNaN(v)).ToArray();
        if (y.Length < 2 || y.Any(v => v <= 0)) throw new ArgumentException("Box-Cox needs at least 2 values, all positive");
        double logSum = y.Sum(Math.Log);
        double bestLambda = 1, best = double.NegativeInfinity;
        for (int k = -100; k <= 200; k++)
        {
            double lambda = k / 100.0;
            var t = new SeriesTransform("boxcox", lambda);
            double mean = 0, variance = 0;
            foreach (double v in y) mean += t.Forward(v);
            mean /= y.Length;
            foreach (double v in y) variance += Math.Pow(t.Forward(v) - mean, 2);
            variance /= y.Length;
            if (!(variance > 0) || !double.IsFinite(variance)) continue;
            double ll = -y.Length / 2.0 * Math.Log(variance) + (lambda - 1) * logSum;
            if (ll > best) (best, bestLambda) = (ll, lambda);
        }
        return new SeriesTransform("boxcox", bestLambda);
    }
}
