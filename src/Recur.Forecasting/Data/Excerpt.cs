namespace Recur.Forecasting;

/// <summary>
/// Bounded quotes of user data for error messages: a 50 MB cell or a million column names must not become
/// a 50 MB message. At most <see cref="MaxChars"/> characters of a value are quoted, with its full length.
/// </summary>
public static class Excerpt
{
    /// <summary>Most characters of one value quoted in a message.</summary>
    public const int MaxChars = 80;

    /// <summary>Most items of a list quoted in a message.</summary>
    public const int MaxItems = 20;

    /// <summary><c>'text'</c>, or <c>'first 80 characters…' (N characters)</c>; line breaks shown as spaces.</summary>
    public static string Of(string? text)
    {
        if (text is null) return "(none)";
        string head = text.Length <= MaxChars ? text : text[..MaxChars];
        head = head.ReplaceLineEndings(" ");
        return text.Length <= MaxChars ? $"'{head}'" : $"'{head}…' ({text.Length} characters)";
    }

    /// <summary>The first <see cref="MaxItems"/> items, each quoted with <see cref="Of"/>, then "… and N more".</summary>
    public static string List(IReadOnlyList<string> items)
    {
        var shown = items.Take(MaxItems).Select(Of);
        string list = string.Join(", ", shown);
        return items.Count > MaxItems ? $"{list}, … and {items.Count - MaxItems} more" : list;
    }
}
