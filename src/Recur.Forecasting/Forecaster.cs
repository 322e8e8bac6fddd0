using Recur.Autograd;

namespace Recur.Forecasting;

/// <summary>
/// A fitted forecaster: the network with the settings that feed it and, per series, the method chosen on validation
/// and the interval offsets. <c>Fit</c> trains one (global) model on every series of a <see cref="SeriesSet"/>;
/// <c>Save</c>/<c>Load</c> keep it in a safetensors file; <c>Predict</c> forecasts past the end of a file;
/// <c>Evaluate</c> scores it against the baselines. Everything <c>recur forecast</c> and <c>recur predict</c> do.
/// </summary>
public sealed class Forecaster
{
    /// <summary>Origins per forward pass at inference, to bound memory on long series.</summary>
    private const int Chunk = 256;

    /// <summary>The settings and per-series state.</summary>
    public ForecastSpec Spec { get; internal set; }

    /// <summary>The network (PyTorch parameter names, see <see cref="ForecastNet"/>).</summary>
    public ForecastNet Net { get; }

    /// <summary>A forecaster of <paramref name="spec"/> around <paramref name="net"/>.</summary>
    public Forecaster(ForecastSpec spec, ForecastNet net)
    {
        Spec = spec;
        Net = net;
    }

    /// <summary>A fresh, untrained network for <paramref name="spec"/>, its weights drawn from <paramref name="rng"/>.</summary>
    public static Forecaster Create(ForecastSpec spec, Generator rng) =>
        new(spec, new ForecastNet(spec.Cell, spec.InputSize, spec.Hidden, spec.Layers, spec.WindowWidth, spec.Horizon, rng,
            spec.LearnedQuantiles ? spec.Quantiles : null, spec.LearnedQuantiles && spec.Gaussian));

    /// <summary>
    /// Fits a forecaster on every series of <paramref name="data"/>: split, scale, train one network on all series, choose
    /// each series' method and interval on validation, and score it and the baselines on the test part.
    /// </summary>
    /// <exception cref="ArgumentException">A bad option.</exception>
    /// <exception cref="InvalidDataException">Series too short for the sizes and split, or values that cannot be scaled.</exception>
    /// <exception cref="ArithmeticException">Training diverged (no model is returned).</exception>
    public static ForecastResult Fit(SeriesSet data, ForecastOptions options, Action<EpochReport>? progress = null) =>
        ForecastJob.Fit(data, options, progress);

    /// <summary>Writes the model to <paramref name="path"/> (<see cref="ModelFile"/>).</summary>
    /// <exception cref="ArithmeticException">A parameter or scaling is not finite: no file is written.</exception>
    public void Save(string path) => ModelFile.Save(path, this);

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Not a usable model file.</exception>
    public static Forecaster Load(string path) => ModelFile.Load(path);

    /// <summary>
    /// Forecasts the next <paramref name="horizon"/> (≤ the trained horizon; default all) steps after the history of every
    /// series of <paramref name="data"/> the model knows, with the quantiles <paramref name="quantiles"/> (a subset of the
    /// trained levels; default all). Rows after the last value are the future rows that supply known-future inputs.
    /// </summary>
    /// <exception cref="ArgumentException">A horizon or level the model was not trained for, or a series it does not know.</exception>
    /// <exception cref="InvalidDataException">Too little history, a different date step, missing known-future inputs, or a forecast that is not finite (a model file whose weights overflow).</exception>
    public IReadOnlyList<Prediction> Predict(SeriesSet data, int? horizon = null, double[]? quantiles = null) =>
        Predictor.Predict(this, data, horizon, quantiles);

    /// <summary>Scores the model and the baselines on the test part of every series (split by <paramref name="split"/>, default 70/10/20).</summary>
    public ForecastEvaluation Evaluate(SeriesSet data, Func<TimeSeries, ForecastSplit>? split = null, int backtest = 1) =>
        ForecastJob.Evaluate(this, data, split ?? (s => ForecastSplit.Chronological(s.Length)), backtest);

    /// <summary>Network forecasts in scaled units, row-major [origins, H]: anchor + the network's correction.</summary>
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

