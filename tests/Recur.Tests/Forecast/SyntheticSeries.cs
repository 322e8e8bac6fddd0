using System.Globalization;
using System.Text;

namespace Recur.Tests.Forecast;

/// <summary>Small CSV series made for the tests: trend + season + noise, with dates and a few gaps.</summary>
public static class SyntheticSeries
{
    /// <summary>
    /// <paramref name="rows"/> daily rows from 2020-01-01: y = 10 + 0.02·i + 3·sin(2πi/7) + N(0, 0.3²) (seeded),
    /// every 17th cell empty; a second column x = cos(2πi/7) with no gaps.
    /// </summary>
    public static string Daily(int rows, int seed = 1)
    {
        var rng = new Random(seed);
        var csv = new StringBuilder("date,y,x\n");
        var start = new DateTime(2020, 1, 1);
        for (int i = 0; i < rows; i++)
        {
            double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) * 0.3;
            double y = 10 + 0.02 * i + 3 * Math.Sin(2 * Math.PI * i / 7) + noise;
            string cell = i % 17 == 5 ? "" : y.ToString("0.###", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{start.AddDays(i):yyyy-MM-dd},{cell},{Math.Cos(2 * Math.PI * i / 7):0.###}\n");
        }
        return csv.ToString();
    }
}
