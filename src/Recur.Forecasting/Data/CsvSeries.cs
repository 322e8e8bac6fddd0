using System.Globalization;

namespace Recur.Forecasting;

/// <summary>
/// A time series read from a CSV file: a target column, optional exogenous feature columns and,
/// when one is found, a date column, on a regular date grid (newest-first files reversed, gaps inserted as missing values).
/// </summary>
/// <remarks>
/// A view of <see cref="SeriesSet.Load"/> for one column: the same reader, date checks and regularisation, with the
/// missing cells (see <see cref="MissingValues.Tokens"/>) filled per column by linear interpolation and counted on each
/// <see cref="SeriesColumn"/>.
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
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, has a ragged row, a column is all missing, or the dates are duplicated, unsorted or of mixed frequency.</exception>
    public static CsvSeries Load(string path, string targetColumn,
        IReadOnlyList<string>? featureColumns = null, string? dateColumn = null)
    {
        var set = SeriesSet.Load(path, new CsvOptions
        {
            Columns = [targetColumn],
            Features = featureColumns ?? [],
            DateColumn = dateColumn,
            KeepTrailingMissing = true,
            KeepLeadingMissing = true,
        });
        var s = set.Series[0];
        SeriesColumn Filled(string name, double[] values)
        {
            var copy = (double[])values.Clone();
            int count = copy.Count(double.IsNaN);
            if (count == copy.Length)
                throw new InvalidDataException($"{path}: column {Excerpt.Of(name)} has no values: all {count} cells are missing");
            MissingValues.FillLinear(copy);
            return new SeriesColumn(name, copy, count);
        }
        var dates = s.Dates is null ? null : new DateColumn(set.DateColumnName ?? "date", set.DateFormat, s.Dates);
        return new CsvSeries(path, Filled(set.ValueColumn ?? s.Name, s.Values),
            [.. set.Features.Select((f, i) => Filled(f, s.Inputs[i]))], dates);
    }
}
