namespace Recur.Forecasting;

/// <summary>
/// Supervised samples cut from a series for training or scoring a model, as flat row-major
/// float arrays: <see cref="Inputs"/> is [samples, lookback, features] and
/// <see cref="Targets"/> is [samples, horizon].
/// </summary>
/// <remarks>
/// Sample i for origin t = Origins[i]:
/// Inputs[i, j, 0] = target[t − L + j] and Inputs[i, j, 1 + f] = feature f at t − L + j,
/// for j = 0..L−1 (values before t only); Targets[i, h] = target[t + h] for h = 0..H−1.
/// Which origins are allowed (training windows inside the training part, …) is decided by
/// <see cref="ForecastSplit.Origins"/>; this type only cuts.
/// </remarks>
public sealed class ForecastWindows
{
    /// <summary>Number of samples.</summary>
    public int Count => Origins.Length;

    /// <summary>L: time steps in each input window.</summary>
    public int Lookback { get; }

    /// <summary>H: target values per sample.</summary>
    public int Horizon { get; }

    /// <summary>Values per input time step: 1 (the target) + the number of exogenous features.</summary>
    public int Features { get; }

    /// <summary>The origin t of each sample, an index into the series.</summary>
    public int[] Origins { get; }

    /// <summary>[samples, lookback, features], row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>[samples, horizon], row-major.</summary>
    public float[] Targets { get; }

    /// <summary>Shape of <see cref="Inputs"/>: [Count, Lookback, Features].</summary>
    public int[] InputShape => [Count, Lookback, Features];

    /// <summary>Shape of <see cref="Targets"/>: [Count, Horizon].</summary>
    public int[] TargetShape => [Count, Horizon];

    private ForecastWindows(int lookback, int horizon, int features, int[] origins, float[] inputs, float[] targets)
    {
        Lookback = lookback;
        Horizon = horizon;
        Features = features;
        Origins = origins;
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>
    /// Cuts one sample per origin from the (usually scaled) <paramref name="target"/> and
    /// <paramref name="features"/> (each as long as the target; pass an empty list for none).
    /// </summary>
    /// <exception cref="ArgumentException">A feature's length differs, or an origin's window falls outside the series.</exception>
    public static ForecastWindows Build(ReadOnlySpan<double> target, IReadOnlyList<double[]> features,
        int[] origins, int lookback, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lookback);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        foreach (var feature in features)
            if (feature.Length != target.Length)
                throw new ArgumentException($"every feature must be as long as the target ({target.Length}), got {feature.Length}");
        foreach (int t in origins)
            if (t < lookback || t + horizon > target.Length)
                throw new ArgumentException(
                    $"origin {t} needs steps [{t - lookback}, {t + horizon}) but the series has [0, {target.Length})");

        int width = 1 + features.Count;
        var inputs = new float[checked(origins.Length * lookback * width)];
        var targets = new float[checked(origins.Length * horizon)];
        for (int i = 0; i < origins.Length; i++)
        {
            int t = origins[i];
            var window = inputs.AsSpan(i * lookback * width, lookback * width);
            for (int j = 0; j < lookback; j++)
            {
                int s = t - lookback + j;
                window[j * width] = (float)target[s];
                for (int f = 0; f < features.Count; f++)
                    window[j * width + 1 + f] = (float)features[f][s];
            }
            for (int h = 0; h < horizon; h++)
                targets[i * horizon + h] = (float)target[t + h];
        }
        return new ForecastWindows(lookback, horizon, width, origins, inputs, targets);
    }
}
