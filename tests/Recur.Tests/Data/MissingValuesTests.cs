using Recur.Forecasting;

namespace Recur.Tests.Data;

public class MissingValuesTests
{
    private const double N = double.NaN;

    [Fact]
    public void InteriorGapIsLinear()
    {
        double[] y = [1, N, N, 4, 5];
        Assert.Equal(2, MissingValues.FillLinear(y));
        Assert.Equal([1, 2, 3, 4, 5], y);
    }

    [Fact]
    public void LeadingAndTrailingGapsTakeTheNearestKnownValue()
    {
        double[] y = [N, N, 2, N, 6, N, N];
        Assert.Equal(5, MissingValues.FillLinear(y));
        Assert.Equal([2, 2, 2, 4, 6, 6, 6], y);
    }

    [Fact]
    public void NothingMissingFillsNothing()
    {
        double[] y = [3, 1, 2];
        Assert.Equal(0, MissingValues.FillLinear(y));
        Assert.Equal([3, 1, 2], y);
    }

    [Fact]
    public void AllMissingThrows()
    {
        double[] y = [N, N];
        Assert.Throws<InvalidDataException>(() => MissingValues.FillLinear(y));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("  ", true)]
    [InlineData("NA", true)]
    [InlineData("n/a", true)]
    [InlineData("#N/A", true)]
    [InlineData("NaN", true)]
    [InlineData("nan", true)]
    [InlineData("NULL", true)]
    [InlineData("None", true)]
    [InlineData("?", true)]
    [InlineData("#DIV/0!", true)]
    [InlineData("#value!", true)]
    [InlineData("#REF!", true)]
    [InlineData("#NAME?", true)]
    [InlineData("#NUM!", true)]
    [InlineData("#NULL!", true)]
    [InlineData("..", true)]       // World Bank, ONS
    [InlineData("\u2026", true)]
    [InlineData(":", true)]        // Eurostat
    [InlineData("n.a.", true)]
    [InlineData("Missing", true)]
    [InlineData(".", false)]
    [InlineData("#DIV/0", false)]
    [InlineData("-", false)]       // missing or zero, by office: an error that says so
    [InlineData("0", false)]
    [InlineData("NAN1", false)]
    public void MissingTokens(string cell, bool missing) => Assert.Equal(missing, MissingValues.IsMissing(cell));

    [Fact]
    public void NaValuesMatchNumbersByValueAndTextsByName()
    {
        var isCode = MissingValues.Matcher(["-9999", "x"]);
        Assert.True(isCode("-9999"));
        Assert.True(isCode(" -9999.0 "));
        Assert.True(isCode("-9999,00"));
        Assert.True(isCode("X"));
        Assert.False(isCode("-999"));
        Assert.False(isCode("9999"));
        Assert.False(isCode(""));       // the empty cell is missing anyway, not through the matcher
        Assert.False(MissingValues.Matcher([])("-9999"));
    }

    [Fact]
    public void AllNinesFarFromTheRestIsALikelyCode()
    {
        var values = Enumerable.Range(0, 100).Select(i => 15 + 5 * Math.Sin(i / 5.0)).ToArray();
        values[10] = values[50] = -9999;
        Assert.Equal(-9999, MissingValues.LikelyCode(values));
        values[50] = 3;
        Assert.Null(MissingValues.LikelyCode(values));          // once is an outlier, not a code
        values[50] = 999.9;
        values[10] = 999.9;
        Assert.Equal(999.9, MissingValues.LikelyCode(values));  // NOAA's 999.9
        // Nines inside the data's range are data (a price of 99).
        var prices = Enumerable.Range(0, 100).Select(i => 90.0 + i % 12).ToArray();
        Assert.Null(MissingValues.LikelyCode(prices));
        // Not all nines: an outlier, not a code.
        values[10] = values[50] = -8888;
        Assert.Null(MissingValues.LikelyCode(values));
    }
}
