
namespace Recur.Forecasting;

/// <summary>A network with the settings that feed it: what a model file holds, and what forecasts.</summary>
public sealed class Forecaster
{
    /// <summary>Origins per forward pass at inference, to bound memory on long series.</summary>
    private const int Chunk = 256;

    /// <summary>The settings: columns, sizes, scaling, calendar (the model file's metadata).</summary>
    public ForecastSpec Spec { get; }
    /// <summary>The network whose weights are trained and saved.</summary>
    public ForecastNet Net { get; }

    /// <summary>Pairs a network with the settings it was built for.</summary>
    public Forecaster(ForecastSpec spec, ForecastNet net)
    {
        Spec = spec;
        Net = net;
    }

    /// <summary>A fresh, untrained network for <paramref name="spec"/>, its weights drawn from <paramref name="rng"/>.</summary>
    public static Forecaster Create(ForecastSpec spec, Generator rng) =>
        new(spec, new ForecastNet(spec.Cell, spec.InputSize, spec.Hidden, spec.Layers, spec.Lookback, spec.Horizon, rng));

    /// <summary>Forecasts in scaled units, row-major [origins, H]: anchor + the network's correction.</summary>
    public float[] ForecastScaled(ForecastBatch batch)
    {
        var result = new float[batch.Count * batch.Horizon];
        bool training = Net.Training;
        Net.Eval();
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < batch.Count; start += Chunk)
            {
                int n = Math.Min(Chunk, batch.Count - start);
                var indices = Enumerable.Range(start, n).ToArray();
                var (x, window, _) = batch.Tensors(indices);
                Net.Forward(x, window).Span.CopyTo(result.AsSpan(start * batch.Horizon));
            }
        }
        Net.Train(training);
        for (int i = 0; i < result.Length; i++) result[i] += batch.Anchors[i];
        return result;
    }

    /// <summary>Forecasts in the series' own units, row-major [origins, H]: ŷ[t+h] for each origin t.</summary>
    public double[] Forecast(ScaledSeries series, int[] origins) =>
        Spec.TargetScaler.Inverse(ForecastScaled(ForecastBatch.Cut(Spec, series, origins, withTargets: false)));
}
