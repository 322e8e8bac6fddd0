using Recur.Nn;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Recur.Cli.Plots;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur forecast</c>: fit a forecaster on one or many CSV series and score it and the baselines on the test part.</summary>
internal static class ForecastCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var csv = new Option<string>("--csv") { Description = "CSV file: one row per date (wide) or per series and date (long, with --series-id)", Required = true };
        var column = new Option<string?>("--column") { Description = "the column(s) to forecast: a name, a comma-separated list, or '*' for every numeric column (one global model); default: the file's only numeric column" };
        var seriesId = new Option<string?>("--series-id") { Description = "series-id column of a long file (symbol,date,price): one series per id, one global model" };
        var lookback = new Option<int?>("--lookback") { Description = "L: past steps the model reads (default: from the season, horizon and length)" };
        var horizon = new Option<int?>("--horizon") { Description = "H: steps forecast from each origin (default: from the date frequency)" };
        var season = new Option<int?>("--season") { Description = "S: steps per season (default: from the date frequency, or detected)" };
        var features = new Option<string?>("--features") { Description = "extra input columns, comma-separated (their past values only)" };
        var knownFuture = new Option<string?>("--known-future") { Description = "input columns known in advance, comma-separated: read at the forecast dates too (predict then needs them in the future rows)" };
        var calendar = new Option<string>("--calendar")
        {
            Description = $"calendar inputs (known-future): auto (from the dates), none, or a comma-separated list of {string.Join(", ", CalendarFeatures.Cycles)}",
            DefaultValueFactory = _ => "auto",
        };
        var dateColumn = new Option<string?>("--date-column") { Description = "the date column (default: one named date, time, timestamp, … or a first column of dates)" };
        var dayFirst = new Option<bool>("--day-first") { Description = "read ambiguous dates like 03/04/2020 as 3 April" };
        var delimiter = new Option<string?>("--delimiter") { Description = "field separator (default: detected: ',', ';' or tab)" };
        var naValues = new Option<string?>("--na-values") { Description = "more cells that mean missing, comma-separated, as pandas' na_values: numbers (--na-values=-9999 also matches -9999.0) or texts" };
        var decimalMark = new Option<string?>("--decimal") { Description = "decimal mark '.' or ',' (default: ',' for ';'-separated files written with decimal commas)" };
        var quantiles = new Option<string>("--quantiles") { Description = "quantile levels in (0, 1), comma-separated", DefaultValueFactory = _ => "0.1,0.5,0.9" };
        var intervals = new Option<string>("--intervals") { Description = "learned (default: the network's quantile head, trained by the pinball loss and calibrated on validation and recent residuals; conformal where a baseline method is chosen), gaussian (as learned, from a distribution head: σ per step trained by the Gaussian likelihood, quantiles point + σ·z) or conformal (offsets from held-out residuals, any method)", DefaultValueFactory = _ => new ForecastOptions().Intervals };
        intervals.AcceptOnlyFromAmong([.. ForecastOptions.IntervalKinds]);
        var transform = new Option<string>("--transform") { Description = "none, log, boxcox (λ fitted on the training part) or auto (the model fitted under each, the simplest kept unless a more complex one is 2 % better on validation)", DefaultValueFactory = _ => "none" };
        transform.AcceptOnlyFromAmong([.. SeriesTransform.Names]);
        var method = new Option<string>("--method") { Description = "auto (the method that wins on validation; on a short validation part the better combination unless another is clearly better) or one method for every series: network, persistence, seasonal naive, mean, drift, holt-winters, network+holt-winters, ensemble, hybrid (a network that learns the correction to Holt-Winters)", DefaultValueFactory = _ => "auto" };
        method.AcceptOnlyFromAmong(["auto", .. ForecastMethods.Names]);
        var split = new Option<string>("--split") { Description = "TRAIN,VAL fractions of each series (the rest is the test part)", DefaultValueFactory = _ => "0.7,0.1" };
        var testStart = new Option<string?>("--test-start") { Description = "DATE: the test part starts at this date (validation: the last 1/8 before it); overrides --split" };
        var backtest = new Option<int>("--backtest") { Description = "K rolling-origin folds over the test part, scored separately (one fit unless --refit)", DefaultValueFactory = _ => 1 };
        var refit = new Option<bool>("--refit") { Description = "with --backtest K: refit the model at each fold's first origin on all rows before it (K more fits) and score each fold with its own model" };
        var embedding = new Option<string>("--series-embedding") { Description = $"a learned series embedding for a global model: auto (for 2 … {ForecastOptions.MaxEmbeddedSeries} series), on or off", DefaultValueFactory = _ => "auto" };
        embedding.AcceptOnlyFromAmong("auto", "on", "off");
        var cell = new Option<string>("--cell") { Description = "recurrent cell", DefaultValueFactory = _ => "gru" };
        cell.AcceptOnlyFromAmong(CellChoice.Names);
        var hidden = new Option<int>("--hidden") { Description = "hidden size", DefaultValueFactory = _ => 32 };
        var layers = new Option<int>("--layers") { Description = "recurrent layers", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "most epochs (early stopping on validation usually ends sooner)", DefaultValueFactory = _ => defaults.Epochs };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate (halved on a validation plateau)", DefaultValueFactory = _ => defaults.LearningRate };
        var batch = new Option<int>("--batch-size") { Description = "samples per mini-batch", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same numbers)", DefaultValueFactory = _ => 0 };
        var plot = new Option<string>("--plot") { Description = "PNG file for the figure", DefaultValueFactory = _ => "forecast.png" };
        var save = new Option<string?>("--save") { Description = "save the fitted model (safetensors) for recur predict" };
        var predictions = new Option<string?>("--predictions") { Description = "write every test forecast as CSV: series,origin,step,date,actual,point,q…" };
        var json = new Option<bool>("--json") { Description = "print the result as one JSON object on the last line" };
        var cmd = new Command("forecast", "Fit a forecaster (one global network, the method chosen per series on validation, quantiles from the network's calibrated quantile head or conformal) and compare it with five baselines on the test part")
        {
            csv, column, seriesId, lookback, horizon, season, features, knownFuture, calendar, dateColumn, dayFirst, delimiter, decimalMark, naValues,
            quantiles, intervals, transform, method, split, testStart, backtest, refit, embedding, cell, hidden, layers, epochs, lr, batch, seed, plot, save, predictions, json,
        };
        cmd.SetAction(r => Cli.Guard(() =>
        {
            var training = defaults with { Epochs = r.GetValue(epochs), LearningRate = r.GetValue(lr), BatchSize = r.GetValue(batch) };
            if (!(training.LearningRate > 0)) throw new ArgumentException($"--lr must be positive, got {training.LearningRate}");
            if (training.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {training.BatchSize}");
            var fractions = Numbers("--split", r.GetValue(split)!);
            if (fractions.Length != 2) throw new ArgumentException($"--split takes two fractions TRAIN,VAL, got {Excerpt.Of(r.GetValue(split))}");
            var csvOptions = new CsvOptions
            {
                Columns = SplitList(r.GetValue(column)),
                SeriesId = r.GetValue(seriesId),
                Features = SplitList(r.GetValue(features)),
                KnownFuture = SplitList(r.GetValue(knownFuture)),
                DateColumn = r.GetValue(dateColumn),
                DayFirst = r.GetValue(dayFirst),
                Delimiter = Char("--delimiter", r.GetValue(delimiter)),
                Decimal = Char("--decimal", r.GetValue(decimalMark)),
                NaValues = SplitList(r.GetValue(naValues)),
            };
            var options = new ForecastOptions
            {
                Calendar = r.GetValue(calendar) switch { "auto" => null, "none" => [], var list => SplitList(list) },
                Lookback = r.GetValue(lookback),
                Horizon = r.GetValue(horizon),
                Season = r.GetValue(season),
                Cell = r.GetValue(cell)!,
                Hidden = r.GetValue(hidden),
                Layers = r.GetValue(layers),
                Seed = r.GetValue(seed),
                Training = training,
                Quantiles = Numbers("--quantiles", r.GetValue(quantiles)!),
                Transform = r.GetValue(transform)!,
                Intervals = r.GetValue(intervals)!,
                Method = r.GetValue(method)!,
                TrainFraction = fractions[0],
                ValidationFraction = fractions[1],
                TestStart = r.GetValue(testStart) is { } ts ? ParseDate(ts) : null,
                Backtest = r.GetValue(backtest),
                Refit = r.GetValue(refit),
                SeriesEmbedding = r.GetValue(embedding) switch { "on" => true, "off" => false, _ => null },
            };
            return Run(r.GetValue(csv)!, csvOptions, options, r.GetValue(plot)!, r.GetValue(save), r.GetValue(predictions), r.GetValue(json));
        }));
        return cmd;
    }

    internal static string[] SplitList(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    internal static double[] Numbers(string option, string list) => [.. SplitList(list).Select(t =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new ArgumentException($"{option}: {Excerpt.Of(t)} is not a number"))];

    internal static char? Char(string option, string? text) => text switch
    {
        null => null,
        "\\t" or "tab" => '\t',
        { Length: 1 } => text[0],
        _ => throw new ArgumentException($"{option} takes one character, got {Excerpt.Of(text)}"),
    };

    private static DateTime ParseDate(string text) =>
        DateFormats.TryParseColumn([text], allowUnixTime: false, out var d, out _) ? d[0]
            : throw new ArgumentException($"--test-start {Excerpt.Of(text)} is not a date (e.g. 2015-01-31)");

    private static int Run(string path, CsvOptions csvOptions, ForecastOptions o, string plotPath, string? savePath, string? predictionsPath, bool json)
    {
        // Output folders are checked before minutes of training, not after.
        OutputPath.Check(plotPath, "--plot");
        if (savePath is not null) OutputPath.Check(savePath, "--save");
        if (predictionsPath is not null) OutputPath.Check(predictionsPath, "--predictions");

        var data = SeriesSet.Load(path, csvOptions);
        var first = data.Series[0];
        Console.WriteLine($"recur forecast: {path}: {data.Series.Count} series ({Excerpt.List([.. data.Series.Select(s => s.Name)])}), " +
                          $"{first.Length} rows in the first" +
                          (first.Dates is { } d ? $", dates {d[0]:yyyy-MM-dd} to {d[^1]:yyyy-MM-dd} every {data.Step}" : ", no dates") +
                          $", missing values: {data.Series.Sum(s => s.Missing)} ({data.Series.Sum(s => s.Inserted)} inserted for date gaps)");
        Console.WriteLine($"model: {o.Cell.ToUpperInvariant()}(hidden {o.Hidden}{(o.Layers > 1 ? $", num_layers={o.Layers}" : "")}) + linear highway, " +
                          $"AdamW(lr={Num(o.Training.LearningRate)}), batch {o.Training.BatchSize}, at most {o.Training.Epochs} epochs, seed {o.Seed}; " +
                          $"quantiles {string.Join(", ", o.Quantiles.Select(Num))}");

        ForecastResult result;
        if (Cli.Interactive)
        {
            result = null!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: Math.Max(1, o.Training.Epochs));
                    result = Forecaster.Fit(data, o, e =>
                    {
                        task.Value = e.Epoch;
                        task.Description = Markup.Escape(EpochLine(e));
                    });
                    task.Value = task.MaxValue;
                });
        }
        else result = Forecaster.Fit(data, o, e => Console.WriteLine(EpochLine(e)));

        var spec = result.Model.Spec;
        foreach (var note in result.Notes) Console.WriteLine($"  {note}");
        var t = result.Training;
        Console.WriteLine($"lookback {spec.Lookback}, horizon {spec.Horizon}, season {spec.Season}; trained {t.EpochsRun} epochs in {t.Seconds:0.0} s" +
                          $"{(t.StoppedEarly ? " (early stop)" : "")}; best validation {(spec.LearnedQuantiles ? spec.Gaussian ? "loss (MSE + Gaussian NLL)" : "loss (MSE + pinball)" : "MSE")} {Num(t.BestValidationLoss)} at epoch {t.BestEpoch}");

        var ev = result.Evaluation;
        var saved = ForecastPlot.Save(result, plotPath);
        // A global model's series side by side: the main figure shows only the first.
        string? seriesPlot = ev.Series.Count > 1 ? ForecastGridPlot.Save(result, ForecastGridPlot.PathBeside(plotPath)) : null;
        string? modelFile = null;
        if (savePath is not null)
        {
            result.Model.Save(savePath);
            modelFile = Path.GetFullPath(savePath);
        }
        if (predictionsPath is not null) PredictionsFile.Write(predictionsPath, ev);

        foreach (var s in ev.Series.Take(12))
        {
            var table = new Table().AddColumns($"{Markup.Escape(s.Name)}: test, {s.Forecast.Origins.Length} origins × {spec.Horizon}", "MASE", "sMAPE %", "RMSE", "MAE");
            table.AddRow(Markup.Escape($"model ({s.Method})"), F(s.Model.Mase), F(s.Model.Smape), F(s.Model.Rmse), F(s.Model.Mae));
            foreach (var (name, b) in s.Baselines)
                table.AddRow(Markup.Escape(name + (name == s.BestBaseline ? " (best baseline)" : "")), F(b.Mase), F(b.Smape), F(b.Rmse), F(b.Mae));
            AnsiConsole.Write(table);
            if (s.ModelQuantiles is { } q && s.BaselineQuantiles is { } bq)
                Console.WriteLine($"  quantiles: pinball model {string.Join(" ", q.Levels.Select((l, k) => $"q{Num(l)} {F(q.Pinball[k])}"))} (mean {F(q.MeanPinball)}), " +
                                  $"seasonal-naive quantiles mean {F(bq.MeanPinball)}; " +
                                  (q.Coverage.Count > 0
                                      ? "coverage " + string.Join(", ", q.Coverage.Select(c => $"[q{Num(c.Key)}, q{Num(1 - c.Key)}] {c.Value:P1} (nominal {1 - 2 * c.Key:P0}, baseline {bq.Coverage[c.Key]:P1})"))
                                      // No level has its 1 − τ partner: each quantile's own calibration instead.
                                      : "values at or below " + string.Join(", ", q.Levels.Select((l, k) => $"q{Num(l)} {q.Below[k]:P1} (nominal {l:P0}, baseline {bq.Below[k]:P1})"))));
        }
        if (ev.Series.Count > 12) Console.WriteLine($"(tables of {ev.Series.Count - 12} more series left out; see --json or --predictions)");
        if (ev.Series.Count > 1)
            Console.WriteLine($"mean MASE over {ev.Series.Count} series: model {F(ev.MeanMase)}; " +
                              string.Join(", ", ForecastMethods.Baselines.Select(b => $"{b} {F(ev.MeanBaselineMase(b))}")) +
                              $"; best per-series baseline {F(ev.Series.Average(s => s.Baselines[s.BestBaseline].Mase))}");
        int folds = ev.Series.Min(s => s.Folds.Count);
        if (folds > 1)
            for (int f = 0; f < folds; f++)
                Console.WriteLine($"backtest fold {f + 1}/{folds}{(ev.Series[0].Folds[f].Method is { } m ? $" (refit, method {(ev.Series.Count == 1 ? m : "per series")})" : "")}: mean MASE model {F(ev.Series.Average(s => s.Folds[f].ModelMase))}, " +
                                  string.Join(", ", ForecastMethods.Baselines.Select(b => $"{b} {F(ev.Series.Average(s => s.Folds[f].BaselineMase[b]))}")));
        Console.WriteLine($"plot: {saved}");
        if (seriesPlot is not null)
            Console.WriteLine($"series plot: {seriesPlot}{(ev.Series.Count > ForecastGridPlot.MaxPanels ? $" (the first {ForecastGridPlot.MaxPanels} of {ev.Series.Count} series)" : "")}");
        if (modelFile is not null) Console.WriteLine($"model: {modelFile}");
        if (predictionsPath is not null) Console.WriteLine($"predictions: {Path.GetFullPath(predictionsPath)}");

        if (json)
        {
            var s0 = ev.Series[0];
            object Scores(PointScores p) => new { mase = p.Mase, smape = p.Smape, rmse = p.Rmse, mae = p.Mae };
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                rows = first.Length,
                missing_filled = first.Missing,
                origins = s0.Forecast.Origins.Length,
                model = Scores(s0.Model),
                persistence = Scores(s0.Baselines["persistence"]),
                seasonal_naive = Scores(s0.Baselines["seasonal naive"]),
                mean = Scores(s0.Baselines["mean"]),
                drift = Scores(s0.Baselines["drift"]),
                holt_winters = Scores(s0.Baselines["holt-winters"]),
                method = s0.Method,
                train_seconds = t.Seconds,
                lookback = spec.Lookback,
                horizon = spec.Horizon,
                season = spec.Season,
                features = spec.Features,
                known_future = spec.KnownFuture,
                cell = spec.Cell,
                series_embedding = spec.SeriesEmbedding,
                hidden = spec.Hidden,
                layers = spec.Layers,
                anchor = spec.Anchor == ForecastAnchor.Seasonal ? "seasonal" : "last",
                calendar = spec.Calendar,
                epochs = t.EpochsRun,
                best_epoch = t.BestEpoch,
                seed = o.Seed,
                rmse_by_step = s0.Model.RmseByStep,
                mean_mase = ev.MeanMase,
                series = ev.Series.Select(s => new
                {
                    name = s.Name,
                    method = s.Method,
                    transform = spec.For(s.Name).Transform.Kind,
                    intervals = result.Model.LearnsQuantiles(spec.For(s.Name).Method) ? spec.IntervalKind : "conformal",
                    origins = s.Forecast.Origins.Length,
                    model = Scores(s.Model),
                    baselines = s.Baselines.ToDictionary(b => b.Key, b => Scores(b.Value)),
                    best_baseline = s.BestBaseline,
                    pinball = s.ModelQuantiles?.Levels.Select((l, k) => new { level = l, model = s.ModelQuantiles.Pinball[k], seasonal_naive = s.BaselineQuantiles!.Pinball[k] }),
                    coverage = s.ModelQuantiles?.Coverage.Select(c => new { lower = c.Key, upper = 1 - c.Key, model = c.Value, seasonal_naive = s.BaselineQuantiles!.Coverage[c.Key] }),
                    below = s.ModelQuantiles?.Levels.Select((l, k) => new { level = l, model = s.ModelQuantiles.Below[k], seasonal_naive = s.BaselineQuantiles!.Below[k] }),
                    folds = s.Folds.Select(f => new { fold = f.Fold, first_origin = f.FirstOrigin, last_origin = f.LastOrigin, model_mase = f.ModelMase, baseline_mase = f.BaselineMase, refit_method = f.Method }),
                }),
                plot = saved,
                series_plot = seriesPlot,
                model_file = modelFile,
                predictions = predictionsPath is null ? null : Path.GetFullPath(predictionsPath),
            }));
        }
        return 0;
    }

    private static string EpochLine(EpochReport e) => e.Epoch == 0
        ? $"epoch 0/{e.Epochs} (before training: anchor + least-squares highway) val {Num(e.ValidationLoss)}"
        : $"epoch {e.Epoch}/{e.Epochs} train {Num(e.TrainLoss)} val {Num(e.ValidationLoss)} lr {Num(e.LearningRate)}{(e.Best ? " *" : "")}";

    private static string Num(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);

    private static string F(double v) => Figures.Metric(v);
}
