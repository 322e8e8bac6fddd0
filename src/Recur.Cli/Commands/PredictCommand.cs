using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur predict</c>: a model saved by <c>recur forecast --save</c> forecasts the steps after each series' last value.</summary>
internal static class PredictCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model file written by recur forecast --save", Required = true };
        var csv = new Option<string>("--csv") { Description = "CSV file with the model's column(s) and inputs; the forecast starts after each series' last value (rows after it give known-future inputs)", Required = true };
        var horizon = new Option<int?>("--horizon") { Description = "K: steps to forecast, at most the trained horizon (default: all)" };
        var quantiles = new Option<string?>("--quantiles") { Description = "quantile levels to print, among the trained ones (default: all)" };
        var series = new Option<string?>("--series") { Description = "forecast only this series (default: every series the model knows in the file)" };
        var dayFirst = new Option<bool>("--day-first") { Description = "read ambiguous dates like 03/04/2020 as 3 April" };
        var delimiter = new Option<string?>("--delimiter") { Description = "field separator (default: detected)" };
        var naValues = new Option<string?>("--na-values") { Description = "more cells that mean missing, comma-separated (as recur forecast)" };
        var decimalMark = new Option<string?>("--decimal") { Description = "decimal mark '.' or ',' (default: detected)" };
        var json = new Option<bool>("--json") { Description = "print the forecast as one JSON object on the last line" };
        var output = new Option<string?>("--out") { Description = "also write the forecasts as CSV: series,step,date,point,q… (one row per series and step)" };
        var plot = new Option<string?>("--plot") { Description = "PNG file: each series' recent history and its forecast with the interval" };
        var cmd = new Command("predict", "Forecast the next values after the end of each series in a CSV file with a saved model")
        {
            model, csv, horizon, quantiles, series, dayFirst, delimiter, decimalMark, naValues, output, plot, json,
        };
        cmd.SetAction(r => Cli.Guard(() => Run(r.GetValue(model)!, r.GetValue(csv)!, r.GetValue(horizon),
            r.GetValue(quantiles) is { } q ? ForecastCommand.Numbers("--quantiles", q) : null, r.GetValue(series),
            new CsvOptions { DayFirst = r.GetValue(dayFirst), Delimiter = ForecastCommand.Char("--delimiter", r.GetValue(delimiter)), Decimal = ForecastCommand.Char("--decimal", r.GetValue(decimalMark)),
                NaValues = ForecastCommand.SplitList(r.GetValue(naValues)) },
            r.GetValue(output), r.GetValue(plot), r.GetValue(json))));
        return cmd;
    }

    private static int Run(string modelPath, string csv, int? horizon, double[]? quantiles, string? only, CsvOptions overrides,
        string? outPath, string? plotPath, bool json)
    {
        if (outPath is not null) OutputPath.Check(outPath, "--out");
        if (plotPath is not null) OutputPath.Check(plotPath, "--plot");
        var model = Forecaster.Load(modelPath);
        var spec = model.Spec;
        var options = Predictor.CsvOptionsFor(model, overrides);
        if (only is not null && spec.SeriesIdColumn is null && spec.Series.Length > 1)
            options = options with { Columns = [spec.For(only).Name] };
        var data = SeriesSet.Load(csv, options);
        if (only is not null)
            data = data.WithSeries([data[only]]);
        if (only is null && spec.SeriesIdColumn is not null)
        {
            // A long file can hold ids the model was not trained on (a new product, or one recur forecast left out as too
            // short): forecast the others and say which were skipped; with no known id at all, Predict's error stands.
            var known = data.Series.Where(s => spec.Series.Any(x => x.Name == s.Name)).ToList();
            if (known.Count > 0 && known.Count < data.Series.Count)
            {
                var unknown = data.Series.Where(s => !known.Contains(s)).Select(s => s.Name).ToList();
                data = data.WithSeries(known, $"skipped {unknown.Count} series the model was not trained on: {Excerpt.List(unknown)}");
            }
        }
        var predictions = model.Predict(data, horizon, quantiles);
        Console.WriteLine($"recur predict: {spec.Cell.ToUpperInvariant()} model {modelPath} (lookback {spec.Lookback}, horizon {spec.Horizon}) on {csv}: " +
                          $"{predictions.Count} series; forecast after each series' last value");
        foreach (var note in data.Notes) Console.WriteLine($"  {note}");

        foreach (var p in predictions)
        {
            bool timeOfDay = p.Dates is not null && p.Dates.Any(d => d.TimeOfDay != TimeSpan.Zero);
            var table = new Table().AddColumn("step");
            if (p.Dates is not null) table.AddColumn("date");
            table.AddColumn(Markup.Escape($"{p.Series} ({p.Method})"));
            foreach (double l in p.Levels) table.AddColumn($"q{Num(l)}");
            for (int h = 0; h < p.Values.Length; h++)
            {
                var cells = new List<string> { (h + 1).ToString(CultureInfo.InvariantCulture) };
                if (p.Dates is not null) cells.Add(DateText(p.Dates[h], timeOfDay));
                cells.Add(Num(p.Values[h]));
                cells.AddRange(p.Quantiles.Select(q => Num(q[h])));
                table.AddRow([.. cells]);
            }
            Console.WriteLine($"{p.Series}: {p.Rows} rows, {p.Missing} missing filled");
            AnsiConsole.Write(table);
        }
        if (outPath is not null)
        {
            PredictionsFile.WriteForecasts(outPath, predictions);
            Console.WriteLine($"forecasts: {Path.GetFullPath(outPath)}");
        }
        string? plotFile = plotPath is null ? null : Plots.PredictPlot.Save(predictions, data, spec, plotPath);
        if (plotFile is not null) Console.WriteLine($"plot: {plotFile}");
        if (json)
        {
            var p0 = predictions[0];
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                column = p0.Series,
                horizon = p0.Values.Length,
                rows = p0.Rows,
                missing_filled = p0.Missing,
                forecast = p0.Values,
                dates = p0.Dates?.Select(d => DateText(d, p0.Dates.Any(x => x.TimeOfDay != TimeSpan.Zero))).ToArray(),
                out_file = outPath is null ? null : Path.GetFullPath(outPath),
                plot = plotFile,
                series = predictions.Select(p => new
                {
                    name = p.Series,
                    method = p.Method,
                    rows = p.Rows,
                    forecast = p.Values,
                    quantiles = p.Levels.Select((l, k) => new { level = l, values = p.Quantiles[k] }),
                    dates = p.Dates?.Select(d => DateText(d, p.Dates.Any(x => x.TimeOfDay != TimeSpan.Zero))).ToArray(),
                }),
            }));
        }
        return 0;
    }

    private static string DateText(DateTime d, bool timeOfDay) => d.ToString(timeOfDay ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(double v) => Figures.Value(v);
}
