using System.Text;
using Recur.Text;

namespace Recur.Tests.Text;

public class CharCorpusTests
{
    [Fact]
    public void SplitsLikeTheProtocol()
    {
        Assert.Equal(1_003_854, CharCorpus.TrainCount(1_115_394)); // tinyshakespeare: 1,003,854 train, 111,540 validation
        var text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));
        var c = CharCorpus.FromText(text, seqLen: 10);
        Assert.Equal(90, c.Train.Length);
        Assert.Equal(10, c.Validation.Length);
        Assert.Equal(26, c.Vocabulary.Count);
        Assert.Equal(c.Vocabulary.IndexOf(new Rune('a' + 90 % 26)), c.Validation[0]);
    }

    [Fact]
    public void Utf8WithManyCharactersAndWindowsLineEndings()
    {
        // 300 distinct characters, several outside ASCII and one outside the BMP, CRLF line ends.
        var sb = new StringBuilder();
        for (int i = 0; i < 300; i++) sb.Append(char.ConvertFromUtf32(0x400 + i)).Append(i % 10 == 9 ? "\r\n" : "");
        sb.Append("🎭\r\n");
        var bytes = new UTF8Encoding(false).GetBytes(sb.ToString() + sb.ToString());
        var c = CharCorpus.FromBytes(bytes, seqLen: 16);
        Assert.Equal(303, c.Vocabulary.Count); // 300 + '\r' + '\n' + 🎭
        Assert.Equal(0, c.Vocabulary.IndexOf(new Rune('\n')));
        Assert.Equal(1, c.Vocabulary.IndexOf(new Rune('\r')));
    }

    [Fact]
    public void EmptyBinaryAndShortFilesAreClearErrors()
    {
        var empty = Assert.Throws<InvalidDataException>(() => CharCorpus.FromBytes([], 128, "x.txt"));
        Assert.Contains("x.txt is empty", empty.Message);

        var binary = Assert.Throws<InvalidDataException>(() => CharCorpus.FromBytes([0x89, 0x50, 0x4E, 0x47, 0xFF, 0xFE, 0x00], 128, "img.png"));
        Assert.Contains("not UTF-8 text", binary.Message);
        var nul = Assert.Throws<InvalidDataException>(() => CharCorpus.FromBytes([0x41, 0x00, 0x42], 128, "data.bin"));
        Assert.Contains("NUL", nul.Message);

        int min = CharCorpus.MinimumLength(128);
        Assert.True(CharCorpus.TrainCount(min) >= 129 && min - CharCorpus.TrainCount(min) >= 2);
        var shortText = Assert.Throws<InvalidDataException>(() => CharCorpus.FromText(new string('a', min - 1), 128, "short.txt"));
        Assert.Contains($"needs at least {min}", shortText.Message);
        Assert.Contains("seq-len 128", shortText.Message);
        CharCorpus.FromText(new string('a', min), 128); // exactly the minimum is enough
    }

    [Fact]
    public void ByteOrderMarkIsNotACharacter()
    {
        var bytes = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(new string('a', 50) + new string('b', 50))).ToArray();
        Assert.Equal("ab", CharCorpus.FromBytes(bytes, 8).Vocabulary.ToString());
    }
}
