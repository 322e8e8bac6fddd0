using System.Text;

namespace Recur.Text;

/// <summary>
/// A text prepared by the char-LM protocol: read as UTF-8, the vocabulary of all its characters, and the split by
/// position — the first 90 % of the characters train, the last 10 % validate. Every character is kept as it is,
/// including <c>\r</c> of Windows line endings (it becomes one more vocabulary entry), so that the numbers are those
/// of the file as given.
/// </summary>
public sealed class CharCorpus
{
    /// <summary>Share of the characters, from the start, used for training.</summary>
    public const double TrainFraction = 0.9;

    /// <summary>The characters of the whole text.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>Indices of the training part (first 90 %).</summary>
    public int[] Train { get; }

    /// <summary>Indices of the validation part (last 10 %).</summary>
    public int[] Validation { get; }

    /// <summary>Characters in the whole text.</summary>
    public int Length => Train.Length + Validation.Length;

    private CharCorpus(CharVocabulary vocabulary, int[] train, int[] validation)
    {
        Vocabulary = vocabulary;
        Train = train;
        Validation = validation;
    }

    /// <summary>
    /// The shortest text (in characters) that gives one training sequence of <paramref name="seqLen"/> inputs plus its
    /// next-character target and a validation part of at least two characters.
    /// </summary>
    public static int MinimumLength(int seqLen)
    {
        // floor(0.9·n) ≥ seqLen + 1 and n − floor(0.9·n) ≥ 2.
        int n = 2;
        while (TrainCount(n) < seqLen + 1 || n - TrainCount(n) < 2) n++;
        return n;
    }

    /// <summary>How many of <paramref name="n"/> characters train: ⌊0.9·n⌋ (1 003 854 of tinyshakespeare's 1 115 394).</summary>
    public static int TrainCount(int n) => (int)Math.Floor(n * TrainFraction + 1e-9);

    /// <summary>Reads and splits a text file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Empty, not UTF-8 text (binary), or too short for one sequence of <paramref name="seqLen"/>.</exception>
    public static CharCorpus Load(string path, int seqLen)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"text file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        return FromBytes(bytes, seqLen, path);
    }

    /// <summary>Decodes and splits the bytes of a text; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Empty, not UTF-8 text (binary), or too short for one sequence of <paramref name="seqLen"/>.</exception>
    public static CharCorpus FromBytes(byte[] bytes, int seqLen, string name = "text")
    {
        if (bytes.Length == 0) throw new InvalidDataException($"{name} is empty: a character model needs text to learn from");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{name} is not UTF-8 text (a binary file?): invalid byte sequence at byte {e.Index}");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..]; // a byte-order mark is not part of the text
        int nul = text.IndexOf('\0');
        if (nul >= 0) throw new InvalidDataException($"{name} contains a NUL character (at character {nul}): it looks like a binary file, not text");
        return FromText(text, seqLen, name);
    }

    /// <summary>Splits a text already in memory.</summary>
    /// <exception cref="InvalidDataException">Empty, or too short for one sequence of <paramref name="seqLen"/>.</exception>
    public static CharCorpus FromText(string text, int seqLen, string name = "text")
    {
        if (seqLen < 1) throw new ArgumentException($"seq-len must be at least 1, got {seqLen}");
        if (text.Length == 0) throw new InvalidDataException($"{name} is empty: a character model needs text to learn from");
        var vocab = CharVocabulary.FromText(text);
        var ids = vocab.Encode(text, name);
        int min = MinimumLength(seqLen);
        if (ids.Length < min)
            throw new InvalidDataException(
                $"{name} has {ids.Length} characters, too short: with seq-len {seqLen} it needs at least {min} " +
                $"(90 % for training must hold one sequence of {seqLen} + 1 characters, 10 % for validation at least 2)");
        int nTrain = TrainCount(ids.Length);
        return new CharCorpus(vocab, ids[..nTrain], ids[nTrain..]);
    }
}
