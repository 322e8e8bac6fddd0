using System.Globalization;
using System.Text.Json;
using Recur.IO;

namespace Recur.Forecasting;

/// <summary>
/// A forecaster on disk: safetensors with the network's parameters under PyTorch's names (they load into the equivalent
/// <c>nn.Module</c>, see docs/FORECASTING.md) and every setting <c>recur predict</c> needs in the header's
/// <c>__metadata__</c> (strings only, as the format requires; lists and the per-series state are JSON).
/// </summary>
public static class ModelFile
{
    /// <summary>The metadata's <c>format</c>.</summary>
    public const string Format = "recur.forecast";

    /// <summary>The metadata's <c>format_version</c>: 2 adds series, quantiles, transforms and known-future inputs.</summary>
    public const string FormatVersion = "2";

    // Bounds that no sensible model exceeds: a corrupt header cannot make us allocate a huge network.
    /// <summary>The largest sizes a model file holds (and <see cref="Forecaster.Fit"/> accepts, so a fitted model can always be saved).</summary>
    public const int MaxHidden = 4096, MaxLayers = 64, MaxLookback = 1_000_000, MaxHorizon = 100_000, MaxFeatures = 10_000, MaxSeries = 100_000,
        MaxQuantiles = 1000;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (the old file stays whole on failure).</summary>
    /// <exception cref="ArithmeticException">A parameter, scaling or offset is not finite: nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The settings would not pass <see cref="Load"/>'s checks: nothing is written.</exception>
    public static void Save(string path, Forecaster model)
    {
        var tensors = model.Net.NamedParameters()
            .Select(p => new NamedTensorData(p.Name, p.Parameter.Shape.AsSpan().ToArray(), p.Parameter.ToArray()))
            .ToList();
        foreach (var t in tensors)
            if (t.Data.Any(v => !float.IsFinite(v)))
                throw new ArithmeticException($"the model's tensor '{t.Name}' holds a non-finite value (training diverged): no model file written");
        foreach (var s in model.Spec.Series)
        {
            double[] numbers = [s.Scaler.Mean, s.Scaler.Std, s.TrainMean, s.Transform.Lambda, s.QuantileScale, .. s.InputScalers.SelectMany(i => new[] { i.Mean, i.Std }), .. s.Offsets.SelectMany(o => o)];
            if (numbers.Any(v => !double.IsFinite(v)))
                throw new ArithmeticException($"series {Excerpt.Of(s.Name)}: a scaling or interval value is not finite: no model file written");
        }
        var meta = Metadata(model.Spec);
        // The loader's own checks, before anything is written: a file that recur predict would refuse is never saved.
        try { ReadSpec(path, meta); }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"the model would not load back ({e.Message}): no model file written", e);
        }
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>The settings as metadata strings.</summary>
    public static Dictionary<string, string> Metadata(ForecastSpec s)
    {
        var meta = Settings(s);
        if (s.SeriesEmbedding) meta["series_embedding"] = "true";
        if (s.LearnedQuantiles) meta["intervals"] = s.IntervalKind;
        if (s.CalibrationWindow > 0)
        {
            meta["calibration_window"] = Int(s.CalibrationWindow);
            meta["calibration_prior"] = s.CalibrationPrior.ToString("R", CultureInfo.InvariantCulture);
        }
        return meta;
    }

    private static Dictionary<string, string> Settings(ForecastSpec s) => new()
    {
        ["format"] = Format,
        ["format_version"] = FormatVersion,
        ["cell"] = s.Cell,
        ["input_size"] = Int(s.InputSize),
        ["hidden_size"] = Int(s.Hidden),
        ["num_layers"] = Int(s.Layers),
        ["lookback"] = Int(s.Lookback),
        ["horizon"] = Int(s.Horizon),
        ["season"] = Int(s.Season),
        ["anchor"] = s.Anchor switch { ForecastAnchor.Seasonal => "seasonal", ForecastAnchor.HoltWinters => "holt-winters", _ => "last" },
        ["value_column"] = s.ValueColumn ?? "",
        ["series_id_column"] = s.SeriesIdColumn ?? "",
        ["features"] = JsonSerializer.Serialize(s.Features),
        ["known_future"] = JsonSerializer.Serialize(s.KnownFuture),
        ["calendar"] = JsonSerializer.Serialize(s.Calendar),
        ["quantiles"] = JsonSerializer.Serialize(s.Quantiles),
        ["input_channels"] = JsonSerializer.Serialize(InputChannels(s)),
        ["step"] = s.Step is null ? "" : JsonSerializer.Serialize(new StepDto(s.Step.Unit.ToString(), s.Step.Duration.TotalSeconds, s.Step.Months), Json),
        ["date_format"] = s.DateFormat,
        ["series"] = JsonSerializer.Serialize(s.Series.Select(ToDto), Json),
    };

    /// <summary>What each input channel holds, in order (documentation for whoever loads the file elsewhere).</summary>
    public static string[] InputChannels(ForecastSpec s) =>
    [
        "the series' transformed, standardised value minus its last value in the window",
        .. s.Features.Select(f => $"{f} standardised"),
        .. s.Series.Take(s.SeriesChannels).Select(x => $"1 for series {x.Name}, else 0 (series embedding)"),
        .. s.KnownFuture.Select(f => $"{f} standardised (also read at the forecast steps by the highway)"),
        .. s.Calendar.SelectMany(c => new[] { $"sin(2π·{c})", $"cos(2π·{c})" }),
    ];

    /// <summary>
    /// Reads a model file, checking the metadata and every tensor's name and shape against the settings
    /// before the network is built.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not valid safetensors, not a forecast model, or metadata and tensors disagree.</exception>
    public static Forecaster Load(string path)
    {
        var file = Safetensors.Load(path);
        var spec = ReadSpec(path, file.Metadata);

        var expected = ForecastNet.ExpectedShapes(spec.Cell, spec.InputSize, spec.Hidden, spec.Layers, spec.WindowWidth, spec.Horizon,
            spec.LearnedQuantiles ? ForecastNet.HeadRows(spec.Quantiles.Length, spec.Gaussian) : 0);
        var byName = file.Tensors.ToDictionary(t => t.Name);
        foreach (var (name, shape) in expected)
        {
            if (!byName.TryGetValue(name, out var t))
                throw Invalid(path, $"tensor '{name}' is missing");
            if (!t.Shape.SequenceEqual(shape))
                throw Invalid(path, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}] " +
                                    $"for a {spec.Cell} of hidden_size {spec.Hidden}, input_size {spec.InputSize}, lookback {spec.Lookback}, horizon {spec.Horizon}" +
                                    (name.StartsWith("quantile.", StringComparison.Ordinal) ? $", intervals {spec.IntervalKind} with {spec.Quantiles.Length} levels" : ""));
            foreach (float v in t.Data)
                if (!float.IsFinite(v))
                    throw Invalid(path, $"tensor '{name}' holds a non-finite value ({v})");
        }
        var extra = byName.Keys.Except(expected.Select(e => e.Name)).ToList();
        if (extra.Count > 0)
            throw Invalid(path, $"unexpected tensor(s) {Excerpt.List(extra)}");

        var model = Forecaster.Create(spec, new Generator(0));
        model.Net.LoadStateDict(file.Tensors.ToDictionary(t => t.Name, t => Tensor.FromArray(t.Data, t.Shape)));
        return model;
    }

    private sealed record StepDto(string Unit, double Seconds, int Months);

    private sealed record ScalerDto(double Mean, double Std);

    private sealed record HoltWintersDto(int Season, double Alpha, double Beta, double Gamma, double Phi);

    private sealed record SeriesDto(string Name, string Transform, double Lambda, ScalerDto Scaler, ScalerDto[] InputScalers,
        double TrainMean, HoltWintersDto HoltWinters, string Method, double[][] Offsets,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? QuantileScale = null);

    private static SeriesDto ToDto(SeriesState s) => new(s.Name, s.Transform.Kind, s.Transform.Lambda, new ScalerDto(s.Scaler.Mean, s.Scaler.Std),
        [.. s.InputScalers.Select(i => new ScalerDto(i.Mean, i.Std))], s.TrainMean,
        new HoltWintersDto(s.HoltWinters.Season, s.HoltWinters.Alpha, s.HoltWinters.Beta, s.HoltWinters.Gamma, s.HoltWinters.Phi), s.Method, s.Offsets,
        s.QuantileScale == 1 ? null : s.QuantileScale);

    private static ForecastSpec ReadSpec(string path, IReadOnlyDictionary<string, string> meta)
    {
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw Invalid(path, $"metadata '{key}' is missing");

        if (!meta.TryGetValue("format", out var format) || format != Format)
            throw Invalid(path, $"not a recur forecast model (metadata 'format' is {(format is null ? "missing" : Excerpt.Of(format))}, expected '{Format}')");
        if (Get("format_version") != FormatVersion)
            throw Invalid(path, $"format_version {Excerpt.Of(Get("format_version"))} is not supported (this recur reads version {FormatVersion}; refit the model)");

        string cell = Get("cell");
        if (!Recur.Nn.CellChoice.Names.Contains(cell))
            throw Invalid(path, $"metadata 'cell' is {Excerpt.Of(cell)}, expected one of {string.Join(", ", Recur.Nn.CellChoice.Names)}");
        int hidden = ReadInt(path, meta, "hidden_size", MaxHidden);
        int layers = ReadInt(path, meta, "num_layers", MaxLayers);
        int lookback = ReadInt(path, meta, "lookback", MaxLookback);
        int horizon = ReadInt(path, meta, "horizon", MaxHorizon);
        int season = ReadInt(path, meta, "season", MaxLookback);
        int inputSize = ReadInt(path, meta, "input_size", 3 * MaxFeatures);
        var anchor = Get("anchor") switch
        {
            "last" => ForecastAnchor.Last,
            "seasonal" => ForecastAnchor.Seasonal,
            "holt-winters" => ForecastAnchor.HoltWinters,
            var a => throw Invalid(path, $"metadata 'anchor' is {Excerpt.Of(a)}, expected 'last', 'seasonal' or 'holt-winters'"),
        };
        if (anchor == ForecastAnchor.Seasonal && season > lookback)
            throw Invalid(path, $"a seasonal anchor needs season ≤ lookback, got season {season} and lookback {lookback}");

        var features = ReadArray<string>(path, meta, "features", MaxFeatures);
        var known = ReadArray<string>(path, meta, "known_future", MaxFeatures);
        var calendar = ReadArray<string>(path, meta, "calendar", MaxFeatures);
        var quantiles = ReadArray<double>(path, meta, "quantiles", MaxQuantiles);
        if (quantiles.Any(q => !(q > 0 && q < 1)) || quantiles.Zip(quantiles.Skip(1)).Any(p => p.First >= p.Second))
            throw Invalid(path, "metadata 'quantiles' must be increasing levels in (0, 1)");
        try
        {
            CalendarFeatures.Validate(calendar);
        }
        catch (ArgumentException e)
        {
            throw Invalid(path, e.Message);
        }
        bool embedding = meta.TryGetValue("series_embedding", out var embeddingText) && embeddingText == "true";
        if (embeddingText is not null and not "true" and not "false")
            throw Invalid(path, $"metadata 'series_embedding' is {Excerpt.Of(embeddingText)}, expected true or false");
        if (!embedding && inputSize != 1 + features.Length + known.Length + 2 * calendar.Length)
            throw Invalid(path, $"input_size {inputSize} disagrees with 1 + {features.Length} features + {known.Length} known-future + 2·{calendar.Length} calendar cycles");
        if ((long)horizon * (known.Length + 2 * calendar.Length) + lookback > MaxLookback)
            throw Invalid(path, "the highway's width (lookback + horizon × known channels) is beyond 1 000 000");

        DateStep? step = null;
        string stepText = Get("step");
        if (stepText.Length > 0)
        {
            var dto = Parse<StepDto>(path, "step", stepText);
            if (!Enum.TryParse<DateStepUnit>(dto.Unit, out var unit) || !double.IsFinite(dto.Seconds) || dto.Seconds < 0
                || dto.Seconds > TimeSpan.MaxValue.TotalSeconds / 2 || dto.Months < 0 || dto.Months > 1200
                || unit == DateStepUnit.Duration && dto.Seconds <= 0 || unit == DateStepUnit.Months && dto.Months < 1)
                throw Invalid(path, $"metadata 'step' is {Excerpt.Of(stepText)}, expected a unit (Duration, Months, BusinessDays) with a positive size");
            step = new DateStep(unit, TimeSpan.FromSeconds(dto.Seconds), dto.Months);
        }

        var seriesDtos = Parse<SeriesDto[]>(path, "series", Get("series"));
        if (seriesDtos.Length == 0 || seriesDtos.Length > MaxSeries)
            throw Invalid(path, $"metadata 'series' holds {seriesDtos.Length} series, expected 1 … {MaxSeries}");
        var series = seriesDtos.Select(d => ReadSeries(path, d, features.Length + known.Length, quantiles.Length, horizon)).ToArray();
        if (series.Select(s => s.Name).Distinct().Count() != series.Length)
            throw Invalid(path, "metadata 'series' names a series twice");
        // The hybrid is the network anchored on Holt-Winters, the other network methods read one anchored on persistence or seasonal naive.
        foreach (var st in series)
            if (ForecastMethods.UsesNetwork(st.Method) && ForecastMethods.IsHybrid(st.Method) != (anchor == ForecastAnchor.HoltWinters))
                throw Invalid(path, $"series {Excerpt.Of(st.Name)}: method {st.Method} does not go with anchor {Get("anchor")} (hybrid needs 'holt-winters', the other network methods 'last' or 'seasonal')");
        if (embedding && inputSize != 1 + features.Length + series.Length + known.Length + 2 * calendar.Length)
            throw Invalid(path, $"input_size {inputSize} disagrees with 1 + {features.Length} features + {series.Length} series indicators + {known.Length} known-future + 2·{calendar.Length} calendar cycles");
        // Optional (added after format_version 2 was first written): files without them keep static intervals.
        int calibrationWindow = 0;
        double calibrationPrior = 0;
        if (meta.ContainsKey("calibration_window"))
        {
            calibrationWindow = ReadInt(path, meta, "calibration_window", MaxLookback);
            if (!meta.TryGetValue("calibration_prior", out var prior) || !double.TryParse(prior, NumberStyles.Float, CultureInfo.InvariantCulture, out calibrationPrior)
                || !double.IsFinite(calibrationPrior) || calibrationPrior < 0 || calibrationPrior > 1e12)
                throw Invalid(path, $"metadata 'calibration_prior' is {(prior is null ? "missing" : Excerpt.Of(prior))}, expected a non-negative number");
        }
        // Optional: "learned" when the network has the quantile head (quantile.weight, quantile.bias), "gaussian" when it has the
        // distribution head under the same names; absent means conformal.
        bool learned = meta.TryGetValue("intervals", out var intervals) && intervals is "learned" or "gaussian";
        if (intervals is not null and not "learned" and not "gaussian" and not "conformal")
            throw Invalid(path, $"metadata 'intervals' is {Excerpt.Of(intervals)}, expected learned, gaussian or conformal");
        if (learned && quantiles.Length == 0)
            throw Invalid(path, $"metadata 'intervals' is {intervals} but 'quantiles' lists no level");
        return new ForecastSpec
        {
            LearnedQuantiles = learned,
            Gaussian = intervals == "gaussian",
            SeriesEmbedding = embedding,
            CalibrationWindow = calibrationWindow,
            CalibrationPrior = calibrationPrior,
            ValueColumn = Get("value_column") is { Length: > 0 } v ? v : null,
            SeriesIdColumn = Get("series_id_column") is { Length: > 0 } id ? id : null,
            Features = features,
            KnownFuture = known,
            Cell = cell,
            Hidden = hidden,
            Layers = layers,
            Lookback = lookback,
            Horizon = horizon,
            Season = season,
            Anchor = anchor,
            Calendar = calendar,
            Step = step,
            DateFormat = Get("date_format"),
            Quantiles = quantiles,
            Series = series,
        };
    }

    private static SeriesState ReadSeries(string path, SeriesDto? d, int inputs, int levels, int horizon)
    {
        if (d?.Name is null || d.Transform is null || d.Scaler is null || d.InputScalers is null || d.HoltWinters is null || d.Method is null || d.Offsets is null)
            throw Invalid(path, "metadata 'series' has an entry with a missing field");
        string where = $"series {Excerpt.Of(d.Name)}";
        var transform = d.Transform switch
        {
            "none" => SeriesTransform.None,
            "log" => SeriesTransform.Log,
            "boxcox" when d.Lambda is >= -5 and <= 5 => new SeriesTransform("boxcox", d.Lambda),
            _ => throw Invalid(path, $"{where}: transform {Excerpt.Of(d.Transform)} (λ {d.Lambda}) is not none, log or boxcox with |λ| ≤ 5"),
        };
        if (!ForecastMethods.Names.Contains(d.Method))
            throw Invalid(path, $"{where}: method {Excerpt.Of(d.Method)} is not one of {string.Join(", ", ForecastMethods.Names)}");
        if (d.InputScalers.Length != inputs)
            throw Invalid(path, $"{where}: {d.InputScalers.Length} input scalings for {inputs} input columns");
        if (d.Offsets.Length != levels || d.Offsets.Any(o => o is null || o.Length != horizon || o.Any(v => !double.IsFinite(v))))
            throw Invalid(path, $"{where}: interval offsets must be {levels} rows of {horizon} finite numbers");
        var hw = d.HoltWinters;
        if (hw.Season < 1 || hw.Season > MaxLookback || new[] { hw.Alpha, hw.Beta, hw.Gamma, hw.Phi }.Any(p => !(p >= 0 && p <= 1)))
            throw Invalid(path, $"{where}: Holt-Winters parameters must lie in [0, 1] with a season ≥ 1");
        if (!double.IsFinite(d.TrainMean))
            throw Invalid(path, $"{where}: train_mean is not finite");
        if (d.QuantileScale is double qs && !(qs >= 0.1 && qs <= 10))
            throw Invalid(path, $"{where}: quantile_scale {qs} is outside [0.1, 10]");
        return new SeriesState
        {
            Name = d.Name,
            Transform = transform,
            Scaler = Scaler(path, d.Scaler, $"{where} target"),
            InputScalers = [.. d.InputScalers.Select((s, i) => Scaler(path, s, $"{where} input {i}"))],
            TrainMean = d.TrainMean,
            HoltWinters = new HoltWinters(hw.Season, hw.Alpha, hw.Beta, hw.Gamma, hw.Phi),
            Method = d.Method,
            Offsets = d.Offsets,
            QuantileScale = d.QuantileScale ?? 1,
        };
    }

    private static StandardScaler Scaler(string path, ScalerDto? s, string what)
    {
        if (s is null || !double.IsFinite(s.Mean) || !double.IsFinite(s.Std) || s.Std <= 0)
            throw Invalid(path, $"the {what} scaling (mean {s?.Mean}, std {s?.Std}) needs a finite mean and a positive std");
        return new StandardScaler(s.Mean, s.Std);
    }

    private static T Parse<T>(string path, string key, string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw Invalid(path, $"metadata '{key}' is {Excerpt.Of(text)}, not the JSON this recur writes");
        }
    }

    private static int ReadInt(string path, IReadOnlyDictionary<string, string> meta, string key, int max)
    {
        if (!meta.TryGetValue(key, out var text)) throw Invalid(path, $"metadata '{key}' is missing");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1 || v > max)
            throw Invalid(path, $"metadata '{key}' is {Excerpt.Of(text)}, expected an integer in [1, {max}]");
        return v;
    }

    private static T[] ReadArray<T>(string path, IReadOnlyDictionary<string, string> meta, string key, int max)
    {
        if (!meta.TryGetValue(key, out var text)) throw Invalid(path, $"metadata '{key}' is missing");
        try
        {
            var values = JsonSerializer.Deserialize<T[]>(text);
            if (values is null || values.Length > max || values.Any(v => v is null))
                throw new JsonException("null or too long");
            return values;
        }
        catch (JsonException)
        {
            throw Invalid(path, $"metadata '{key}' is {Excerpt.Of(text)}, expected a JSON array of {(typeof(T) == typeof(string) ? "strings" : "numbers")}");
        }
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static InvalidDataException Invalid(string path, string what) => new($"{path}: not a usable forecast model: {what}");
}
