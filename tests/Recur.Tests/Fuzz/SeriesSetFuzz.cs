using System.Diagnostics;
using System.Text;
using CsCheck;
using Recur.Forecasting;
using Recur.Tests.Data;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: <see cref="SeriesSet.Load"/>, the whole path from a file to series — delimiter and decimal-mark detection,
/// number forms (grouping, decimal commas, exponents, missing tokens, overflow), date forms (ISO with offsets, quarters, months by name without a day, ISO weeks,
/// day-first, month names, bare years, serial days, two-digit years, 2000M01, RFC 1123, garbage), lines above the header,
/// <c>--na-values</c>, date regularisation (duplicates, gaps, newest-first, mixed
/// steps), long files with a series-id column and plain files with the date column last under another name. Inputs mix
/// well-formed rows with hostile cells.
/// Property: the load succeeds with dates strictly increasing on one grid and every value finite or NaN, or it raises one
/// of the documented exceptions (<see cref="FormatException"/>, <see cref="InvalidDataException"/>,
/// <see cref="ArgumentException"/>) with a one-line message of at most <see cref="MaxMessage"/> characters; never another
/// exception or a hang.
/// </summary>
[Trait("Category", "Fuzz")]
public class SeriesSetFuzz(ITestOutputHelper output)
{
    /// <summary>Most characters of a load error message (a path, a line, a column and two quoted cells of at most 80).</summary>
    public const int MaxMessage = 600;

    // Ways of writing the date of row i (0 = 2020-01-01 + i steps of the file's unit).
    private static readonly Func<DateTime, string>[] DateForms =
    [
        d => d.ToString("yyyy-MM-dd"), d => d.ToString("yyyy-MM-ddTHH:mm") + "+02:00", d => d.ToString("yyyy/MM/dd"), d => d.ToString("yyyyMMdd"),
        d => d.ToString("dd.MM.yyyy"), d => d.ToString("MM/dd/yyyy"), d => d.ToString("dd/MM/yyyy"), d => d.ToString("MMM d yyyy", System.Globalization.CultureInfo.InvariantCulture),
        d => d.ToString("yyyy-MM"), d => $"{d.Year}Q{(d.Month - 1) / 3 + 1}", d => d.Year.ToString(), d => ((int)(d - new DateTime(1899, 12, 30)).TotalDays).ToString(),
        d => d.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
        d => $"{System.Globalization.ISOWeek.GetYear(d)}-W{System.Globalization.ISOWeek.GetWeekOfYear(d):00}",
        // two-digit years, statistics offices' months, RFC 1123, PostgreSQL's offsets
        d => d.ToString("M/d/yy", System.Globalization.CultureInfo.InvariantCulture), d => d.ToString("dd-MMM-yy", System.Globalization.CultureInfo.InvariantCulture),
        d => $"{d.Year}M{d.Month:00}", d => d.ToString("MM/yyyy", System.Globalization.CultureInfo.InvariantCulture), d => d.ToString("MMM-yy", System.Globalization.CultureInfo.InvariantCulture),
        d => d.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", System.Globalization.CultureInfo.InvariantCulture), d => d.ToString("yyyy-MM-dd HH:mm:ss") + "+01",
    ];

    // Lines above the header: none, a title, comments with the separator in them, a source line with a number.
    private static readonly string[][] Preambles = [[], ["Monthly output"], ["# logger v2, site 7", "# units: kWh; daily"], ["Title", "Source: Office, 2026", ""]];

    private static readonly string[] HostileDates = ["", "NA", "2020-02-30", "2020-13-01", "yesterday", "1990Q5", "99999999999999999999", "\"2020-01-01\"", "2020-01-01 25:00", "2019-W53", "Foo 2020"];

    private static readonly string[] Values =
    [
        "1", "-2.5", "1e3", "3,25", "1,234.5", "\"1,234.5\"", "1.234,5", "1 234,5", "1'234", "1,23,456", "", "NA", "N/A", "?", "NaN",
        "1e200", "-1e31", "Infinity", "0x10", "12%", "$5", "\"(1,234.5)\"", "12,50 €", "(-5)", "abc", "\"a;b\"", "٣", "1.5.6", "+7", ".5", "5.", "#DIV/0!", "#VALUE!",
        "-9999", "-9999.0", "999.9", "12 kWh", "3,5 °C", "1 MWh", "12K",
    ];

