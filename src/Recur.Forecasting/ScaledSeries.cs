namespace Recur.Forecasting;

/// <summary>
/// A series as the network sees it: the target transformed and standardised with its series' training-part scaling,
/// and the input channels per row (features, the series indicators of a global model's embedding, known-future inputs, then sin/cos of each calendar cycle). The channels
/// may run past the target (the future rows whose known inputs a forecast past the end reads).
/// </summary>
/// <param name="Target">Scaled target, no missing values.</param>
/// <param name="Channels">Input channels, each at least as long as the target.</param>
public sealed record ScaledSeries(double[] Target, double[][] Channels)
{
    /// <summary>
    /// The series' state and its transformed, unscaled values, kept when the network's anchor is Holt-Winters
    /// (<see cref="ForecastAnchor.HoltWinters"/>): the anchor is the state's Holt-Winters forecast of these values, scaled.
    /// </summary>
    public (SeriesState State, double[] Transformed)? Smoothing { get; init; }

    /// <summary>Rows of the target.</summary>
    public int Length => Target.Length;

    /// <summary>
    /// Transforms and scales <paramref name="values"/> (original units, no missing values) and <paramref name="inputs"/> with
    /// <paramref name="state"/>, and adds the calendar channels of <paramref name="dates"/> (which may run past the values).
    /// </summary>
    /// <exception cref="ArgumentException">The spec has calendar cycles and there are no dates, or the sizes disagree.</exception>
    public static ScaledSeries From(ForecastSpec spec, SeriesState state, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates)
    {
        if (inputs.Count != spec.Features.Length + spec.KnownFuture.Length)
            throw new ArgumentException($"expected {spec.Features.Length + spec.KnownFuture.Length} input columns, got {inputs.Count}");
        var transformed = state.Transform.Forward(values);
        var target = new double[values.Length];
        for (int i = 0; i < values.Length; i++) target[i] = state.Scaler.Transform(transformed[i]);
        var channels = new List<double[]>();
        for (int f = 0; f < spec.Features.Length; f++)
            channels.Add(state.InputScalers[f].Transform(inputs[f]));
        if (spec.SeriesEmbedding)
        {
            // Indicators of the series, as long as any channel (the known-future rows included).
            int index = Array.FindIndex(spec.Series, x => x.Name == state.Name);
            int rows = Math.Max(values.Length, Math.Max(inputs.Count > 0 ? inputs.Max(i => i.Length) : 0, dates?.Count ?? 0));
            for (int k = 0; k < spec.Series.Length; k++)
            {
                var indicator = new double[rows];
                if (k == index) Array.Fill(indicator, 1.0);
                channels.Add(indicator);
            }
        }
        for (int f = spec.Features.Length; f < inputs.Count; f++)
            channels.Add(state.InputScalers[f].Transform(inputs[f]));
        if (spec.Calendar.Length > 0)
        {
            if (dates is null)
                throw new ArgumentException($"the model uses calendar inputs ({string.Join(", ", spec.Calendar)}) but the file has no date column");
            channels.AddRange(CalendarFeatures.Channels(spec.Calendar, dates));
        }
        foreach (var c in channels)
            if (c.Length < target.Length) throw new ArgumentException($"an input channel has {c.Length} rows, the target {target.Length}");
        return new ScaledSeries(target, [.. channels]) { Smoothing = spec.Anchor == ForecastAnchor.HoltWinters ? (state, transformed) : null };
    }
}
