using System.Text;

namespace Recur.Forecasting;

/// <summary>
/// A streaming reader of delimited text: one header row, then records, read one at a time.
/// </summary>
/// <remarks>
/// <para>Dialect: the separator is ',' unless the header line has none, then ';' if present,
/// then a tab — or the one a first line <c>sep=;</c> names (Excel's hint, which is then not the header). Fields may be quoted with '"'; inside quotes the separator and line breaks are
/// literal and '""' is one quote. Whitespace around a field (and around its quotes) is dropped.
/// CRLF and LF both end a line; a UTF-8 (or UTF-16) byte-order mark is skipped; blank lines are
/// skipped anywhere, so a one-column file must spell a missing cell (e.g. <c>NA</c>).</para>
/// <para>Every record must have as many fields as the header; a ragged row is an
/// <see cref="InvalidDataException"/> naming its line.</para>
/// </remarks>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _path;
    private readonly StringBuilder _field = new();
    private int _nextLine = 1; // 1-based number of the next physical line to read

    /// <summary>The header's column names, trimmed, in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The separator found on the header line.</summary>
    public char Delimiter { get; }

    /// <summary>1-based line number on which the last record read begins.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Opens <paramref name="path"/> and reads its header; <paramref name="delimiter"/> overrides the detection.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file has no header line.</exception>
    public static CsvReader Open(string path, char? delimiter = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"CSV file not found: {path}", path);
        var reader = new StreamReader(path, TextEncoding(path), detectEncodingFromByteOrderMarks: true);
        try
        {
            return new CsvReader(reader, path, delimiter);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// UTF-8, unless the file's first mebibyte is not valid UTF-8: then Windows-1252, what Excel and most Windows tools write
    /// in western Europe (a header "Umsätze" came out as "Ums\uFFFDtze"). A byte-order mark overrides either.
    /// </summary>
    private static Encoding TextEncoding(string path)
    {
        var head = new byte[1 << 20];
        int n;
        using (var file = File.OpenRead(path)) n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        // A character cut at the end of the sample is not an error: try the sample less up to three trailing bytes.
        for (int cut = 0; cut <= Math.Min(3, n); cut++)
            if (System.Text.Unicode.Utf8.IsValid(head.AsSpan(0, n - cut))) return Encoding.UTF8;
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> labels errors; <paramref name="delimiter"/> overrides the detection.</summary>
    public CsvReader(TextReader reader, string name, char? delimiter = null)
    {
        _reader = reader;
        _path = name;
        string? headerLine = NextNonBlankLine();
        // Excel's separator hint: a first line "sep=;" names the delimiter and is not the header.
        char? hinted = null;
        if (headerLine is { Length: 5 } && headerLine.StartsWith("sep=", StringComparison.OrdinalIgnoreCase))
        {
            hinted = headerLine[4];
            headerLine = NextNonBlankLine();
        }
        if (headerLine is null)
            throw new InvalidDataException($"{name}: the file is empty (no header row)");
        Delimiter = delimiter ?? hinted ?? DetectDelimiter(headerLine);
        var header = new List<string>();
        ParseRecord(headerLine, header);
        Header = header;
    }

    /// <summary>
    /// Reads the next record into <paramref name="fields"/> (cleared first).
    /// Returns false at the end of the file.
    /// </summary>
    /// <exception cref="InvalidDataException">The record's field count differs from the header's.</exception>
    public bool ReadRecord(List<string> fields)
    {
        fields.Clear();
        string? line = NextNonBlankLine();
        if (line is null)
            return false;
        ParseRecord(line, fields);
        if (fields.Count != Header.Count)
            throw new InvalidDataException(
                $"{_path}: line {LineNumber} has {fields.Count} fields, the header has {Header.Count}");
        return true;
    }

    /// <summary>Closes the underlying file.</summary>
    public void Dispose() => _reader.Dispose();

    private string? NextNonBlankLine()
    {
        while (true)
        {
            string? line = _reader.ReadLine();
            if (line is null)
                return null;
            LineNumber = _nextLine++;
            if (!string.IsNullOrWhiteSpace(line))
                return line;
        }
    }

    // The separator is looked for outside quotes only, so a quoted header name may hold any of them.
    private static char DetectDelimiter(string headerLine)
    {
        bool comma = false, semicolon = false, tab = false, quoted = false;
        foreach (char c in headerLine)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == ',') comma = true;
            else if (!quoted && c == ';') semicolon = true;
            else if (!quoted && c == '\t') tab = true;
        }
        return comma ? ',' : semicolon ? ';' : tab ? '\t' : ',';
    }

    // Splits one record; a quoted field that is still open at the end of a line continues on
    // the next physical line (the line break is part of the field).
    private void ParseRecord(string line, List<string> fields)
    {
        int startLine = LineNumber;
        int i = 0;
        while (true)
        {
            _field.Clear();
            while (i < line.Length && line[i] != Delimiter && char.IsWhiteSpace(line[i])) i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == line.Length)
                    {
                        string? next = _reader.ReadLine();
                        if (next is null)
                            throw new InvalidDataException($"{_path}: line {startLine}: a quoted field is never closed");
                        _nextLine++;
                        _field.Append('\n');
                        line = next;
                        i = 0;
                        continue;
                    }
                    char c = line[i++];
                    if (c != '"') { _field.Append(c); continue; }
                    if (i < line.Length && line[i] == '"') { _field.Append('"'); i++; continue; }
                    break; // closing quote
                }
                while (i < line.Length && line[i] != Delimiter && char.IsWhiteSpace(line[i])) i++;
                if (i < line.Length && line[i] != Delimiter)
                    throw new InvalidDataException(
                        $"{_path}: line {_nextLine - 1}: unexpected text after a closing quote: {Excerpt.Of(line[i..])}");
                fields.Add(_field.ToString());
            }
            else
            {
                int end = line.IndexOf(Delimiter, i);
                if (end < 0) end = line.Length;
                fields.Add(line[i..end].TrimEnd());
                i = end;
            }
            if (i >= line.Length)
                break;
            i++; // skip the separator; a separator at the very end means one more (empty) field
            if (i == line.Length)
            {
                fields.Add("");
                break;
            }
        }
        LineNumber = startLine;
    }
}
