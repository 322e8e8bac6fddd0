namespace Recur.Forecasting;

/// <summary>
/// What counts as a missing cell, and how a column's gaps are filled.
/// </summary>
public static class MissingValues
{
    /// <summary>
    /// Cell texts read as missing, compared case-insensitively after trimming: the empty cell,
    /// <c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>NaN</c>, <c>null</c>, <c>None</c> and <c>?</c>
    /// (what pandas, R, spreadsheets and the UCI archive write), and the error values a spreadsheet
    /// exports where a formula failed (<c>#DIV/0!</c>, <c>#VALUE!</c>, <c>#REF!</c>, <c>#NAME?</c>,
    /// <c>#NUM!</c>, <c>#NULL!</c>): there is no number there; and the marks statistics offices use for a value not
    /// available (<c>..</c>, <c>…</c>, <c>:</c>, <c>n.a.</c>, <c>missing</c>). A lone <c>-</c> is not in the set: it is
    /// too easily a typo for a number, and some offices write it for zero (the error says so).
    /// </summary>
    public static readonly IReadOnlySet<string> Tokens =
        new HashSet<string>(["", "NA", "N/A", "#N/A", "NaN", "null", "None", "?", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
            // as statistics offices and reports mark a value not available (the World Bank's and ONS's "..", Eurostat's ":")
            "..", "...", "\u2026", ":", "n.a.", "missing"],
            StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="cell"/> spells a missing value.</summary>
    public static bool IsMissing(string cell) => Tokens.Contains(cell.Trim());

    /// <summary>
    /// A test for the cells <paramref name="naValues"/> names (<see cref="CsvOptions.NaValues"/>): a number matches the
    /// cells of that value, written with a decimal point or comma; any other text matches itself, case-insensitively.
    /// </summary>
    public static Func<string, bool> Matcher(IReadOnlyList<string> naValues)
    {
        if (naValues.Count == 0) return _ => false;
        var numbers = new HashSet<double>();
        var texts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in naValues)
        {
            texts.Add(v.Trim());
            if (NumberText.TryParse(v, '.', out double x)) numbers.Add(x);
        }
        return cell =>
        {
            if (texts.Contains(cell.Trim())) return true;
            return numbers.Count > 0 && (NumberText.TryParse(cell, '.', out double a) && numbers.Contains(a)
                                         || NumberText.TryParse(cell, ',', out double b) && numbers.Contains(b));
        };
    }

    /// <summary>
    /// A value that looks like a missing-value code rather than data: all nines (<c>-9999</c>, <c>999.9</c>, as NOAA's
    /// and many loggers' files mark a missing reading), at least twice, and more than 10 robust standard deviations
    /// (1.4826 · median absolute deviation) from the median of the other values. Null when there is none. Only a hint:
    /// the load says so and <c>--na-values</c> decides.
    /// </summary>
    public static double? LikelyCode(ReadOnlySpan<double> values)
    {
        var counts = new Dictionary<double, int>();
        foreach (double v in values)
            if (AllNines(v)) counts[v] = counts.GetValueOrDefault(v) + 1;
        foreach (var (code, n) in counts.OrderByDescending(c => c.Value))
        {
            if (n < 2) break;
            var rest = new List<double>();
            foreach (double v in values)
                if (!double.IsNaN(v) && v != code) rest.Add(v);
            if (rest.Count < 10) continue;
            rest.Sort();
            double median = rest[rest.Count / 2];
            var deviations = rest.Select(v => Math.Abs(v - median)).Order().ToList();
            double spread = 1.4826 * deviations[deviations.Count / 2];
            if (spread > 0 && Math.Abs(code - median) > 10 * spread) return code;
        }
        return null;
    }

    // 99, -999, 9999.9, 99999 …: every digit a nine, two to nine before the point and up to two after.
    private static bool AllNines(double v) => Nines.Contains(Math.Abs(v));

    private static readonly HashSet<double> Nines =
        [.. from whole in Enumerable.Range(2, 8) from fraction in Enumerable.Range(0, 3)
            select double.Parse(new string('9', whole) + (fraction > 0 ? "." + new string('9', fraction) : ""), System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>
    /// Fills the NaN entries of <paramref name="values"/> in place and returns how many were filled.
    /// A gap between known values a = y[i] and b = y[j] becomes y[k] = a + (b − a)·(k − i)/(j − i);
    /// a leading gap takes the first known value, a trailing gap the last one.
    /// </summary>
    /// <exception cref="InvalidDataException">Every value is missing (nothing to fill from).</exception>
    public static int FillLinear(Span<double> values)
    {
        int filled = 0;
        int previous = -1; // index of the last known value seen
        for (int k = 0; k < values.Length; k++)
        {
            if (double.IsNaN(values[k]))
                continue;
            int gap = k - previous - 1;
            if (gap > 0)
            {
                if (previous < 0)
                    values[..k].Fill(values[k]);
                else
                    for (int m = previous + 1; m < k; m++)
                        values[m] = values[previous] + (values[k] - values[previous]) * (m - previous) / (k - previous);
                filled += gap;
            }
            previous = k;
        }
        if (previous < 0)
            throw new InvalidDataException($"all {values.Length} values are missing");
        int tail = values.Length - previous - 1;
        values[(previous + 1)..].Fill(values[previous]);
        return filled + tail;
    }
}
