using System.Text;

namespace Recur.Forecasting;

/// <summary>
/// A streaming reader of delimited text: one header row, then records, read one at a time.
/// </summary>
/// <remarks>
/// <para>Dialect: the separator is ',' unless the header line has none, then ';' if present,
/// then a tab — or the one a first line <c>sep=;</c> names (Excel's hint, which is then not the header). Fields may be quoted with '"'; inside quotes the separator and line breaks are
/// literal and '""' is one quote. Whitespace around a field (and around its quotes) is dropped.
/// CRLF and LF both end a line; a UTF-8 (or UTF-16) byte-order mark is skipped; blank lines, and lines of separators
/// only (<see cref="EmptyRows"/>), are skipped anywhere, so a one-column file must spell a missing cell (e.g. <c>NA</c>). Lines above the header that are
/// not data — a title, "Source: …", "# comments" — are skipped (<see cref="Preamble"/>) when a later line has the shape
/// of a header followed by rows of its width.</para>
/// <para>Every record must have as many fields as the header; a ragged row is an
/// <see cref="InvalidDataException"/> naming its line.</para>
/// </remarks>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _path;
    private readonly StringBuilder _field = new();
    private int _nextLine = 1; // 1-based number of the next physical line to read
    private readonly Queue<string> _ahead = new(); // physical lines read ahead while looking for the header

    /// <summary>
    /// The lines above the header that were not data (a title, "Source: …", "# comments" as statistics offices and
    /// loggers write them): how many, and the first of them; 0 and null when the header is the first line.
    /// </summary>
    public (int Count, string? First) Preamble { get; }

    /// <summary>1-based line number of the header.</summary>
    public int HeaderLine { get; }

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
        HeaderLine = LineNumber;
        if (hinted is null)
        {
            var (skipped, header0, at) = FindHeader(headerLine, delimiter);
            if (skipped > 0) (Preamble, headerLine, HeaderLine) = ((skipped, headerLine), header0, at);
        }
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
        while (true)
        {
            fields.Clear();
            string? line = NextNonBlankLine();
            if (line is null)
                return false;
            ParseRecord(line, fields);
            // A line of separators only (";;;", as spreadsheets export formatted but empty rows) is a blank line too.
            if (fields.TrueForAll(f => f.Length == 0) && line.Contains(Delimiter))
            {
                EmptyRows++;
                continue;
            }
            if (fields.Count != Header.Count)
                throw new InvalidDataException(
                    $"{_path}: line {LineNumber} has {fields.Count} fields, the header has {Header.Count}");
            return true;
        }
    }

    /// <summary>Lines of separators only (<c>;;;</c>) skipped so far, as blank lines are.</summary>
    public int EmptyRows { get; private set; }

    /// <summary>Closes the underlying file.</summary>
    public void Dispose() => _reader.Dispose();

    private string? NextNonBlankLine()
    {
        while (true)
        {
            string? line = ReadPhysicalLine();
            if (line is null)
                return null;
            LineNumber = _nextLine++;
            if (!string.IsNullOrWhiteSpace(line))
                return line;
        }
    }

    private string? ReadPhysicalLine() => _ahead.Count > 0 ? _ahead.Dequeue() : _reader.ReadLine();

    /// <summary>Lines read ahead to find the header, and the data rows after it compared to it.</summary>
    private const int HeaderSearchLines = 20, RowsCompared = 10, LookAheadChars = 1 << 20;

    /// <summary>
    /// The header when <paramref name="first"/> is not it: the first of the next lines that has at least two fields,
    /// reads no field as a number, and is followed by rows with as many fields (the next one and 4 in 5) — when the first line
    /// starts with '#', has fewer fields, or has a number in it. Returns (0, first, _) when the first line is the header (or nothing better is found: the
    /// usual errors then say what is wrong). Lines read ahead stay queued for the records.
    /// </summary>
    private (int Skipped, string Header, int Line) FindHeader(string first, char? delimiter)
    {
        var lines = new List<(string Text, int Line)> { (first, LineNumber) };
        int physical = _nextLine;
        // At most ~1 MiB read ahead: a file of a few huge lines is read one line at a time, as before.
        long buffered = first.Length;
        while (lines.Count < HeaderSearchLines + RowsCompared + 1 && buffered < LookAheadChars && _reader.ReadLine() is { } next)
        {
            _ahead.Enqueue(next);
            buffered += next.Length;
            if (!string.IsNullOrWhiteSpace(next)) lines.Add((next, physical));
            physical++;
        }
        for (int h = 0; h < Math.Min(HeaderSearchLines, lines.Count - 1); h++)
        {
            char d = delimiter ?? DetectDelimiter(lines[h].Text);
            var names = SplitOneLine(lines[h].Text, d);
            int k = names.Count;
            if (k < 2 || names.Any(NumberText.LooksNumeric)) continue;
            // Rows of its width right below it and in most of the rows compared (a ragged row then gets its usual error).
            int rows = Math.Min(RowsCompared, lines.Count - 1 - h), fit = 0;
            for (int r = h + 1; r <= h + rows; r++) fit += FieldCount(lines[r].Text, d) == k ? 1 : 0;
            if (FieldCount(lines[h + 1].Text, d) != k || fit * 5 < rows * 4) continue;
            if (h == 0) break;
            // A first line as wide as this one or wider, with no number in it, is a header whose rows went wrong (the usual
            // error says where), not a title. (A logger's file line — TOA5,CR1000,…,1234 — has numbers.)
            var firstFields = SplitOneLine(lines[0].Text, d);
            if (!lines[0].Text.TrimStart().StartsWith('#') && firstFields.Count >= k && !firstFields.Any(NumberText.LooksNumeric)) break;
            // Consume the queued physical lines up to and including the header's.
            while (_nextLine <= lines[h].Line)
            {
                _ahead.Dequeue();
                _nextLine++;
            }
            LineNumber = lines[h].Line;
            return (h, lines[h].Text, lines[h].Line);
        }
        return (0, first, LineNumber);
    }

    // Fields on one physical line (quotes respected; a field that continues on the next line counts as one).
    private static int FieldCount(string line, char delimiter) => SplitOneLine(line, delimiter).Count;

    private static List<string> SplitOneLine(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == delimiter && !quoted)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else field.Append(c);
        }
        fields.Add(field.ToString().Trim());
        return fields;
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
                        string? next = ReadPhysicalLine();
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