    private sealed record Input(int Rows, int Unit, int DateForm, int[] Values, int[] HostileAt, int Separator, bool Reverse, int Duplicate, int Gap, int Ids, bool Header,
        bool DateLast, int Preamble, bool NaValues);

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 3], Gen.Int[0, DateForms.Length - 1], Gen.Int[0, Values.Length - 1].Array[0, 8], Gen.Int[-1, 160].Array[0, 2]),
        Gen.Select(Gen.Int[0, 2], Gen.Bool, Gen.Int[-1, 400], Gen.Int[-1, 60], Gen.Int[0, 3], Gen.Int[0, 7], Gen.Bool),
        Gen.Select(Gen.Int[0, 7], Gen.Bool),
        (a, b, c) => new Input(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6 > 0, b.Item7,
            c.Item1 < Preambles.Length ? c.Item1 : 0, c.Item2));

    private static string Render(Input input, out CsvOptions options)
    {
        string sep = input.Separator switch { 0 => ",", 1 => ";", _ => "\t" };
        var rng = new Random(input.Rows * 131 + input.DateForm);
        var lines = new List<string>();
        int ids = Math.Max(1, input.Ids);
        for (int id = 0; id < ids; id++)
            for (int i = 0; i < input.Rows; i++)
            {
                if (i == input.Gap) continue;
                int k = i == input.Duplicate && i > 0 ? i - 1 : i;
                var d = input.Unit switch
                {
                    0 => new DateTime(2020, 1, 1).AddDays(k),
                    1 => new DateTime(2020, 1, 1).AddMonths(k),
                    2 => new DateTime(2020, 1, 1).AddHours(k),
                    _ => new DateTime(2000, 1, 1).AddMonths(3 * k),
                };
                string date = Array.IndexOf(input.HostileAt, i) >= 0 ? HostileDates[(i + id) % HostileDates.Length] : DateForms[input.DateForm](d);
                string value = input.Values.Length > 0 && rng.Next(12) == 0
                    ? Values[input.Values[rng.Next(input.Values.Length)]]
                    : (10 + Math.Sin(i)).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
                // A plain file with the date column last, under a name no date list has (found by its cells).
                lines.Add(input.Ids > 0 ? $"s{id}{sep}{date}{sep}{value}" : input.DateLast ? $"{value}{sep}{date}" : $"{date}{sep}{value}");
            }
        if (input.Reverse) lines.Reverse();
        string header = input.Ids > 0 ? $"id{sep}date{sep}y" : input.DateLast ? $"y{sep}Fecha" : $"date{sep}y";
        options = new CsvOptions { Columns = ["y"], SeriesId = input.Ids > 0 ? "id" : null, NaValues = input.NaValues ? ["-9999", "?"] : [] };
        string preamble = string.Concat(Preambles[input.Preamble].Select(l => l.Replace(";", sep) + "\n"));
        // With the comment preamble, a logger's units row below the header too.
        string units = input.Preamble == 2 && input.Header ? string.Join(sep, header.Split(sep).Select((_, k) => k == 0 ? "" : "°C")) + "\n" : "";
        return preamble + (input.Header ? header + "\n" + units : "") + string.Join("\n", lines) + "\n";
    }

    private static bool Check(string path, CsvOptions options, FuzzBudget.Refusals errors)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var set = SeriesSet.Load(path, options);
            foreach (var s in set.Series)
            {
                Assert.All(s.Values, v => Assert.True(double.IsNaN(v) || double.IsFinite(v) && Math.Abs(v) <= SeriesSet.MaxMagnitude, $"value {v}"));
                if (s.Dates is { } dates)
                    for (int i = 1; i < dates.Length; i++) Assert.True(dates[i] > dates[i - 1], $"dates {dates[i - 1]:o} then {dates[i]:o}");
            }
            return true;
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
        {
            Assert.True(e.Message.Length <= MaxMessage, $"{e.Message.Length}-character message: {e.Message[..Math.Min(160, e.Message.Length)]}");
            Assert.DoesNotContain('\n', e.Message);
            errors.Add(e, ": ");
            return false;
        }
        finally
        {
            Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
        }
    }

    [Fact]
    public void EveryFileLoadsCleanlyOrFailsWithADocumentedException()
    {
        using var dir = new TempDirectory();
        long loaded = 0, total = 0;
        var errors = new FuzzBudget.Refusals();
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            string text = Render(input, out var options);
            if (Check(dir.Write("f.csv", text), options, errors)) loaded++;
        }, output.WriteLine, input => FuzzBudget.Show(Encoding.UTF8.GetBytes(Render(input, out _))), iterations: Math.Max(1, FuzzBudget.Iterations / 20));
        output.WriteLine($"{loaded} of {total} files loaded (the rest raised a documented exception); the most common errors:");
        errors.Log(output.WriteLine);
        Assert.True(loaded > 0 && loaded < total, "the generator reaches both outcomes");
    }
}
