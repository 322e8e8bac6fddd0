namespace Recur.Forecasting;

/// <summary>
/// Additive Holt-Winters exponential smoothing with a damped additive trend (Gardner &amp; McKenzie; the ETS(A,Ad,A)
/// point forecasts of Hyndman et al.), the yardstick forecasting papers print. With level ℓ, trend b, season s
/// (period m) and one-step error e_t = y_t − (ℓ_{t−1} + φb_{t−1} + s_{t−m}):
/// <code>
/// ℓ_t = α(y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + φb_{t−1})
/// b_t = β(ℓ_t − ℓ_{t−1}) + (1 − β)φb_{t−1}
/// s_t = γ(y_t − ℓ_{t−1} − φb_{t−1}) + (1 − γ)s_{t−m}
/// ŷ_{t+h|t} = ℓ_t + (φ + φ² + … + φ^h)b_t + s_{t+h−m(k+1)},  k = ⌊(h−1)/m⌋
/// </code>
/// Start (heuristic, as in Hyndman's textbook): ℓ = mean of the first season, b = (mean of the second season −
/// mean of the first)/m, s_j = y_j − ℓ for the first season; the recursion runs from t = m. Without a season
/// (m = 1, or fewer than two seasons and two steps of training data) s ≡ 0, ℓ = y₀, b = y₁ − y₀, from t = 1.
/// </summary>
/// <param name="Season">The period m used (1: no seasonal component).</param>
/// <param name="Alpha">Level smoothing, 0 &lt; α &lt; 1.</param>
/// <param name="Beta">Trend smoothing, 0 &lt; β &lt; 1 (in the error-correction form the trend moves by αβ·e_t).</param>
/// <param name="Gamma">Season smoothing, 0 &lt; γ &lt; 1 − α (0 without a season).</param>
/// <param name="Phi">Trend damping, 0.8 ≤ φ ≤ 0.98.</param>
public sealed record HoltWinters(int Season, double Alpha, double Beta, double Gamma, double Phi)
{
    /// <summary>
    /// Fits α, β, γ, φ on <paramref name="train"/> by least squares of the one-step errors (Nelder-Mead over a
    /// box-constrained reparameterisation, from several starts). The season is dropped when the training part holds
    /// fewer than two seasons and two steps.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 values, or a season below 1.</exception>
    public static HoltWinters Fit(ReadOnlySpan<double> train, int season)
    {
        if (train.Length < 3) throw new ArgumentException($"Holt-Winters needs at least 3 training values, got {train.Length}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(season);
        int m = EffectiveSeason(train.Length, season);
        var y = train.ToArray();
        double Cost(double[] u) => Filter(y, FromFree(m, u)).Sse;
        double[]? best = null;
        double bestCost = double.PositiveInfinity;
        // Starts: moderate smoothing, slow smoothing, fast level; φ near 0.9.
        foreach (var start in new[] { new[] { 0.3, 0.1, 0.1, 0.9 }, new[] { 0.1, 0.05, 0.05, 0.95 }, new[] { 0.7, 0.1, 0.1, 0.85 } })
        {
            var u = NelderMead.Minimize(Cost, ToFree(m, start[0], start[1], start[2], start[3]), 400);
            double c = Cost(u);
            if (c < bestCost) (best, bestCost) = (u, c);
        }
        return FromFree(m, best!);
    }

    /// <summary>The season used for a training part of <paramref name="trainLength"/> values: <paramref name="season"/> when it fits twice and leaves two steps, else 1.</summary>
    public static int EffectiveSeason(int trainLength, int season) => season > 1 && trainLength >= 2 * season + 2 ? season : 1;

    /// <summary>The states after each step and the sum of squared one-step errors.</summary>
    /// <param name="Level">ℓ_t after observing y_t (index t ≥ start − 1; earlier entries unused).</param>
    /// <param name="Trend">b_t likewise.</param>
    /// <param name="Seasonal">s_t for every t (the first m are the start values).</param>
    /// <param name="Start">The first t the recursion updates (m, or 1 without a season).</param>
    /// <param name="Sse">Σ e_t² over t ≥ start.</param>
    public sealed record States(double[] Level, double[] Trend, double[] Seasonal, int Start, double Sse);

    /// <summary>Runs the recursion over <paramref name="y"/> (no missing values) with these parameters.</summary>
    /// <exception cref="ArgumentException">Too few values for the start (two seasons, or two values).</exception>
    public States Filter(ReadOnlySpan<double> y) => Filter(y, this);

    private static States Filter(ReadOnlySpan<double> y, HoltWinters p)
    {
        int m = p.Season, n = y.Length;
        int start = m > 1 ? m : 1;
        if (n < (m > 1 ? 2 * m : 2)) throw new ArgumentException($"Holt-Winters with season {m} needs at least {(m > 1 ? 2 * m : 2)} values, got {n}");
        var level = new double[n];
        var trend = new double[n];
        var seasonal = new double[n];
        double l, b;
        if (m > 1)
        {
            double first = 0, second = 0;
            for (int j = 0; j < m; j++) { first += y[j]; second += y[m + j]; }
            first /= m;
            second /= m;
            l = first;
            b = (second - first) / m;
            for (int j = 0; j < m; j++) seasonal[j] = y[j] - l;
        }
        else
        {
            l = y[0];
            b = y[1] - y[0];
        }
        level[start - 1] = l;
        trend[start - 1] = b;
        double sse = 0, a = p.Alpha, beta = p.Beta, g = p.Gamma, phi = p.Phi;
        for (int t = start; t < n; t++)
        {
            double sPrev = m > 1 ? seasonal[t - m] : 0;
            double damped = l + phi * b;
            double e = y[t] - (damped + sPrev);
            sse += e * e;
            double lNew = a * (y[t] - sPrev) + (1 - a) * damped;
            b = beta * (lNew - l) + (1 - beta) * phi * b;
            if (m > 1) seasonal[t] = g * (y[t] - damped) + (1 - g) * sPrev;
            l = lNew;
            level[t] = l;
            trend[t] = b;
        }
        return new States(level, trend, seasonal, start, double.IsFinite(sse) ? sse : double.PositiveInfinity);
    }

    /// <summary>
    /// Forecasts row-major [origins, horizon]: entry (i, h) is ŷ for y[origins[i] + h] from y[0 … origins[i] − 1] with these
    /// (already fitted) parameters.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An origin is before the recursion's start or beyond the series.</exception>
    public double[] Forecast(ReadOnlySpan<double> y, ReadOnlySpan<int> origins, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        var s = Filter(y);
        int m = Season;
        var forecasts = new double[origins.Length * horizon];
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            if (t < s.Start || t > y.Length)
                throw new ArgumentOutOfRangeException(nameof(origins), t, $"Holt-Winters origins must be in [{s.Start}, {y.Length}]");
            double l = s.Level[t - 1], b = s.Trend[t - 1], damping = 0, power = 1;
            for (int h = 0; h < horizon; h++)
            {
                power *= Phi;
                damping += power;
                double season = m > 1 ? s.Seasonal[t + h - m * (h / m + 1)] : 0;
                forecasts[i * horizon + h] = l + damping * b + season;
            }
        }
        return forecasts;
    }

