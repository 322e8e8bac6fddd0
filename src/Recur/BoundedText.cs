using System.Text;

namespace Recur;

/// <summary>
/// Values quoted in error messages, cut to a bounded length and kept on one line, so that a hostile
/// 50 MB name or cell cannot turn into a 50 MB message (or a multi-line one).
/// </summary>
internal static class BoundedText
{
    /// <summary>Most characters of a value a message quotes.</summary>
    public const int MaxQuoted = 80;

    /// <summary>
    /// <paramref name="value"/> with control characters escaped (<c>\n</c> → <c>\u000a</c>); when longer than
    /// <paramref name="max"/>, its head and tail around "…" and the full length, e.g. <c>abc…xyz (5000 chars)</c>.
    /// </summary>
    public static string Quote(string? value, int max = MaxQuoted)
    {
        if (value is null) return "null";
        if (value.Length <= max && !NeedsEscape(value)) return value;
        var sb = new StringBuilder();
        if (value.Length <= max)
        {
            Append(sb, value);
            return sb.ToString();
        }
        int head = CutPoint(value, max * 3 / 4), tailStart = CutPoint(value, value.Length - (max - max * 3 / 4 - 1));
        Append(sb, value.AsSpan(0, head));
        sb.Append('…');
        Append(sb, value.AsSpan(tailStart));
        sb.Append(" (").Append(value.Length).Append(" chars)");
        return sb.ToString();
    }

    /// <summary>A list as <c>[1, 2, 3]</c>, cut after <paramref name="max"/> items: <c>[1, 2, … (5000 items)]</c>.</summary>
    public static string List(IReadOnlyList<int> items, int max = 16) =>
        items.Count <= max ? "[" + string.Join(", ", items) + "]"
            : "[" + string.Join(", ", items.Take(max)) + $", … ({items.Count} items)]";

    /// <summary>A path cut to its last <paramref name="max"/> characters (the file name matters most).</summary>
    public static string Path(string path, int max = 160)
    {
        if (path.Length <= max && !NeedsEscape(path)) return path;
        var sb = new StringBuilder();
        if (path.Length > max) sb.Append('…');
        Append(sb, path.AsSpan(path.Length > max ? CutPoint(path, path.Length - max) : 0));
        return sb.ToString();
    }

    // Never split a surrogate pair.
    private static int CutPoint(string s, int at) => at > 0 && at < s.Length && char.IsLowSurrogate(s[at]) ? at - 1 : at;

    private static bool NeedsEscape(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c < ' ' || c == '\u007f' || char.IsLowSurrogate(c)) return true;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return true;
                i++;
            }
        }
        return false;
    }

    private static void Append(StringBuilder sb, ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool lone = char.IsHighSurrogate(c) ? i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])
                : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1]));
            if (c < ' ' || c == '\u007f' || lone) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
    }
}
