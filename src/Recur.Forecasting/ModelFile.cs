using System.Globalization;
using System.Text.Json;
using Recur.IO;

namespace Recur.Forecasting;

/// <summary>
/// A forecaster on disk: safetensors with the network's parameters under PyTorch's names (they load into
/// the equivalent <c>nn.Module</c>, see docs/FORECASTING.md) and every setting <c>recur predict</c> needs in
/// the header's <c>__metadata__</c> (strings only, as the format requires; lists are JSON arrays).
/// </summary>
public static class ModelFile
{
    /// <summary>The <c>format</c> value in a forecaster file's metadata.</summary>
    public const string Format = "recur.forecast";
    /// <summary>The version of the metadata layout this code writes and reads.</summary>
    public const string FormatVersion = "1";

    // Bounds that no sensible model exceeds: a corrupt header cannot make us allocate a huge network.
    private const int MaxHidden = 4096, MaxLayers = 64, MaxLookback = 1_000_000, MaxHorizon = 100_000, MaxFeatures = 10_000;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (the old file stays whole on failure).</summary>
    public static void Save(string path, Forecaster model)
    {
        var tensors = model.Net.NamedParameters()
            .Select(p => new NamedTensorData(p.Name, p.Parameter.Shape.AsSpan().ToArray(), p.Parameter.ToArray()))
            .ToList();
        Safetensors.Save(path, tensors, Metadata(model.Spec));
    }

