using System.Text;
using System.Text.Json;

namespace Recur.Text;

/// <summary>
/// The characters a model knows: the distinct Unicode code points of a text sorted by code point, a character's
/// index being its position in that list (the char-LM protocol). Code points, not UTF-16 units, so characters outside
/// the Basic Multilingual Plane are one symbol, as they are for Python's <c>sorted(set(text))</c>.
/// </summary>
public sealed class CharVocabulary
{
    private readonly Rune[] _chars;
    private readonly Dictionary<Rune, int> _index;

    /// <summary>Builds a vocabulary from the given characters, which must be distinct and sorted by code point.</summary>
    /// <exception cref="ArgumentException">Empty, repeated or unsorted characters.</exception>
    public CharVocabulary(IReadOnlyList<Rune> chars)
    {
        if (chars.Count == 0) throw new ArgumentException("a vocabulary needs at least one character");
        for (int i = 1; i < chars.Count; i++)
            if (chars[i].Value <= chars[i - 1].Value)
                throw new ArgumentException($"vocabulary characters must be distinct and sorted by code point; {Describe(chars[i])} follows {Describe(chars[i - 1])}");
        _chars = chars.ToArray();
        _index = new Dictionary<Rune, int>(_chars.Length);
        for (int i = 0; i < _chars.Length; i++) _index[_chars[i]] = i;
    }

    /// <summary>The vocabulary of <paramref name="text"/>: its distinct characters sorted by code point.</summary>
    public static CharVocabulary FromText(string text)
    {
        var set = new HashSet<Rune>();
        foreach (var r in text.EnumerateRunes()) set.Add(r);
        return new CharVocabulary(set.OrderBy(r => r.Value).ToArray());
    }

    /// <summary>Number of characters (the model's classes).</summary>
    public int Count => _chars.Length;

    /// <summary>The character with index <paramref name="index"/>.</summary>
    public Rune this[int index] => _chars[index];

    /// <summary>The index of <paramref name="c"/>, or −1 when the vocabulary lacks it.</summary>
    public int IndexOf(Rune c) => _index.TryGetValue(c, out int i) ? i : -1;

    /// <summary>The characters in index order as one string (the model file's <c>vocab</c>, before JSON quoting).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(_chars.Length);
        foreach (var r in _chars) sb.Append(r.ToString());
        return sb.ToString();
    }

    /// <summary>The characters as a JSON string literal, e.g. <c>"\n !…"</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(ToString());

    /// <summary>Reads <see cref="ToJson"/>'s form back.</summary>
    /// <exception cref="FormatException">Not a JSON string, or its characters are not distinct and sorted.</exception>
    public static CharVocabulary FromJson(string json)
    {
        string? s;
        try { s = JsonSerializer.Deserialize<string>(json); }
        catch (JsonException e) { throw new FormatException($"vocab is not a JSON string: {e.Message}"); }
        if (string.IsNullOrEmpty(s)) throw new FormatException("vocab is empty");
        try { return new CharVocabulary(s.EnumerateRunes().ToArray()); }
        catch (ArgumentException e) { throw new FormatException($"vocab: {e.Message}"); }
    }

    /// <summary>
    /// Index of every character of <paramref name="text"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A character is not in the vocabulary (the message names it and where it is).</exception>
    public int[] Encode(string text, string what = "text")
    {
        var ids = new List<int>(text.Length);
        foreach (var r in text.EnumerateRunes())
        {
            int i = IndexOf(r);
            if (i < 0)
                throw new ArgumentException($"{what} has the character {Describe(r)} at position {ids.Count}, which the model never saw in training");
            ids.Add(i);
        }
        return ids.ToArray();
    }

    /// <summary>The text of the given indices.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        foreach (int i in ids) sb.Append(_chars[i].ToString());
        return sb.ToString();
    }

    /// <summary>A character for an error message: itself when printable, and its code point (<c>'é' (U+00E9)</c>).</summary>
    public static string Describe(Rune r)
    {
        bool printable = !Rune.IsControl(r) && !Rune.IsWhiteSpace(r);
        return printable ? $"'{r}' (U+{r.Value:X4})" : $"U+{r.Value:X4}";
    }
}
