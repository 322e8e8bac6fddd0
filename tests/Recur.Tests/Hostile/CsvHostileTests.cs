using Recur.Forecasting;

namespace Recur.Tests.Hostile;

/// <summary>
/// Defects the CSV fuzz target found in <see cref="CsvReader"/>, each with the smallest input that showed it.
/// (The reader is the forecasting work's; these pass with its bounded excerpts.)
/// </summary>
public class CsvHostileTests
{
    // "a,b" then a cell with 300 characters after its closing quote: the message echoed them all (668 characters).
    [Fact]
    public void TextAfterAClosingQuoteIsQuotedBounded()
    {
        string text = "a,b\n\"closed\"" + new string('t', 300) + ",1\n";
        using var reader = new CsvReader(new StringReader(text), "t.csv");
        var ex = Assert.Throws<InvalidDataException>(() => reader.ReadRecord(new List<string>()));
        Assert.Contains("line 2", ex.Message);
        Assert.True(ex.Message.Length <= Fuzz.CsvFuzz.MaxMessage, $"{ex.Message.Length}-character message");
    }
}
