using System.Text;
using Recur.Text;

namespace Recur.Tests.Text;

public class CharVocabularyTests
{
    [Fact]
    public void DistinctCharactersSortedByCodePoint()
    {
        var v = CharVocabulary.FromText("hello, wörld 🎭 中\n");
        Assert.Equal("\n ,dehlorwö中🎭", v.ToString());
        Assert.Equal(13, v.Count);
        Assert.Equal(0, v.IndexOf(new Rune('\n')));
        Assert.Equal(12, v.IndexOf(Rune.GetRuneAt("🎭", 0))); // one symbol, not two UTF-16 units
        Assert.Equal(-1, v.IndexOf(new Rune('x')));
    }

    [Fact]
    public void EncodeDecodeAndJsonRoundTrip()
    {
        var text = "Ça va? 🎭\r\nOui.";
        var v = CharVocabulary.FromText(text);
        var ids = v.Encode(text);
        Assert.Equal(text.EnumerateRunes().Count(), ids.Length);
        Assert.Equal(text, v.Decode(ids));
        var back = CharVocabulary.FromJson(v.ToJson());
        Assert.Equal(v.ToString(), back.ToString());
        Assert.Contains('\r', v.ToString()); // Windows line endings keep '\r' as a character
    }

    [Fact]
    public void UnknownCharacterIsNamed()
    {
        var v = CharVocabulary.FromText("abc");
        var e = Assert.Throws<ArgumentException>(() => v.Encode("abé", "the prompt"));
        Assert.Contains("'é' (U+00E9)", e.Message);
        Assert.Contains("position 2", e.Message);
        Assert.Contains("the prompt", e.Message);
    }

    [Fact]
    public void BadJsonIsAFormatError()
    {
        Assert.Throws<FormatException>(() => CharVocabulary.FromJson("[1, 2]"));
        Assert.Throws<FormatException>(() => CharVocabulary.FromJson("\"ba\"")); // not sorted
        Assert.Throws<FormatException>(() => CharVocabulary.FromJson("\"\""));
    }
}
