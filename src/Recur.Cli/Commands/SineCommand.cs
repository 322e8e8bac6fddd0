using Recur.Nn;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Recur.Cli.Plots;
using Recur.Cli.Sine;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur sine</c>: the seed tutorial's program, end to end.</summary>
internal static class SineCommand
{
    public static Command Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "training iterations", DefaultValueFactory = _ => 6000 };
        var hidden = new Option<int>("--hidden") { Description = "hidden size", DefaultValueFactory = _ => 16 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same numbers)", DefaultValueFactory = _ => 0 };
        var clip = new Option<float?>("--clip") { Description = "clip_grad_norm_ to this max norm and report the norm before clipping" };
        var cell = new Option<string>("--cell") { Description = "recurrent cell", DefaultValueFactory = _ => "rnn" };
        cell.AcceptOnlyFromAmong(CellChoice.Names);
        var plot = new Option<string>("--plot") { Description = "PNG file for the figure", DefaultValueFactory = _ => "sine.png" };
        var json = new Option<bool>("--json") { Description = "print the summary as one JSON object on the last line" };
        var cmd = new Command("sine", "Train the seed tutorial's sine-wave RNN (6000 iterations, Adam lr 0.01) and plot its free-running generation")
        {
            iterations, hidden, lr, seed, clip, cell, plot, json,
        };
        cmd.SetAction(r => Cli.Guard(() => Run(new SineOptions
        {
            Iterations = r.GetValue(iterations),
            Hidden = r.GetValue(hidden),
            LearningRate = r.GetValue(lr),
            Seed = r.GetValue(seed),
            Clip = r.GetValue(clip),
            Cell = r.GetValue(cell)!,
        }, r.GetValue(plot)!, r.GetValue(json))));
        return cmd;
    }

    private static int Run(SineOptions o, string plotPath, bool json)
    {
        SineDemo.Validate(o);
        OutputPath.Check(plotPath, "--plot");
        Console.WriteLine($"recur sine: {o.Cell.ToUpperInvariant()}(1, {o.Hidden}, batch_first=True) + Linear({o.Hidden}, 1), MSE, Adam(lr={o.LearningRate}), {o.Iterations} iterations, seed {o.Seed}");
        SineResult result;
        if (Cli.Interactive)
        {
            result = null!;
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: o.Iterations);
                    result = SineDemo.Run(o, p => AnsiConsole.WriteLine(Line(p)), (i, loss) =>
                    {
                        task.Value = i + 1;
                        if (i % 20 == 0) task.Description = $"loss {loss:0.000000}";
                    });
                });
        }
        else result = SineDemo.Run(o, p => Console.WriteLine(Line(p)));

        var saved = SinePlot.Save(result, o.Cell, plotPath);
        var table = new Table().AddColumns("", "value").HideHeaders();
        table.AddRow("training wall time", $"{result.TrainSeconds:0.000} s ({result.TrainSeconds / result.Iterations * 1e6:0.0} µs per iteration)");
        table.AddRow("final loss (mean of last 100)", result.FinalLoss.ToString("0.000e+0", CultureInfo.InvariantCulture));
        table.AddRow("generation RMSE (50 points)", result.GenerationRmse.ToString("0.0000", CultureInfo.InvariantCulture));
        if (o.Clip != null) table.AddRow("largest gradient norm", result.MaxGradNorm.ToString("0.####", CultureInfo.InvariantCulture));
        table.AddRow("plot", Markup.Escape(saved));
        AnsiConsole.Write(table);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                iterations = result.Iterations,
                train_seconds = result.TrainSeconds,
                final_loss = result.FinalLoss,
                generation_rmse = result.GenerationRmse,
                plot = saved,
                cell = o.Cell,
                seed = o.Seed,
            }));
        return 0;

        // Python's repr of a float32 widened to double, as the seed's print shows it (5.74e-05, not 5.74E-05).
        static string PythonFloat(float v) => ((double)v).ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");

        static string Line(SineProgress p) =>
            $"iteration :{p.Iteration} loss {PythonFloat(p.Loss)}" +
            (p.GradNorm is float g ? $" grad_norm {g.ToString("0.####", CultureInfo.InvariantCulture)} (before clipping)" : "");
    }
}