    /// <summary>The settings as metadata strings.</summary>
    public static Dictionary<string, string> Metadata(ForecastSpec s) => new()
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
        ["anchor"] = s.Anchor == ForecastAnchor.Seasonal ? "seasonal" : "last",
        ["column"] = s.Column,
        ["features"] = JsonSerializer.Serialize(s.Features),
        ["target_mean"] = Real(s.TargetScaler.Mean),
        ["target_std"] = Real(s.TargetScaler.Std),
        ["feature_means"] = JsonSerializer.Serialize(s.FeatureScalers.Select(f => f.Mean)),
        ["feature_stds"] = JsonSerializer.Serialize(s.FeatureScalers.Select(f => f.Std)),
        ["calendar"] = JsonSerializer.Serialize(s.Calendar),
        ["input_channels"] = JsonSerializer.Serialize(InputChannels(s)),
        ["step_seconds"] = Real(s.Step.TotalSeconds),
        ["date_format"] = s.DateFormat,
    };

    /// <summary>What each input channel holds, in order (documentation for whoever loads the file elsewhere).</summary>
    public static string[] InputChannels(ForecastSpec s) =>
    [
        $"{s.Column} minus its last value in the window, scaled by target_std",
        .. s.Features.Select(f => $"{f} standardised"),
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

        var expected = ForecastNet.ExpectedShapes(spec.Cell, spec.InputSize, spec.Hidden, spec.Layers, spec.Lookback, spec.Horizon);
        var byName = file.Tensors.ToDictionary(t => t.Name);
        foreach (var (name, shape) in expected)
        {
            if (!byName.TryGetValue(name, out var t))
                throw Invalid(path, $"tensor '{name}' is missing");
            if (!t.Shape.SequenceEqual(shape))
                throw Invalid(path, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}] " +
                                    $"for a {spec.Cell} of hidden_size {spec.Hidden}, input_size {spec.InputSize}, lookback {spec.Lookback}, horizon {spec.Horizon}");
            foreach (float v in t.Data)
                if (!float.IsFinite(v))
                    throw Invalid(path, $"tensor '{name}' holds a non-finite value ({v})");
        }
        var extra = byName.Keys.Except(expected.Select(e => e.Name)).ToList();
        if (extra.Count > 0)
            throw Invalid(path, $"unexpected tensor(s) {string.Join(", ", extra.Select(e => $"'{e}'"))}");

        var model = Forecaster.Create(spec, new Generator(0));
        model.Net.LoadStateDict(file.Tensors.ToDictionary(t => t.Name, t => Tensor.FromArray(t.Data, t.Shape)));
        return model;
    }

    private static ForecastSpec ReadSpec(string path, IReadOnlyDictionary<string, string> meta)
    {
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw Invalid(path, $"metadata '{key}' is missing");

        if (!meta.TryGetValue("format", out var format) || format != Format)
            throw Invalid(path, $"not a recur forecast model (metadata 'format' is {(format is null ? "missing" : $"'{format}'")}, expected '{Format}')");
        if (Get("format_version") != FormatVersion)
            throw Invalid(path, $"format_version '{Get("format_version")}' is not supported (this recur reads version {FormatVersion})");

        string cell = Get("cell");
        if (!Recur.Nn.CellChoice.Names.Contains(cell))
            throw Invalid(path, $"metadata 'cell' is '{cell}', expected one of {string.Join(", ", Recur.Nn.CellChoice.Names)}");
        int hidden = ReadInt(path, meta, "hidden_size", MaxHidden);
        int layers = ReadInt(path, meta, "num_layers", MaxLayers);
        int lookback = ReadInt(path, meta, "lookback", MaxLookback);
        int horizon = ReadInt(path, meta, "horizon", MaxHorizon);
        int season = ReadInt(path, meta, "season", MaxLookback);
        int inputSize = ReadInt(path, meta, "input_size", 2 * MaxFeatures);
        var anchor = Get("anchor") switch
        {
            "last" => ForecastAnchor.Last,
            "seasonal" => ForecastAnchor.Seasonal,
            var a => throw Invalid(path, $"metadata 'anchor' is '{a}', expected 'last' or 'seasonal'"),
        };
        if (anchor == ForecastAnchor.Seasonal && season > lookback)
            throw Invalid(path, $"a seasonal anchor needs season ≤ lookback, got season {season} and lookback {lookback}");

        var features = ReadArray<string>(path, meta, "features");
        var means = ReadArray<double>(path, meta, "feature_means");
        var stds = ReadArray<double>(path, meta, "feature_stds");
        var calendar = ReadArray<string>(path, meta, "calendar");
        if (means.Length != features.Length || stds.Length != features.Length)
            throw Invalid(path, $"{features.Length} features but {means.Length} feature_means and {stds.Length} feature_stds");
        try
        {
            CalendarFeatures.Validate(calendar);
        }
        catch (ArgumentException e)
        {
            throw Invalid(path, e.Message);
        }
        if (inputSize != 1 + features.Length + 2 * calendar.Length)
            throw Invalid(path, $"input_size {inputSize} disagrees with 1 + {features.Length} features + 2·{calendar.Length} calendar cycles");

        double stepSeconds = ReadReal(path, meta, "step_seconds");
        if (stepSeconds < 0 || stepSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
            throw Invalid(path, $"metadata 'step_seconds' is {stepSeconds}, expected a non-negative number of seconds");
        return new ForecastSpec
        {
            Column = Get("column"),
            Features = features,
            Cell = cell,
            Hidden = hidden,
            Layers = layers,
            Lookback = lookback,
            Horizon = horizon,
            Season = season,
            Anchor = anchor,
            TargetScaler = Scaler(path, ReadReal(path, meta, "target_mean"), ReadReal(path, meta, "target_std"), "target"),
            FeatureScalers = [.. features.Select((f, i) => Scaler(path, means[i], stds[i], $"feature '{f}'"))],
            Calendar = calendar,
            Step = TimeSpan.FromSeconds(stepSeconds),
            DateFormat = Get("date_format"),
        };
    }

    private static StandardScaler Scaler(string path, double mean, double std, string what)
    {
        if (!double.IsFinite(mean) || !double.IsFinite(std) || std <= 0)
            throw Invalid(path, $"the {what} scaling (mean {mean}, std {std}) needs a finite mean and a positive std");
        return new StandardScaler(mean, std);
    }

    private static int ReadInt(string path, IReadOnlyDictionary<string, string> meta, string key, int max)
    {
        if (!meta.TryGetValue(key, out var text)) throw Invalid(path, $"metadata '{key}' is missing");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1 || v > max)
            throw Invalid(path, $"metadata '{key}' is '{text}', expected an integer in [1, {max}]");
        return v;
    }

    private static double ReadReal(string path, IReadOnlyDictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text)) throw Invalid(path, $"metadata '{key}' is missing");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Invalid(path, $"metadata '{key}' is '{text}', expected a finite number");
        return v;
    }

    private static T[] ReadArray<T>(string path, IReadOnlyDictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text)) throw Invalid(path, $"metadata '{key}' is missing");
        try
        {
            var values = JsonSerializer.Deserialize<T[]>(text);
            if (values is null || values.Length > MaxFeatures || values.Any(v => v is null))
                throw new JsonException("null or too long");
            return values;
        }
        catch (JsonException)
        {
            throw Invalid(path, $"metadata '{key}' is '{text}', expected a JSON array of {(typeof(T) == typeof(string) ? "strings" : "numbers")}");
        }
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Real(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static InvalidDataException Invalid(string path, string what) => new($"{path}: not a usable forecast model: {what}");
}
