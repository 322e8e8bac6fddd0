namespace Recur.Forecasting;

/// <summary>
/// A series as the model sees it: the target standardised with the training part's mean and std, and
/// the other input channels per row (each exogenous feature standardised the same way, then sin/cos of
/// each calendar cycle).
/// </summary>
public sealed record ScaledSeries(double[] Target, double[][] Channels)
{
    /// <summary>Number of rows (time steps).</summary>
    public int Length => Target.Length;

    /// <summary>Scales <paramref name="target"/> and <paramref name="features"/> with <paramref name="spec"/>'s scalers and adds its calendar channels.</summary>
    /// <exception cref="ArgumentException">The spec has calendar cycles and <paramref name="dates"/> is null, or the sizes disagree.</exception>
    public static ScaledSeries From(ForecastSpec spec, double[] target, IReadOnlyList<double[]> features, IReadOnlyList<DateTime>? dates)
    {
        if (features.Count != spec.Features.Length)
            throw new ArgumentException($"expected {spec.Features.Length} feature columns, got {features.Count}");
        var channels = new List<double[]>();
        for (int f = 0; f < features.Count; f++)
            channels.Add(spec.FeatureScalers[f].Transform(features[f]));
        if (spec.Calendar.Length > 0)
        {
            if (dates is null)
                throw new ArgumentException($"the model uses calendar inputs ({string.Join(", ", spec.Calendar)}) but the file has no date column");
            channels.AddRange(CalendarFeatures.Channels(spec.Calendar, dates));
        }
        return new ScaledSeries(spec.TargetScaler.Transform(target), [.. channels]);
    }
}
