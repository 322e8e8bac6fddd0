using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Recur.Onnx;

namespace Recur.Cli.Export;

/// <summary>
/// The forecaster of <c>recur forecast --save</c> as ONNX: what <c>recur predict</c> computes from a history, for every
/// method a series may have chosen (the network, the five baselines, the two ensembles), every transform and the quantiles
/// (recalibrated on the history's recent residuals when the model does that). The graph is built by <see cref="ForecastGraph"/>;
/// its inputs:
/// <list type="bullet">
/// <item><c>history</c> float32 [batch, time]: each row a series' values up to its last observation, oldest first (NaN for a
/// missing value: filled linearly, as <c>recur predict</c> does), at least <c>min_history</c> rows (metadata); one length per call;</item>
/// <item><c>series</c> int64 [batch] (only for a model of several series): each row's series, an index into the metadata <c>series</c>;</item>
/// <item><c>features</c> float32 [batch, rows, F] (only with feature columns): those columns at the history's rows, the last row the
/// history's; only the last <c>feature_rows</c> (metadata) are read, so those alone will do;</item>
/// <item><c>known_future</c> float32 [batch, rows, K] (only with known-future columns): at the history's rows and the horizon's,
/// the last <c>known_rows</c> read;</item>
/// <item><c>calendar</c> float32 [batch, rows, 2·cycles] (only with calendar inputs): sin(2π·phase), cos(2π·phase) per cycle of the
/// dates of the same rows as <c>known_future</c> (<see cref="CalendarFeatures.Phase"/>), in the metadata <c>calendar</c>'s order;</item>
/// <item>→ <c>forecast</c> float32 [batch, horizon] in the series' units, and <c>quantiles</c> float32 [batch, levels, horizon] when
/// the model has quantile levels (metadata <c>quantiles</c>).</item>
/// </list>
/// </summary>
internal static class ForecasterOnnx
{
    public static OnnxModelInfo Save(Forecaster model, string path)
    {
        var s = model.Spec;
        var graph = new ForecastGraph(model);
        var g = graph.Build();
        var names = s.Series.Select(x => x.Name).ToArray();
        return g.Save(path, new OnnxExportOptions
        {
            DocString = $"Recur forecaster of {string.Join(", ", names.Take(3))}{(names.Length > 3 ? ", …" : "")}: the next {s.Horizon} values after a history " +
                        "in the series' units, by each series' method (metadata methods), as recur predict computes them.",
            Metadata = new Dictionary<string, string>
            {
                ["format"] = ModelFile.Format,
                ["series"] = JsonSerializer.Serialize(names),
                ["methods"] = JsonSerializer.Serialize(s.Series.Select(x => x.Method)),
                ["transforms"] = JsonSerializer.Serialize(s.Series.Select(x => x.Transform.Kind == "boxcox" ? $"boxcox({x.Transform.Lambda.ToString(CultureInfo.InvariantCulture)})" : x.Transform.Kind)),
                ["features"] = JsonSerializer.Serialize(s.Features),
                ["known_future"] = JsonSerializer.Serialize(s.KnownFuture),
                ["calendar"] = JsonSerializer.Serialize(s.Calendar),
                ["quantiles"] = JsonSerializer.Serialize(s.Quantiles),
                ["lookback"] = Text(s.Lookback),
                ["horizon"] = Text(s.Horizon),
                ["season"] = Text(s.Season),
                ["min_history"] = Text(graph.MinHistory),
                ["feature_rows"] = Text(graph.FeatureRows),
                ["known_rows"] = Text(graph.FeatureRows + s.Horizon),
                ["calibration_window"] = Text(s.CalibrationWindow),
                ["intervals"] = s.IntervalKind,
            },
        });
    }

    internal static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);
}
