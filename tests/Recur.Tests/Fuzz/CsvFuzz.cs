using System.Diagnostics;
using System.Text;
using CsCheck;
using Recur.Forecasting;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: <see cref="CsvReader"/> (header and every record). Inputs are rows of hostile cells: numbers, blanks,
/// <c>NA</c>, quoted text holding separators, quotes and line breaks, 300-character cells, text after a closing quote,
/// unclosed quotes, mixed separators, CRLF, a byte-order mark, blank lines, ragged rows.
/// Property: every record reads and writing them back (every field quoted) reads back the same; or the reader raises
/// <see cref="InvalidDataException"/> with a one-line message of at most <see cref="MaxMessage"/> characters; never
/// another exception, a hang, or more allocation than <see cref="AllocationBound"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public class CsvFuzz(ITestOutputHelper output)
{
    /// <summary>Most characters of a CSV error message (docs/RELIABILITY.md).</summary>
    public const int MaxMessage = 400;

    /// <summary>The stated bound: 32 bytes allocated per character of input, plus 1 MiB.</summary>
    public static long AllocationBound(long chars) => 32 * chars + (1 << 20);

    private static readonly string[] Cells =
    [
        "1", "-2.5", "1e200", "NaN", "", " ", "NA", "2024-01-01", "x", "\"q\"", "\"a,b\"", "\"a;b\"", "\"a\tb\"", "\"line\nbreak\"",
        "\"say \"\"hi\"\"\"", "\"open", "\"closed\" tail", "\"closed\"" + new string('t', 300), new string('c', 300), "é", "\U0001F600",
        "\"\"", "a\"b", "\r", " \"padded\" ", "\uFEFF", "\0",
    ];

    private sealed record Input(int[][] Rows, int Separator, bool Crlf, bool Bom, int BlankEvery);

    private static readonly Gen<Input> InputGen = Gen.Select(Gen.Int[0, Cells.Length - 1].Array[1, 5].Array[0, 6], Gen.Int[0, 2], Gen.Bool, Gen.Bool, Gen.Int[0, 4],
        (rows, sep, crlf, bom, blank) => new Input(rows, sep, crlf, bom, blank));

    private static string Render(Input input)
    {
        string sep = input.Separator switch { 0 => ",", 1 => ";", _ => "\t" }, end = input.Crlf ? "\r\n" : "\n";
        var text = new StringBuilder(input.Bom ? "\uFEFF" : "");
        text.Append("a").Append(sep).Append("b").Append(end); // a header of two columns
        for (int r = 0; r < input.Rows.Length; r++)
        {
            if (input.BlankEvery > 0 && r % input.BlankEvery == 0) text.Append(end);
            text.Append(string.Join(sep, input.Rows[r].Select(c => Cells[c]))).Append(end);
        }
        return text.ToString();
    }

    private static List<List<string>>? Read(string text, out InvalidDataException? error)
    {
        error = null;
        try
        {
            using var reader = new CsvReader(new StringReader(text), "fuzz.csv");
            var records = new List<List<string>> { reader.Header.ToList() };
            var fields = new List<string>();
            while (reader.ReadRecord(fields)) records.Add(fields.ToList());
            return records;
        }
        catch (InvalidDataException e)
        {
            error = e;
            return null;
        }
    }

    internal static bool Check(string text)
    {
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var records = Read(text, out var error);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= AllocationBound(text.Length), $"{allocated} bytes allocated for {text.Length} characters");
        Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
        if (error != null)
        {
            Assert.True(error.Message.Length <= MaxMessage, $"{error.Message.Length}-character message: {error.Message[..Math.Min(120, error.Message.Length)]}");
            Assert.DoesNotContain('\n', error.Message);
            Assert.StartsWith("fuzz.csv: ", error.Message);
            return false;
        }
        // Round trip: every field quoted (quotes doubled), comma-separated, LF line ends.
        var written = string.Concat(records!.Select(r => string.Join(",", r.Select(f => "\"" + f.Replace("\"", "\"\"") + "\"")) + "\n"));
        var again = Read(written, out var error2);
        Assert.Null(error2);
        Assert.Equal(records, again);
        return true;
    }

    [Fact]
    public void EveryInputReadsAndRoundTripsOrIsInvalidData()
    {
        long read = 0, total = 0;
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            if (Check(Render(input))) read++;
        }, output.WriteLine, input => FuzzBudget.Show(Encoding.UTF8.GetBytes(Render(input))));
        output.WriteLine($"{read} of {total} inputs read (the rest were InvalidDataException)");
        Assert.True(read > 0 && read < total, "the generator reaches both outcomes");
    }
}
