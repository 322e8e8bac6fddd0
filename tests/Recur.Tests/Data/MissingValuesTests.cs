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
}