    /// <summary>
    /// The one-step errors e_t = y_t − ŷ_{t|t−1} of the recursion over <paramref name="y"/> (0 before its start): what the
    /// hybrid network reads instead of the window itself, so it learns the correction from how Holt-Winters has been erring.
    /// </summary>
    public double[] OneStepErrors(ReadOnlySpan<double> y)
    {
        var s = Filter(y);
        int m = Season;
        var e = new double[y.Length];
        for (int t = s.Start; t < y.Length; t++)
            e[t] = y[t] - (s.Level[t - 1] + Phi * s.Trend[t - 1] + (m > 1 ? s.Seasonal[t - m] : 0));
        return e;
    }

    // Unconstrained u ↦ parameters: α = σ(u0), β = σ(u1), γ = (1 − α)·σ(u2), φ = 0.8 + 0.18·σ(u3).
    private static HoltWinters FromFree(int m, double[] u)
    {
        double alpha = Sigmoid(u[0]);
        return new HoltWinters(m, alpha, Sigmoid(u[1]), m > 1 ? (1 - alpha) * Sigmoid(u[2]) : 0, 0.8 + 0.18 * Sigmoid(u[3]));
    }

    private static double[] ToFree(int m, double alpha, double betaRatio, double gammaRatio, double phi) =>
        [Logit(alpha), Logit(betaRatio), m > 1 ? Logit(gammaRatio) : 0, Logit((phi - 0.8) / 0.18)];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
