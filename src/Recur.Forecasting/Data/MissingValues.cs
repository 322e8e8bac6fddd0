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
