using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Recur.Forecasting;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur predict</c>: a model saved by <c>recur forecast --save</c> forecasts the steps after a CSV file's last row.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model file written by recur forecast --save", Required = true };
        var csv = new Option<string>("--csv") { Description = "CSV file with the model's column (and features); the forecast starts after its last row", Required = true };
        var json = new Option<bool>("--json") { Description = "print the forecast as one JSON object on the last line" };
        var cmd = new Command("predict", "Forecast the next horizon values after the end of a CSV file with a saved model")
        {
            model, csv, json,
        };
        cmd.SetAction(r => Cli.Guard(() => Run(r.GetValue(model)!, r.GetValue(csv)!, r.GetValue(json))));
        return cmd;
    }

    private static int Run(string modelPath, string csv, bool json)
    {
        var model = ModelFile.Load(modelPath);
        var spec = model.Spec;
        var p = Predictor.Run(model, csv);
        Console.WriteLine($"recur predict: {spec.Cell.ToUpperInvariant()} model {modelPath} (lookback {spec.Lookback}, horizon {spec.Horizon}) on {csv}, " +
                          $"column {p.Column}: {p.Rows} rows, {p.MissingFilled} missing filled; forecast after the last row");

        bool timeOfDay = p.Dates is not null && p.Dates.Any(d => d.TimeOfDay != TimeSpan.Zero);
        string DateText(DateTime d) => d.ToString(timeOfDay ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("step");
        if (p.Dates is not null) table.AddColumn("date");
        table.AddColumn(Markup.Escape(p.Column));
        for (int h = 0; h < p.Values.Length; h++)
        {
            var cells = new List<string> { (h + 1).ToString(CultureInfo.InvariantCulture) };
            if (p.Dates is not null) cells.Add(DateText(p.Dates[h]));
            cells.Add(p.Values[h].ToString("0.###", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                column = p.Column,
                horizon = p.Values.Length,
                rows = p.Rows,
                missing_filled = p.MissingFilled,
                forecast = p.Values,
                dates = p.Dates?.Select(DateText).ToArray(),
            }));
        return 0;
    }
}
