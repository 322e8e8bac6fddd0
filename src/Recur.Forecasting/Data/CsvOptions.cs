namespace Recur.Forecasting;

/// <summary>Which columns of a CSV file make the series, and how the file is written.</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// The value columns: one or more names (a wide file: one series per column), or <c>*</c> alone for every numeric
    /// column. Empty: the file's only numeric column besides the date (and the series-id and input columns); with more
    /// than one, loading fails with a message that lists them.
    /// </summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>A long file's series-id column (<c>symbol,date,price</c>): one series per distinct id, its values in the single <see cref="Columns"/> entry.</summary>
    public string? SeriesId { get; init; }

    /// <summary>Extra input columns whose past values the model reads.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Input columns whose values are known in advance: the model reads them at the forecast dates too.</summary>
    public IReadOnlyList<string> KnownFuture { get; init; } = [];

    /// <summary>The date column; null finds one (a column named date, time, timestamp, … or a first column of dates).</summary>
    public string? DateColumn { get; init; }

    /// <summary>Read ambiguous dates like 03/04/2020 day-first (3 April).</summary>
    public bool DayFirst { get; init; }

    /// <summary>The field separator; null detects ',', ';' or a tab from the header line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>The decimal mark; null takes ',' when the separator is ';' and the numbers are written with commas, else '.'.</summary>
    public char? Decimal { get; init; }

    /// <summary>
    /// More cells that mean "missing", as pandas' <c>na_values</c>: a number matches every cell with that value
    /// (<c>-9999</c> also matches <c>-9999.0</c>), a text matches case-insensitively after trimming. Applied to the value and
    /// input columns; <see cref="MissingValues.Tokens"/> are always missing.
    /// </summary>
    public IReadOnlyList<string> NaValues { get; init; } = [];

    /// <summary>
    /// Keep trailing rows whose value is missing (the rows after the history, where <c>predict</c> reads the known-future
    /// inputs); otherwise they are dropped.
    /// </summary>
    public bool KeepTrailingMissing { get; init; }

    /// <summary>
    /// Keep leading rows whose value is missing (filled later from the first value); otherwise a series starts at its first
    /// value — in a wide file, a column that begins later than the others (a store opened later) starts on its own date.
    /// </summary>
    public bool KeepLeadingMissing { get; init; }
}
