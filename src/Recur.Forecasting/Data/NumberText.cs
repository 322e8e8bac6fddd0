using System.Globalization;
using System.Text.RegularExpressions;

namespace Recur.Forecasting;

/// <summary>
/// Numbers as spreadsheets write them: the invariant form (<c>1234.5</c>, <c>1e3</c>), the decimal-comma form
/// (<c>1234,5</c>) and digit grouping in threes — <c>1,234.5</c> (Excel in English), <c>1.234,5</c> (most of
/// Europe), <c>1 234,5</c> / <c>1 234.5</c> (spaces, also no-break and thin spaces) and <c>1'234.5</c> (Swiss).
/// Grouping is read only in its strict form (one to three digits, then groups of exactly three), so a mistyped
/// cell is still an error rather than a silently wrong number. Money as accounting exports write it is read too: a
/// currency sign before or after the number (<c>$1,234.50</c>, <c>-$5</c>, <c>12,50 €</c>, <c>£3</c>) and negatives in
/// parentheses (<c>(1,234.50)</c> is −1234.5) or with a trailing minus (<c>1.234,50-</c>, as ledgers export them).
/// A unit of measurement after the number (<c>12.5 kWh</c>, <c>21,3 °C</c>, <c>5.1%</c>) is left out (<see cref="UnitOf"/>; a column
/// mixing units is the loader's error).
/// </summary>
public static partial class NumberText
{
    // The group separators other than the one that is the other decimal mark.
    private const string Spaces = " \u00A0\u202F\u2009'";

    [GeneratedRegex(@"^[+-]?\d{1,3}(?:([,. \u00A0\u202F\u2009'])\d{3})(?:\1\d{3})*(?:([.,])\d+)?$")]
    private static partial Regex Grouped();

    /// <summary>
    /// Reads <paramref name="cell"/> (trimmed) with <paramref name="dec"/> ('.' or ',') as the decimal mark; false when
    /// it is not a number in any of the forms above.
    /// </summary>
    public static bool TryParse(string cell, char dec, out double value)
    {
        value = 0;
        if (Plain(cell, out bool negate) is not { } s) return false;
        if (!TryParsePlain(s, dec, out value)) return false;
        if (negate) value = -value;
        return true;
    }

    /// <summary>
    /// Why <paramref name="cell"/>, which is not read as a number, was not read when it looks like one — a lone dash, which
    /// means missing or zero — for the error to say; null otherwise.
    /// </summary>
    public static string? WhyNotRead(string cell) =>
        cell.Trim() is "-" or "--" or "\u2013" or "\u2014" ? "a dash can mean missing or zero: write NA or 0" : null;

    /// <summary>The currency signs read around a number.</summary>
    private const string Currency = "$€£¥₹₩₽₺";

