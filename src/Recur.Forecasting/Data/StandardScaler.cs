namespace Recur.Forecasting;

/// <summary>
/// Standardisation z = (x − μ) / σ with μ and σ (population standard deviation, ddof = 0)
/// fitted on the training part only, so nothing about validation or test leaks into the inputs.
/// </summary>
/// <remarks>
/// A constant training part would give σ = 0; σ below 1e-12·max(1, |μ|) is replaced by 1, so the
/// transform only centres (as scikit-learn does).
/// </remarks>
public sealed record StandardScaler(double Mean, double Std)
{
    /// <summary>Fits μ and σ on <paramref name="values"/> (two-pass, for accuracy).</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static StandardScaler Fit(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
            throw new ArgumentException("cannot fit a scaler on no values", nameof(values));
        double mean = 0;
        foreach (double v in values) mean += v;
        mean /= values.Length;
        double squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / values.Length);
        return new StandardScaler(mean, std < 1e-12 * Math.Max(1, Math.Abs(mean)) ? 1 : std);
    }

    /// <summary>Fits on the training part of <paramref name="series"/>: y[0 … TrainEnd−1].</summary>
    public static StandardScaler Fit(ReadOnlySpan<double> series, ForecastSplit split)
    {
        if (series.Length != split.Length)
            throw new ArgumentException($"series length {series.Length} differs from the split's length {split.Length}");
        return Fit(series[..split.TrainEnd]);
    }

    /// <summary>Standardises a value: (x − mean) / std.</summary>
    public double Transform(double x) => (x - Mean) / Std;

    /// <summary>Back to the series' units: z · std + mean.</summary>
    public double Inverse(double z) => z * Std + Mean;

    /// <summary>(x − μ) / σ for every value.</summary>
    public double[] Transform(ReadOnlySpan<double> values)
    {
        var scaled = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            scaled[i] = Transform(values[i]);
        return scaled;
    }

    /// <summary>z·σ + μ for every value, back in the series' own units.</summary>
    public double[] Inverse(ReadOnlySpan<double> scaled)
    {
        var values = new double[scaled.Length];
        for (int i = 0; i < scaled.Length; i++)
            values[i] = Inverse(scaled[i]);
        return values;
    }

    /// <summary>z·σ + μ for a model's float outputs, widened to double.</summary>
    public double[] Inverse(ReadOnlySpan<float> scaled)
    {
        var values = new double[scaled.Length];
        for (int i = 0; i < scaled.Length; i++)
            values[i] = Inverse(scaled[i]);
        return values;
    }
}
