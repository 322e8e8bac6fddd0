namespace Recur.Forecasting;

/// <summary>
/// The point methods a series can be forecast with. The network and the strong baselines compete on the validation
/// part and each series keeps the winner (<see cref="SeriesState.Method"/>; on a short validation part a combination
/// unless the winner is clearly better: <see cref="MethodChoice"/>), so a series where the network loses to
/// exponential smoothing is forecast by exponential smoothing rather than worse. All work in the series' transformed units.
/// </summary>
public static class ForecastMethods
{
    /// <summary>
    /// network; the five baselines (persistence, seasonal naive, mean, drift, holt-winters); network+holt-winters (their
    /// mean); ensemble (the mean of network, holt-winters and seasonal naive); hybrid (a network trained on the correction
    /// to Holt-Winters: <see cref="ForecastAnchor.HoltWinters"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> Names =
        ["network", "persistence", "seasonal naive", "mean", "drift", "holt-winters", "network+holt-winters", "ensemble", "hybrid"];

    /// <summary>Whether <paramref name="method"/> reads a network anchored on Holt-Winters (the hybrid) rather than on persistence or seasonal naive.</summary>
    public static bool IsHybrid(string method) => method == "hybrid";

    /// <summary>The baselines reported beside the model.</summary>
    public static readonly IReadOnlyList<string> Baselines = ["persistence", "seasonal naive", "mean", "drift", "holt-winters"];

    /// <summary>Whether <paramref name="method"/> reads the network.</summary>
    public static bool UsesNetwork(string method) => method is "network" or "network+holt-winters" or "ensemble" or "hybrid";

    /// <summary>
    /// Forecasts row-major [origins, horizon] in transformed units by <paramref name="method"/>; <paramref name="network"/>
    /// gives the network's forecasts when the method needs them.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown method.</exception>
    public static double[] Forecast(string method, double[] z, SeriesState state, int season, int[] origins, int horizon, Func<double[]> network)
    {
        double[] Mean(params double[][] parts)
        {
            var result = new double[parts[0].Length];
            foreach (var p in parts)
                for (int i = 0; i < result.Length; i++) result[i] += p[i] / parts.Length;
            return result;
        }
        return method switch
        {
            "network" or "hybrid" => network(),
            "persistence" => Forecasting.Baselines.Persistence(z, origins, horizon),
            "seasonal naive" => Forecasting.Baselines.SeasonalNaive(z, origins, horizon, season),
            "mean" => Forecasting.Baselines.Constant(state.TrainMean, origins.Length, horizon),
            "drift" => Forecasting.Baselines.Drift(z, origins, horizon),
            "holt-winters" => state.HoltWinters.Forecast(z, origins, horizon),
            "network+holt-winters" => Mean(network(), state.HoltWinters.Forecast(z, origins, horizon)),
            "ensemble" => Mean(network(), state.HoltWinters.Forecast(z, origins, horizon), Forecasting.Baselines.SeasonalNaive(z, origins, horizon, season)),
            _ => throw new ArgumentException($"unknown forecast method {Excerpt.Of(method)}: expected one of {string.Join(", ", Names)}"),
        };
    }
}