    /// <summary>
    /// Forecasts of one series at <paramref name="origins"/> by <paramref name="method"/> (default: the series' chosen one),
    /// in the series' units, with every trained quantile. <paramref name="values"/> are the history with no missing value;
    /// <paramref name="inputs"/> and <paramref name="dates"/> may run past it (known-future rows). When the model has a
    /// calibration window and <paramref name="calibrateFrom"/> ≥ 0, each origin's interval is rescaled by the residuals of the
    /// same method from origins at or after <paramref name="calibrateFrom"/> whose targets (<paramref name="actual"/>, NaN where
    /// missing; default <paramref name="values"/>) lie before it (<see cref="ConformalIntervals.RecentScale"/>).
    /// </summary>
    public SeriesForecast ForecastSeries(SeriesState state, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates,
        int[] origins, string? method = null, double[]? actual = null, int calibrateFrom = -1)
    {
        method ??= state.Method;
        var z = state.Transform.Forward(values);
        var transformed = ForecastTransformed(state, z, values, inputs, dates, origins, method);
        int H = Spec.Horizon;
        var point = new double[transformed.Length];
        for (int i = 0; i < point.Length; i++) point[i] = state.Transform.Inverse(transformed[i]);
        var quantiles = new double[Spec.Quantiles.Length][];
        if (LearnsQuantiles(method))
        {
            // The network's own quantiles, as offsets from its point, added to the method's point (the same for "network"),
            // scaled by the series' validation factor and, per origin, by the recent residuals' factor.
            var spread = NetworkQuantileOffsets(state, values, inputs, dates, origins);
            var learnedFactor = LearnedFactors(state, z, values, inputs, dates, origins, method, actual ?? values, calibrateFrom);
            for (int k = 0; k < quantiles.Length; k++)
            {
                quantiles[k] = new double[transformed.Length];
                for (int i = 0; i < transformed.Length; i++)
                    quantiles[k][i] = state.Transform.Inverse(transformed[i] + state.Scaler.Std * state.QuantileScale * learnedFactor[i / H] * spread[k][i]);
            }
            return new SeriesForecast(origins, H, point, quantiles);
        }
        var volatility = origins.Select(t => ConformalIntervals.Volatility(z, t, Spec.VolatilityWindow, state.Scaler.Std)).ToArray();
        var factor = RecentFactors(state, z, values, inputs, dates, origins, method, actual ?? values, calibrateFrom);
        for (int k = 0; k < quantiles.Length; k++)
        {
            quantiles[k] = new double[transformed.Length];
            for (int i = 0; i < transformed.Length; i++)
                quantiles[k][i] = state.Transform.Inverse(transformed[i] + state.Scaler.Std * volatility[i / H] * factor[i / H] * state.Offsets[k][i % H]);
        }
        return new SeriesForecast(origins, H, point, quantiles);
    }

    /// <summary>Whether the quantiles of <paramref name="method"/> come from the network's quantile head rather than the conformal offsets.</summary>
    public bool LearnsQuantiles(string method) => Spec.LearnedQuantiles && Net.Quantile is not null && ForecastMethods.UsesNetwork(method);

