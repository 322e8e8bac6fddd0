using System.Globalization;

namespace Recur.Cli;

/// <summary>
/// Numbers as the commands print them: three decimals where that shows the value, else exponent form — a series
/// measured in micro-units must not print every forecast and error as 0, nor one in dollars of GDP (1e13) as seventeen
/// digits that wrap the table. The JSON output and the predictions file keep every digit.
/// </summary>
internal static class Figures
{
    /// <summary>An error or score in a table: fixed three decimals (0.482), or 1.234E-06 below 0.01 and 3.453E+12 from 1e9.</summary>
    public static string Metric(double v) => Small(v) || Large(v) ? Exponent(v, "0.###E+00") : v.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A forecast or quantile value: up to three decimals (179.684), or 1.234E-06 below 0.01 and 1.00157E+13 from 1e9.</summary>
    public static string Value(double v) => Small(v) ? Exponent(v, "0.###E+00") : Large(v) ? Exponent(v, "0.#####E+00")
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static bool Small(double v) => v != 0 && double.IsFinite(v) && Math.Abs(v) < 0.01;

    private static bool Large(double v) => double.IsFinite(v) && Math.Abs(v) >= 1e9;

    private static string Exponent(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
