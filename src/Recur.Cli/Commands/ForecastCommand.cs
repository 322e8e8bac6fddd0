using Recur.Nn;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Recur.Cli.Plots;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur forecast</c>: train on a CSV column and score the model against the baselines under the protocol of data/README.md.</summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var csv = new Option<string>("--csv") { Description = "CSV file; rows in time order, an optional date column", Required = true };
        var column = new Option<string>("--column") { Description = "the column to forecast", Required = true };
        var lookback = new Option<int?>("--lookback") { Description = "L: past steps the model reads (default: from the season, horizon and length)" };
        var horizon = new Option<int?>("--horizon") { Description = "H: steps forecast from each origin (default: from the date frequency)" };
        var season = new Option<int?>("--season") { Description = "S: steps per season, for the seasonal naive baseline (default: from the date frequency, or detected)" };
        var features = new Option<string?>("--features") { Description = "extra input columns, comma-separated (their past values only)" };
        var calendar = new Option<string>("--calendar")
        {
            Description = $"calendar inputs: auto (from the dates), none, or a comma-separated list of {string.Join(", ", CalendarFeatures.Cycles)}",
            DefaultValueFactory = _ => "auto",
        };
        var cell = new Option<string>("--cell") { Description = "recurrent cell", DefaultValueFactory = _ => "gru" };
        cell.AcceptOnlyFromAmong(CellChoice.Names);
        var hidden = new Option<int>("--hidden") { Description = "hidden size", DefaultValueFactory = _ => 32 };
        var layers = new Option<int>("--layers") { Description = "recurrent layers", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "most epochs (early stopping on validation usually ends sooner)", DefaultValueFactory = _ => defaults.Epochs };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate (halved on a validation plateau)", DefaultValueFactory = _ => defaults.LearningRate };
        var batch = new Option<int>("--batch-size") { Description = "samples per mini-batch", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same numbers)", DefaultValueFactory = _ => 0 };
        var plot = new Option<string>("--plot") { Description = "PNG file for the figure", DefaultValueFactory = _ => "forecast.png" };
        var save = new Option<string?>("--save") { Description = "save the trained model (safetensors) for recur predict" };
        var json = new Option<bool>("--json") { Description = "print the result as one JSON object on the last line" };
        var cmd = new Command("forecast", "Train a recurrent forecaster on a CSV column and compare it with persistence and seasonal naive on the test part (70/10/20 split)")
        {
            csv, column, lookback, horizon, season, features, calendar, cell, hidden, layers, epochs, lr, batch, seed, plot, save, json,
        };
        cmd.SetAction(r => Cli.Guard(() =>
        {
            var training = defaults with { Epochs = r.GetValue(epochs), LearningRate = r.GetValue(lr), BatchSize = r.GetValue(batch) };
            if (!(training.LearningRate > 0)) throw new ArgumentException($"--lr must be positive, got {training.LearningRate}");
            if (training.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {training.BatchSize}");
            var options = new ForecastOptions
            {
                Csv = r.GetValue(csv)!,
                Column = r.GetValue(column)!,
                Features = SplitList(r.GetValue(features)),
                Calendar = r.GetValue(calendar) switch { "auto" => null, "none" => [], var list => SplitList(list) },
                Lookback = r.GetValue(lookback),
                Horizon = r.GetValue(horizon),
                Season = r.GetValue(season),
                Cell = r.GetValue(cell)!,
                Hidden = r.GetValue(hidden),
                Layers = r.GetValue(layers),
                Seed = r.GetValue(seed),
                Training = training,
            };
            return Run(options, r.GetValue(plot)!, r.GetValue(save), r.GetValue(json));
        }));
        return cmd;
    }

    private static string[] SplitList(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static int Run(ForecastOptions o, string plotPath, string? savePath, bool json)
    {
        // Output folders are checked before minutes of training, not after.
        CheckFolder(plotPath, "--plot");
        if (savePath is not null) CheckFolder(savePath, "--save");

        var plan = ForecastJob.Prepare(o);
        var spec = plan.Spec;
        var series = plan.Series;
        var missing = string.Join(", ", new[] { series.Target }.Concat(series.Features).Where(c => c.MissingFilled > 0)
            .Select(c => $"{c.MissingFilled} in {c.Name}"));
        Console.WriteLine($"recur forecast: {o.Csv}, column {spec.Column}: {series.Length} rows" +
                          $"{(series.Dates is { } d ? $", {plan.Frequency.Name} ({d.Values[0]:yyyy-MM-dd} to {d.Values[^1]:yyyy-MM-dd})" : ", no dates")}, " +
                          $"missing filled: {(missing.Length > 0 ? missing : "none")}");
        Console.WriteLine($"split 70/10/20: train {plan.Split.TrainCount}, validation {plan.Split.ValidationCount}, test {plan.Split.TestCount} rows; " +
                          $"origins: train {plan.TrainOrigins.Length}, validation {plan.ValidationOrigins.Length}, test {plan.TestOrigins.Length}");
        Console.WriteLine($"lookback {spec.Lookback}, horizon {spec.Horizon}, season {spec.Season}" +
                          (spec.Features.Length > 0 ? $", features {string.Join(", ", spec.Features)}" : ""));
        foreach (var choice in plan.Choices) Console.WriteLine($"  {choice}");
        Console.WriteLine($"model: {spec.Cell.ToUpperInvariant()}({spec.InputSize}, {spec.Hidden}{(spec.Layers > 1 ? $", num_layers={spec.Layers}" : "")}, batch_first=True) " +
                          $"→ Linear({spec.Hidden}, {spec.Horizon}) + Linear({spec.Lookback}, {spec.Horizon}) on the window; " +
                          $"AdamW(lr={Num(o.Training.LearningRate)}), batch {o.Training.BatchSize}, at most {o.Training.Epochs} epochs, seed {o.Seed}");

        ForecastReport report;
        if (Cli.Interactive)
        {
            report = null!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: Math.Max(1, o.Training.Epochs));
                    report = ForecastJob.Run(plan, e =>
                    {
                        task.Value = e.Epoch;
                        task.Description = Markup.Escape(EpochLine(e));
                    });
                    task.Value = task.MaxValue;
                });
        }
        else report = ForecastJob.Run(plan, e => Console.WriteLine(EpochLine(e)));

        var t = report.Training;
        Console.WriteLine($"trained {t.EpochsRun} epochs in {t.Seconds:0.0} s{(t.StoppedEarly ? " (early stop)" : "")}; " +
                          $"best validation MSE {Num(t.BestValidationLoss)} at epoch {t.BestEpoch} (anchor alone: {Num(t.AnchorValidationLoss)}" +
                          (t.Highway is { } fit
                              ? double.IsPositiveInfinity(fit.Lambda) ? "; the least-squares highway did not beat it and starts at zero)" : $", with the least-squares highway: {Num(fit.ValidationLoss)}, ridge λ {Num(fit.Lambda)})"
                              : ")"));

        var saved = ForecastPlot.Save(report, plotPath);
        string? modelFile = null;
        if (savePath is not null)
        {
            ModelFile.Save(savePath, report.Model);
            modelFile = Path.GetFullPath(savePath);
        }

        double bestBaseline = Math.Min(report.PersistenceErrors.Rmse, report.SeasonalErrors.Rmse);
        var table = new Table().AddColumns($"test, {report.ModelErrors.Origins} origins × {spec.Horizon} steps", "RMSE", "MAE", "RMSE vs best baseline");
        foreach (var (name, e) in new[] { ($"model ({spec.Cell})", report.ModelErrors), ("persistence", report.PersistenceErrors), ($"seasonal naive (S={spec.Season})", report.SeasonalErrors) })
            table.AddRow(Markup.Escape(name), e.Rmse.ToString("0.000", CultureInfo.InvariantCulture), e.Mae.ToString("0.000", CultureInfo.InvariantCulture),
                ((e.Rmse / bestBaseline - 1) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %");
        AnsiConsole.Write(table);
        Console.WriteLine($"plot: {saved}");
        if (modelFile is not null) Console.WriteLine($"model: {modelFile}");

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                rows = series.Length,
                missing_filled = series.Target.MissingFilled,
                origins = report.ModelErrors.Origins,
                model = new { rmse = report.ModelErrors.Rmse, mae = report.ModelErrors.Mae },
                persistence = new { rmse = report.PersistenceErrors.Rmse, mae = report.PersistenceErrors.Mae },
                seasonal_naive = new { rmse = report.SeasonalErrors.Rmse, mae = report.SeasonalErrors.Mae },
                train_seconds = t.Seconds,
                column = spec.Column,
                lookback = spec.Lookback,
                horizon = spec.Horizon,
                season = spec.Season,
                features = spec.Features,
                cell = spec.Cell,
                hidden = spec.Hidden,
                layers = spec.Layers,
                anchor = spec.Anchor == ForecastAnchor.Seasonal ? "seasonal" : "last",
                calendar = spec.Calendar,
                epochs = t.EpochsRun,
                best_epoch = t.BestEpoch,
                seed = o.Seed,
                rmse_by_step = report.ModelErrors.RmseByStep,
                plot = saved,
                model_file = modelFile,
            }));
        return 0;
    }

    private static string EpochLine(EpochReport e) => e.Epoch == 0
        ? $"epoch 0/{e.Epochs} (before training: anchor + least-squares highway) val {Num(e.ValidationLoss)}"
        : $"epoch {e.Epoch}/{e.Epochs} train {Num(e.TrainLoss)} val {Num(e.ValidationLoss)} lr {Num(e.LearningRate)}{(e.Best ? " *" : "")}";

    private static string Num(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);

    private static void CheckFolder(string path, string option)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{option} {path}: folder {dir} does not exist");
    }
}