    /// <summary>
    /// The network's learned quantiles minus its point forecast, in scaled units: [levels][origins·H] (row-major per level),
    /// increasing across levels (<see cref="QuantileHeads.Monotone"/>).
    /// </summary>
    internal double[][] NetworkQuantileOffsets(SeriesState state, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates, int[] origins)
    {
        var batch = ForecastBatch.Cut(Spec, ScaledSeries.From(Spec, state, values, inputs, dates), origins, withTargets: false);
        int H = Spec.Horizon, Q = Spec.Quantiles.Length;
        var result = new double[Q][];
        for (int k = 0; k < Q; k++) result[k] = new double[origins.Length * H];
        bool training = Net.Training;
        Net.Eval();
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < batch.Count; start += Chunk)
            {
                int n = Math.Min(Chunk, batch.Count - start);
                var (x, window, _) = batch.Tensors(Enumerable.Range(start, n).ToArray());
                var (p, q) = Net.ForwardQuantiles(x, window);
                var pv = p.ToArray();
                var qv = q!.ToArray();                                                              // [n, Q, H]
                for (int i = 0; i < n; i++)
                    for (int k = 0; k < Q; k++)
                        for (int h = 0; h < H; h++)
                            result[k][(start + i) * H + h] = (double)qv[(i * Q + k) * H + h] - pv[i * H + h];
            }
        }
        Net.Train(training);
        return result;
    }

    /// <summary>
    /// The residuals of <paramref name="method"/> at <paramref name="origins"/> in scaled units ((actual − forecast)/std, NaN where
    /// <paramref name="actual"/> is missing or past its end), row-major [origins, H], beside the network's learned spread there
    /// (<see cref="NetworkQuantileOffsets"/>): what a learned interval's scale is calibrated on.
    /// </summary>
    internal (double[] Residuals, double[][] Spread) LearnedResiduals(SeriesState state, double[] z, double[] values, IReadOnlyList<double[]> inputs,
        IReadOnlyList<DateTime>? dates, int[] origins, string method, double[] actual)
    {
        var residuals = Residuals(state, z, values, inputs, dates, origins, method, actual, _ => state.Scaler.Std);
        return (residuals, NetworkQuantileOffsets(state, values, inputs, dates, origins));
    }

    // The learned interval's factor at each origin from the recent residuals (1 without a calibration window): the same rolling
    // recalibration as the conformal offsets', with the network's spread at each residual's origin as its offset.
    private double[] LearnedFactors(SeriesState state, double[] z, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates,
        int[] origins, string method, double[] actual, int calibrateFrom)
    {
        if (CalibrationOrigins(origins, values, actual, calibrateFrom) is not { } past) return [.. origins.Select(_ => 1.0)];
        int H = Spec.Horizon;
        var (residuals, spread) = LearnedResiduals(state, z, values, inputs, dates, past, method, actual);
        double scale = state.QuantileScale;
        return ConformalIntervals.RecentScaleBy(origins, past, residuals, H, Spec.CalibrationWindow, (j, k, h) => scale * spread[k][j * H + h],
            Spec.Quantiles, Spec.CalibrationPrior);
    }

    // The interval factor of each origin from the recent residuals (1 without a calibration window).
    private double[] RecentFactors(SeriesState state, double[] z, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates,
        int[] origins, string method, double[] actual, int calibrateFrom)
    {
        if (CalibrationOrigins(origins, values, actual, calibrateFrom) is not { } past) return [.. origins.Select(_ => 1.0)];
        var residuals = Residuals(state, z, values, inputs, dates, past, method, actual,
            t => state.Scaler.Std * ConformalIntervals.Volatility(z, t, Spec.VolatilityWindow, state.Scaler.Std));
        return ConformalIntervals.RecentScale(origins, past, residuals, Spec.Horizon, Spec.CalibrationWindow, state.Offsets, Spec.Quantiles, Spec.CalibrationPrior);
    }

    // The origins whose residuals rescale the intervals at origins: every one in the calibration window before them, from
    // calibrateFrom on and with its first target inside the data; null when there is none (no window, no quantiles, no rows).
    private int[]? CalibrationOrigins(int[] origins, double[] values, double[] actual, int calibrateFrom)
    {
        int H = Spec.Horizon, window = Spec.CalibrationWindow;
        if (window <= 0 || calibrateFrom < 0 || origins.Length == 0 || Spec.Quantiles.Length == 0) return null;
        int from = Math.Max(Math.Max(calibrateFrom, Math.Max(Spec.Lookback, Spec.Season)), origins.Min() - window - H + 1);
        int to = Math.Min(origins.Max() - 1, Math.Min(actual.Length, values.Length) - 1);
        return to < from ? null : Enumerable.Range(from, to - from + 1).ToArray();
    }

    // The residuals of method at origins, row-major [origins, H]: (actual − forecast) in transformed units over unit(origin),
    // NaN where actual is missing or past its end.
    private double[] Residuals(SeriesState state, double[] z, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates,
        int[] origins, string method, double[] actual, Func<int, double> unit)
    {
        int H = Spec.Horizon;
        var f = ForecastTransformed(state, z, values, inputs, dates, origins, method);
        var residuals = new double[f.Length];
        for (int k = 0; k < f.Length; k++)
        {
            int t = origins[k / H], target = t + k % H;
            residuals[k] = target < actual.Length && !double.IsNaN(actual[target])
                ? (state.Transform.Forward(actual[target]) - f[k]) / unit(t)
                : double.NaN;
        }
        return residuals;
    }

    /// <summary>Point forecasts in the series' transformed units (before the inverse transform).</summary>
    internal double[] ForecastTransformed(SeriesState state, double[] z, double[] values, IReadOnlyList<double[]> inputs, IReadOnlyList<DateTime>? dates,
        int[] origins, string method)
    {
        double[] Network()
        {
            var scaled = ScaledSeries.From(Spec, state, values, inputs, dates);
            var f = ForecastScaled(ForecastBatch.Cut(Spec, scaled, origins, withTargets: false));
            var result = new double[f.Length];
            for (int i = 0; i < f.Length; i++) result[i] = state.Scaler.Inverse(f[i]);
            return result;
        }
        return ForecastMethods.Forecast(method, z, state, Spec.Season, origins, Spec.Horizon, Network);
    }
}
