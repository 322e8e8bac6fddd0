using System.Globalization;

namespace Recur.Forecasting;

/// <summary>
/// A time series read from a CSV file: a target column, optional exogenous feature columns and,
/// when one is found, a date column. Rows stay in file order, which is the time order.
/// </summary>
/// <remarks>
/// Missing cells (see <see cref="MissingValues.Tokens"/>) are filled per column by linear
/// interpolation; the counts are kept on each <see cref="SeriesColumn"/>. Numbers parse with the
/// invariant culture ('.' decimal point, optional exponent, no thousands separators).
/// </remarks>
public sealed class CsvSeries
{
    /// <summary>The file the series was read from.</summary>
    public string Path { get; }

    /// <summary>The column to forecast.</summary>
    public SeriesColumn Target { get; }

    /// <summary>Extra input columns, in the order asked for.</summary>
    public IReadOnlyList<SeriesColumn> Features { get; }

    /// <summary>The parsed date column, or null when the file has none that parses.</summary>
    public DateColumn? Dates { get; }

    /// <summary>Number of rows (time steps).</summary>
    public int Length => Target.Values.Length;

    private CsvSeries(string path, SeriesColumn target, IReadOnlyList<SeriesColumn> features, DateColumn? dates)
    {
        Path = path;
        Target = target;
        Features = features;
        Dates = dates;
    }

    /// <summary>
    /// Reads <paramref name="targetColumn"/> and <paramref name="featureColumns"/> from the CSV at
    /// <paramref name="path"/>. The date column is <paramref name="dateColumn"/> when given (it must
    /// parse); otherwise the first column named like a date (<see cref="DateFormats.ColumnNames"/>),
    /// or else the first column if every cell of it parses as a date; otherwise there are no dates.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A named column is not in the header (the message lists those that are), or is named twice.</exception>
    /// <exception cref="FormatException">A cell is neither a number nor missing, or the named date column does not parse.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, has a ragged row, or a column is all missing.</exception>
    public static CsvSeries Load(string path, string targetColumn,
        IReadOnlyList<string>? featureColumns = null, string? dateColumn = null)
    {
        featureColumns ??= [];
        using var csv = CsvReader.Open(path);
        var header = csv.Header;

        string[] names = [targetColumn, .. featureColumns];
        int[] columns = new int[names.Length];
        for (int c = 0; c < names.Length; c++)
        {
            columns[c] = FindColumn(path, header, names[c]);
            if (Array.IndexOf(columns, columns[c], 0, c) >= 0)
                throw new ArgumentException($"{path}: column '{header[columns[c]]}' is asked for twice");
        }
        int dateIndex = FindDateColumn(path, header, columns, dateColumn, out bool dateExplicit);

        var values = new List<double>[names.Length];
        for (int c = 0; c < values.Length; c++)
            values[c] = [];
        var dateCells = dateIndex >= 0 ? new List<string>() : null;
        var fields = new List<string>(header.Count);
        while (csv.ReadRecord(fields))
        {
            for (int c = 0; c < columns.Length; c++)
                values[c].Add(ParseCell(path, csv.LineNumber, header[columns[c]], fields[columns[c]]));
            dateCells?.Add(fields[dateIndex]);
        }
        if (values[0].Count == 0)
            throw new InvalidDataException($"{path}: no data rows after the header");

        var filled = new SeriesColumn[names.Length];
        for (int c = 0; c < names.Length; c++)
        {
            double[] column = [.. values[c]];
            values[c] = null!; // let the list go before the next column is copied
            int count = column.Count(double.IsNaN);
            if (count == column.Length)
                throw new InvalidDataException($"{path}: column '{header[columns[c]]}' has no values: all {count} cells are missing");
            MissingValues.FillLinear(column);
            filled[c] = new SeriesColumn(header[columns[c]], column, count);
        }

        DateColumn? dates = null;
        if (dateCells is not null)
        {
            string name = header[dateIndex];
            if (DateFormats.TryParseColumn(dateCells, allowUnixTime: dateExplicit || DateFormats.ColumnNames.Contains(name),
                    out var parsed, out string format))
                dates = new DateColumn(name, format, parsed);
            else if (dateExplicit)
                throw new FormatException(
                    $"{path}: column '{name}' does not parse as dates in any one known format (first cell '{dateCells[0]}')");
        }
        return new CsvSeries(path, filled[0], filled[1..], dates);
    }

    // Exact name first; a case-insensitive match is accepted when it is the only one.
    private static int FindColumn(string path, IReadOnlyList<string> header, string name)
    {
        int exact = -1, loose = -1, looseCount = 0;
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name && exact < 0) exact = i;
            if (string.Equals(header[i], name.Trim(), StringComparison.OrdinalIgnoreCase)) { loose = i; looseCount++; }
        }
        if (exact >= 0) return exact;
        if (looseCount == 1) return loose;
        throw new ArgumentException(
            $"{path}: no column '{name}'; available columns: {string.Join(", ", header)}");
    }

    private static int FindDateColumn(string path, IReadOnlyList<string> header, int[] valueColumns,
        string? dateColumn, out bool isExplicit)
    {
        isExplicit = dateColumn is not null;
        if (dateColumn is not null)
            return FindColumn(path, header, dateColumn);
        for (int i = 0; i < header.Count; i++)
            if (DateFormats.ColumnNames.Contains(header[i]) && !valueColumns.Contains(i))
                return i;
        return valueColumns.Contains(0) ? -1 : 0;
    }

    private static double ParseCell(string path, int line, string column, string cell)
    {
        if (MissingValues.IsMissing(cell))
            return double.NaN;
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            return value;
        throw new FormatException($"{path}: line {line}, column '{column}': '{cell}' is not a number");
    }
}
