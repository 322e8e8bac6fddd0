namespace Recur.Forecasting;

/// <summary>
/// A distribution head (<c>--intervals gaussian</c>): the network's extra outputs are one raw value s per step, the forecast
/// is the Gaussian N(μ, σ²) with μ the point forecast and σ = softplus(s) + <see cref="MinSigma"/>, and its quantiles are
/// <code>
/// q_k = μ + σ·z_k,   z_k = Φ⁻¹(τ_k)
/// </code>
/// — monotone by construction for increasing τ, as the pinball heads' (<see cref="QuantileHeads"/>). Trained by the Gaussian
/// negative log-likelihood with μ detached (<see cref="NllLoss"/>), so the likelihood shapes σ and the encoder but not the point's head.
/// </summary>
public static class GaussianHead
{
    /// <summary>The floor added to softplus(s): σ never reaches 0, so the likelihood cannot blow up on a perfect fit.</summary>
    public const float MinSigma = 1e-4f;

    /// <summary>σ = softplus(<paramref name="raw"/>) + <see cref="MinSigma"/>, any shape.</summary>
    public static Tensor Sigma(Tensor raw) => QuantileHeads.Softplus(raw) + MinSigma;

    /// <summary>
    /// The quantiles μ + σ·Φ⁻¹(τ_k) for <paramref name="point"/> μ [N, H] and <paramref name="sigma"/> σ [N, H] (scaled units,
    /// correction to the anchor): [N, Q, H], increasing along Q for increasing <paramref name="levels"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that disagree.</exception>
    public static Tensor Quantiles(Tensor point, Tensor sigma, IReadOnlyList<double> levels)
    {
        if (point.Dim != 2 || !point.Shape.SequenceEqual(sigma.Shape))
            throw new ArgumentException($"Gaussian head: point [{string.Join(", ", point.Shape)}] and sigma [{string.Join(", ", sigma.Shape)}]: expected both [N, H]");
        var z = Tensor.FromArray([.. levels.Select(l => (float)InverseNormalCdf(l))], 1, levels.Count, 1);
        return point.Unsqueeze(1) + sigma.Unsqueeze(1) * z;                                      // [N, Q, H]
    }

    /// <summary>
    /// The Gaussian negative log-likelihood of <paramref name="target"/> y under N(μ, σ²), without the constant ½·log 2π, averaged
    /// over samples and steps: mean of log σ + (y − μ)²/(2σ²) — PyTorch's <c>gaussian_nll_loss(μ, y, σ²)</c> (full=False).
    /// All three [N, H]; pass μ detached to keep the point's head out of it.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that disagree.</exception>
    public static Tensor NllLoss(Tensor mu, Tensor sigma, Tensor target)
    {
        if (mu.Dim != 2 || !mu.Shape.SequenceEqual(sigma.Shape) || !mu.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"Gaussian NLL: mean [{string.Join(", ", mu.Shape)}], sigma [{string.Join(", ", sigma.Shape)}] and target " +
                                        $"[{string.Join(", ", target.Shape)}]: expected all [N, H]");
        var e = (target - mu) / sigma;
        return (sigma.Log() + e * e * 0.5f).Mean();
    }

    /// <summary>
    /// Biases that start σ at each step's root-mean-square residual (<paramref name="residuals"/>: row-major [samples, H], the
    /// targets minus the point forecast before training, scaled units) — the σ that maximises the likelihood for the starting
    /// point; at least 1e-3 (then softplus⁻¹ of it less <see cref="MinSigma"/>). Laid out as the head's bias [H].
    /// </summary>
    public static float[] InitialBias(float[] residuals, int horizon)
    {
        var bias = new float[horizon];
        for (int h = 0; h < horizon; h++)
        {
            double sum = 0;
            int n = 0;
            for (int i = h; i < residuals.Length; i += horizon)
                if (float.IsFinite(residuals[i])) { sum += (double)residuals[i] * residuals[i]; n++; }
            double sigma = Math.Max(n > 0 ? Math.Sqrt(sum / n) : 1, 1e-3) - MinSigma;
            bias[h] = (float)QuantileHeads.InverseSoftplus(sigma);
        }
        return bias;
    }

    /// <summary>
    /// Φ⁻¹(<paramref name="p"/>), the standard normal quantile: Wichura's algorithm AS241 (PPND16), relative error about 1e-16.
    /// ±∞ at 0 and 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> outside [0, 1] or NaN.</exception>
    public static double InverseNormalCdf(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must lie in [0, 1]");
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double q = p - 0.5, r;
        if (Math.Abs(q) <= 0.425)
        {
            r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r
                        + 3.387132872796366608)
                     / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                        + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
        }
        // The tails: r = √(−log(min(p, 1 − p))), 1 − p formed only for p > ½ where it is exact enough.
        r = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        double value;
        if (r <= 5)
        {
            r -= 1.6;
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                      + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r
                      + 1.42343711074968357734)
                  / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                      + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1.0);
        }
        else
        {
            r -= 5;
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                      + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r
                      + 6.6579046435011037772)
                  / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                      + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0);
        }
        return q < 0 ? -value : value;
    }
}