    /// <summary>
    /// The number inside <paramref name="cell"/>: trimmed, accounting parentheses and one currency sign (before or after,
    /// a sign of the number allowed before it) taken off; null when what is left cannot be a number's text.
    /// </summary>
    private static string? Plain(string cell, out bool negate)
    {
        string s = cell.Trim();
        negate = false;
        if (s.Length > 2 && s[0] == '(' && s[^1] == ')')
        {
            s = s[1..^1].Trim();
            negate = true;
            if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) return null; // (-5) is no accounting form
        }
        else if (s.Length > 1 && s[^1] == '-' && char.IsDigit(s[^2]))
        {
            s = s[..^1]; // a trailing minus, as SAP and other ledgers export negatives (1.234,50-)
            negate = true;
            if (s[0] == '-' || s[0] == '+') return null;
        }
        if (s.Length > 1 && Currency.Contains(s[^1])) s = s[..^1].TrimEnd();
        else
        {
            int at = s.Length > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
            if (s.Length > at + 1 && Currency.Contains(s[at])) s = s[..at] + s[(at + 1)..].TrimStart();
            else if (UnitAt(s) is { } unit) s = s[..^unit.Length].TrimEnd();
        }
        return s;
    }

    /// <summary>
    /// Units of measurement read after a number (<c>12.5 kWh</c>, <c>21,3 °C</c>), as loggers and hand-made sheets write
    /// them: the number is the value in that unit (a rate written <c>5.1%</c> is 5.1, in percent, as the column shows it, and
    /// its forecasts are in percent too). Letters that also mean a multiple are left out (k, K, M, B: 12K is
    /// 12 000; m: £12m is twelve million), so such a cell stays an error. Longest first.
    /// </summary>
    private static readonly string[] Units = [.. new[]
    {
        "kWh", "MWh", "GWh", "Wh", "kW", "MW", "GW", "W", "°C", "°F", "℃", "℉", "mm", "cm", "km", "mi", "ft", "kg", "mg", "g", "lb",
        "lbs", "oz", "l", "L", "ml", "mL", "m²", "m³", "m2", "m3", "h", "min", "ms", "s", "Hz", "kHz", "MHz", "V", "kV", "mV", "A", "mA",
        "Pa", "hPa", "kPa", "MPa", "bar", "mbar", "ppm", "ppb", "km/h", "m/s", "mph", "dB", "lx", "µg/m³", "ug/m3", "mm/h", "%",
    }.OrderByDescending(u => u.Length)];

    // The unit at the end of s (after a digit, with or without a space), or null.
    private static string? UnitAt(string s)
    {
        if (s.Length < 2 || char.IsDigit(s[^1])) return null; // most cells: a plain number, no unit to look for
        foreach (var u in Units)
        {
            if (s.Length <= u.Length || !s.EndsWith(u, StringComparison.Ordinal)) continue;
            var rest = s.AsSpan(0, s.Length - u.Length).TrimEnd();
            if (rest.Length > 0 && char.IsDigit(rest[^1])) return u;
        }
        return null;
    }

    /// <summary>The unit written after the number in <paramref name="cell"/> (<c>kWh</c> in <c>12.5 kWh</c>), or null.</summary>
    public static string? UnitOf(string cell) => UnitAt(cell.Trim()) is { } unit && LooksNumeric(cell) ? unit : null;

    private static bool TryParsePlain(string s, char dec, out double value)
    {
        if (double.TryParse(dec == ',' ? s.Replace(',', '.') : s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            // "1.234" in a decimal-comma file is a thousand and more, not a bit more than one.
            if (dec == ',' && IsGrouped(s, dec, out double grouped)) value = grouped;
            return true;
        }
        return IsGrouped(s, dec, out value);
    }

    /// <summary>A yes/no flag: <c>true</c>/<c>false</c>, <c>yes</c>/<c>no</c> (any case, trimmed), as exports write a boolean column.</summary>
    public static bool TryParseFlag(string cell, out bool value)
    {
        var t = cell.AsSpan().Trim();
        value = t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.Equals("yes", StringComparison.OrdinalIgnoreCase);
        return value || t.Equals("false", StringComparison.OrdinalIgnoreCase) || t.Equals("no", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="cell"/> can be read as a number with '.' or with ',' as the decimal mark.</summary>
    public static bool LooksNumeric(string cell) => TryParse(cell, '.', out _) || TryParse(cell, ',', out _);

    /// <summary>
    /// True when <paramref name="cell"/> reads as a decimal-comma number: a comma and no point (<c>1,5</c>, <c>1,234</c>),
    /// or points grouping the digits before a decimal comma (<c>1.234,5</c>).
    /// </summary>
    public static bool IsDecimalComma(string cell)
    {
        if (Plain(cell, out _) is not { } s) return false;
        if (!s.Contains(',')) return false;
        if (!s.Contains('.')) return TryParsePlain(s, ',', out _);
        var m = Grouped().Match(s);
        return m.Success && m.Groups[1].Value == "." && m.Groups[2].Value == ",";
    }

    /// <summary>
    /// True when <paramref name="cell"/> has a point that can only be a decimal point: <c>12.5</c>, <c>1,234.5</c>
    /// (not <c>1.234</c>, which in a decimal-comma file is a grouped thousand).
    /// </summary>
    public static bool IsDecimalPoint(string cell)
    {
        if (Plain(cell, out _) is not { } s) return false;
        if (!s.Contains('.')) return false;
        var m = Grouped().Match(s);
        if (m.Success) return m.Groups[2].Value == ".";
        return !s.Contains(',') && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static bool IsGrouped(string s, char dec, out double value)
    {
        value = 0;
        var m = Grouped().Match(s);
        if (!m.Success) return false;
        char group = m.Groups[1].Value[0];
        // The separator between groups must not be the decimal mark, and the decimal part must use it.
        if (group == dec || (m.Groups[2].Success && m.Groups[2].Value[0] != dec)) return false;
        if (group != (dec == '.' ? ',' : '.') && !Spaces.Contains(group)) return false;
        string digits = s.Replace(group.ToString(), "");
        if (dec == ',') digits = digits.Replace(',', '.');
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
