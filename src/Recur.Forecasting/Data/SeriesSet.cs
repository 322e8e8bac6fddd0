using System.Globalization;

namespace Recur.Forecasting;

/// <summary>
/// The series a forecaster is fitted on or predicts: one per value column of a wide file, or one per id of a
/// long file, all on regular date grids, with the names of the input columns they carry.
/// </summary>
public sealed class SeriesSet
{
    /// <summary>Values beyond this magnitude are refused: the model scales values in float32, and squares them to fit the scaling.</summary>
    public const double MaxMagnitude = 1e30;

    /// <summary>Where the series came from (a file path, or a label).</summary>
    public string Source { get; }

    /// <summary>The series, in file order.</summary>
    public IReadOnlyList<TimeSeries> Series { get; }

    /// <summary>Input columns read only in the past, in <see cref="TimeSeries.Inputs"/> order (they come first).</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Input columns known in advance, after <see cref="Features"/> in <see cref="TimeSeries.Inputs"/>.</summary>
    public IReadOnlyList<string> KnownFuture { get; }

    /// <summary>The value column of a long file (or the only value column of a wide one); null for several columns.</summary>
    public string? ValueColumn { get; }

    /// <summary>The series-id column of a long file, else null.</summary>
    public string? SeriesIdColumn { get; }

    /// <summary>The date grid's step; null without dates.</summary>
    public DateStep? Step { get; }

    /// <summary>The date format detected (e.g. ISO 8601), empty without dates.</summary>
    public string DateFormat { get; }

    /// <summary>The date column's header name; null without dates.</summary>
    public string? DateColumnName { get; init; }

    /// <summary>What was done to the file on the way in (reversed, gaps inserted, rows dropped), one line each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>A set of series built in code; every series must carry <paramref name="features"/> then <paramref name="knownFuture"/> as its inputs.</summary>
    /// <exception cref="ArgumentException">No series, duplicate names, inputs that disagree with the names, or values beyond ±<see cref="MaxMagnitude"/>.</exception>
    public SeriesSet(IReadOnlyList<TimeSeries> series, IReadOnlyList<string>? features = null, IReadOnlyList<string>? knownFuture = null,
        DateStep? step = null, string source = "(series)", string? valueColumn = null, string? seriesIdColumn = null,
        string dateFormat = "", IReadOnlyList<string>? notes = null)
    {
        features ??= [];
        knownFuture ??= [];
        if (series.Count == 0) throw new ArgumentException($"{source}: no series");
        var names = new HashSet<string>();
        foreach (var s in series)
        {
            if (!names.Add(s.Name)) throw new ArgumentException($"{source}: two series are named {Excerpt.Of(s.Name)}");
            if (s.Inputs.Count != features.Count + knownFuture.Count)
                throw new ArgumentException($"{source}: series {Excerpt.Of(s.Name)} has {s.Inputs.Count} inputs, expected {features.Count + knownFuture.Count}");
            for (int i = 0; i < s.Length; i++)
                if (Math.Abs(s.Values[i]) > MaxMagnitude || double.IsInfinity(s.Values[i]))
                    throw new ArgumentException($"{source}: series {Excerpt.Of(s.Name)} row {i}: value {s.Values[i]} is beyond ±{MaxMagnitude:0e0}");
        }
        Source = source;
        Series = series;
        Features = features;
        KnownFuture = knownFuture;
        Step = step;
        ValueColumn = valueColumn ?? (series.Count == 1 ? series[0].Name : null);
        SeriesIdColumn = seriesIdColumn;
        DateFormat = dateFormat;
        Notes = notes ?? [];
    }

    /// <summary>One series from plain values (and optional dates), no inputs.</summary>
    public static SeriesSet FromValues(string name, double[] values, DateTime[]? dates = null)
    {
        DateStep? step = null;
        if (dates is { Length: > 1 })
        {
            var grid = DateGrid.Regularize(name, "dates", dates, [.. Enumerable.Range(1, dates.Length)]);
            if (grid.Inserted > 0 || grid.Reversed)
                throw new ArgumentException($"series {Excerpt.Of(name)}: the dates must be oldest-first with no gaps");
            step = grid.Step;
        }
        return new SeriesSet([new TimeSeries(name, values, null, dates)], step: step, source: name);
    }

    /// <summary>
    /// The same file's set with only <paramref name="series"/> (a subset of <see cref="Series"/>): the same inputs, step,
    /// source, columns and date format, its notes followed by <paramref name="notes"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No series.</exception>
    public SeriesSet WithSeries(IReadOnlyList<TimeSeries> series, params string[] notes) =>
        new(series, Features, KnownFuture, Step, Source, ValueColumn, SeriesIdColumn, DateFormat, [.. Notes, .. notes])
        { DateColumnName = DateColumnName };

    /// <summary>The series named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such series (the message lists those there are).</exception>
    public TimeSeries this[string name] => Series.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"{Source}: no series {Excerpt.Of(name)}; there are {Excerpt.List([.. Series.Select(s => s.Name)])}");

    /// <summary>
    /// Reads series from the CSV at <paramref name="path"/> (<see cref="CsvReader"/> dialect; <see cref="CsvOptions"/> says which
    /// columns). Dates are checked and regularised by <see cref="DateGrid"/>: gaps become missing values, a newest-first file is
    /// reversed; both are noted in <see cref="Notes"/>. Missing cells stay NaN (<see cref="MissingValues.Tokens"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentException">A named column is not in the header (the message lists some that are), or the options disagree.</exception>
    /// <exception cref="FormatException">A cell is neither a number nor missing, or the date column has a cell that is no date.</exception>
    /// <exception cref="InvalidDataException">A ragged or empty file, a value beyond ±1e30, duplicated or unsortable dates, mixed frequencies, an all-missing series.</exception>
    public static SeriesSet Load(string path, CsvOptions o)
    {
        using var csv = CsvReader.Open(path, o.Delimiter);
        var header = csv.Header;
        // No column named: the only numeric one, found as '*' finds them all.
        bool unnamed = o.Columns.Count == 0, all = unnamed || o.Columns is ["*"];
        if (o.SeriesId is not null && (o.Columns is ["*"] || o.Columns.Count > 1))
            throw new ArgumentException($"a long file (--series-id {Excerpt.Of(o.SeriesId)}) has one value column, got --column {Excerpt.Of(string.Join(",", o.Columns))}");

        int idIndex = o.SeriesId is null ? -1 : Find(path, header, o.SeriesId);
        int[] featureIdx = [.. o.Features.Select(f => Find(path, header, f))];
        int[] knownIdx = [.. o.KnownFuture.Select(f => Find(path, header, f))];
        int[] valueIdx = all ? [] : [.. o.Columns.Select(c => Find(path, header, c))];
        var used = new List<int>(valueIdx.Concat(featureIdx).Concat(knownIdx));
        if (idIndex >= 0) used.Add(idIndex);
        var duplicate = used.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{path}: column {Excerpt.Of(header[duplicate.Key])} is asked for twice");
        int dateIndex = FindDateColumn(path, header, used, o.DateColumn, out bool dateNamed);

        // A time-of-day column beside the dates (Date,Time,Temp as loggers write hourly data).
        int timeIndex = dateIndex < 0 ? -1
            : Enumerable.Range(0, header.Count).FirstOrDefault(i => i != dateIndex && !used.Contains(i) && SpreadsheetQuirks.TimeColumnNames.Contains(header[i].Trim()), -1);
        // Keep only the cells needed (every column for '*', or while the date column is still to be found).
        var keep = all || !dateNamed ? Enumerable.Range(0, header.Count).ToArray()
            : used.Append(dateIndex).Append(timeIndex).Where(i => i >= 0).Distinct().ToArray();
        var cells = keep.ToDictionary(i => i, _ => new List<string>());
        var lines = new List<int>();
        var fields = new List<string>(header.Count);
        // --na-values: those cells become empty (missing) in every column but the dates, times and ids.
        var isCode = MissingValues.Matcher(o.NaValues);
        int[] coded = o.NaValues.Count == 0 ? [] : [.. keep.Where(i => i != idIndex && i != timeIndex && !(dateNamed && i == dateIndex))];
        int codes = 0;
        while (csv.ReadRecord(fields))
        {
            foreach (int i in keep) cells[i].Add(fields[i]);
            foreach (int i in coded)
                if (isCode(fields[i]))
                {
                    cells[i][^1] = "";
                    codes++;
                }
            lines.Add(csv.LineNumber);
        }
        var rowNotes = SpreadsheetQuirks.DropNonDataRows(header, keep, cells, lines, dateIndex);
        if (lines.Count == 0) throw new InvalidDataException($"{path}: no data rows after the header");

        DateTime[]? dates = null;
        string format = "";
        if (dateIndex >= 0)
        {
            var dateCells = cells[dateIndex];
            if (DateFormats.TryParseColumn(dateCells, allowUnixTime: dateNamed, out var parsed, out format, o.DayFirst))
                dates = parsed;
            else if (dateNamed || dateCells.Count >= 3 && Readable(dateCells) >= 0.9 * dateCells.Count)
            {
                int bad = DateFormats.FirstUnreadable(dateCells);
                throw new FormatException(
                    $"{path}: line {lines[bad]}, column {Excerpt.Of(header[dateIndex])}: {Excerpt.Of(dateCells[bad])} is not a date in the format of the other rows " +
                    "(ISO 2015-01-31, 2015/01/31, 20150131, 1995-01, 1995Q1, Jan 1995, 2018-W01, 2000M01, 01/2000, Jan-1-1995, Jan 1 2000, 31.01.2015, 01/31/2015, 01-Jan-15 or with --day-first 31/01/2015)");
            }
        }
        string? timeNote = null;
        if (dates is not null && timeIndex >= 0 && dates.All(d => d.TimeOfDay == TimeSpan.Zero) && dates.Distinct().Count() < dates.Length
            && SpreadsheetQuirks.TimesOfDay(cells[timeIndex]) is { } times)
        {
            for (int r = 0; r < dates.Length; r++) dates[r] += times[r];
            used.Add(timeIndex); // read as part of the date, not a value or input column
            format += " + time of day";
            timeNote = $"dates and times read from {Excerpt.Of(header[dateIndex])} and {Excerpt.Of(header[timeIndex])}";
        }
        string? foundDates = null;
        if (dates is null && !dateNamed)
        {
            // No column named like a date and no first column of dates: the first other column whose every cell reads as a
            // date (a 'Datum' or 'Fecha' column after the values); columns of numbers are left alone.
            foreach (int i in keep)
            {
                if (i == dateIndex || used.Contains(i) || cells[i].All(c => MissingValues.IsMissing(c) || LooksNumeric(c))
                    || !DateFormats.TryParseColumn(cells[i], allowUnixTime: false, out var parsed, out var found, o.DayFirst))
                    continue;
                (dateIndex, dates, format) = (i, parsed, found);
                foundDates = $"date column: {Excerpt.Of(header[i])} (every cell reads as a date; --date-column names another)";
                break;
            }
        }

        var notes = new List<string>(rowNotes);
        if (csv.Preamble is (> 0 and var above, var firstSkipped))
            notes.Insert(0, $"skipped {above} line(s) above the header on line {csv.HeaderLine} (the first: {Excerpt.Of(firstSkipped!)})");
        if (csv.EmptyRows > 0) notes.Add($"skipped {csv.EmptyRows} empty row(s) (separators only, as spreadsheets export formatted empty rows)");
        if (codes > 0) notes.Add($"{codes} cell(s) read as missing (--na-values {Excerpt.Of(string.Join(",", o.NaValues))})");
        if (foundDates is not null) notes.Add(foundDates);
        if (timeNote is not null) notes.Add(timeNote);
        if (all)
        {
            var skipped = new List<string>();
            var empty = new List<string>();
            var numeric = new List<int>();
            string? why = null; // the first cell that kept a column from being numeric, for the error below
            foreach (int i in keep)
            {
                if (i == dateIndex && dates is not null || used.Contains(i)) continue;
                if (SpreadsheetQuirks.IsRowIndex(header[i], cells[i]))
                {
                    notes.Add($"skipped the row-index column {Excerpt.Of(header[i])} (0, 1, 2, … as pandas writes its index)");
                    continue;
                }
                // A column with no value at all (the empty column a delimiter at the end of each line makes) is not numeric.
                int bad = cells[i].FindIndex(c => !MissingValues.IsMissing(c) && !LooksNumeric(c));
                if (bad < 0 && !cells[i].All(MissingValues.IsMissing)) numeric.Add(i);
                else if (bad < 0) empty.Add(header[i]);
                else
                {
                    skipped.Add(header[i]);
                    if (bad >= 0) why ??= $"column {Excerpt.Of(header[i])} has {Excerpt.Of(cells[i][bad])} on line {lines[bad]}" +
                                          (NumberText.WhyNotRead(cells[i][bad]) is { } reason ? $", and {reason}" : "");
                }
            }
            if (unnamed && numeric.Count != 1)
                throw new ArgumentException(numeric.Count == 0
                    ? $"{path}: no numeric column to forecast{(why is null ? "" : $" ({why})")}; name one with --column"
                    : $"{path}: name the column to forecast with --column (numeric columns here: {Excerpt.List(numeric.Select(i => header[i]).ToList())}), " +
                      "or --column '*' for one global model over all of them");
            if (numeric.Count == 0) throw new ArgumentException($"{path}: --column '*' found no numeric column");
            if (unnamed) notes.Add($"--column not given: forecasting the only numeric column {Excerpt.Of(header[numeric[0]])}");
            else
            {
                if (skipped.Count > 0) notes.Add($"--column '*': skipped the non-numeric column(s) {Excerpt.List(skipped)}");
                if (empty.Count > 0) notes.Add($"--column '*': skipped the empty column(s) {Excerpt.List(empty)} (no value in any row)");
            }
            valueIdx = [.. numeric];
        }

        char dec = o.Decimal ?? DetectDecimal(csv.Delimiter, valueIdx.Select(i => cells[i]));
        if (dec != '.' && dec != ',') throw new ArgumentException($"--decimal must be '.' or ',', got {Excerpt.Of(dec.ToString())}");
        if (dec == ',' && csv.Delimiter == ',') throw new ArgumentException("--decimal ',' needs a separator other than ',' (e.g. --delimiter ';')");
        if (dec == ',' && o.Decimal is null) notes.Add("decimal commas detected (';'-separated file)");
        if (format.Contains("UTC")) notes.Add("the dates' UTC offsets change within the file (daylight saving): every date is taken in UTC");
        if (DateFormats.HasTwoDigitYears(format)) notes.Add($"dates with two-digit years ({Excerpt.Of(format)}): 00-49 read as 2000-2049, 50-99 as 1950-1999");

        // Rows of each group (one group for a wide file, one per id for a long one), in file order.
        var groups = new List<(string Id, List<int> Rows)>();
        if (idIndex >= 0)
        {
            var byId = new Dictionary<string, List<int>>();
            for (int r = 0; r < lines.Count; r++)
            {
                string id = cells[idIndex][r];
                if (!byId.TryGetValue(id, out var rows)) groups.Add((id, byId[id] = rows = []));
                rows.Add(r);
            }
        }
        else groups.Add(("", [.. Enumerable.Range(0, lines.Count)]));

        int[] inputIdx = [.. featureIdx, .. knownIdx];
        foreach (int col in valueIdx.Concat(inputIdx).Distinct())
            if (SpreadsheetQuirks.ColumnUnit(path, header[col], cells[col], lines) is { } unit)
                notes.Add($"column {Excerpt.Of(header[col])}: numbers in {Excerpt.Of(unit)} (the unit is left out{(unit == "%" ? ": 12% reads as 12, and forecasts are in percent" : "")})");
        // An input column of yes/no flags (a holiday written TRUE/FALSE) reads as 1/0.
        var flags = inputIdx.Where(i => SpreadsheetQuirks.IsFlagColumn(cells[i])).ToHashSet();
        if (flags.Count > 0) notes.Add($"read as 1/0 (true/false, yes/no): {Excerpt.List([.. flags.Select(i => header[i])])}");
        double Cell(int col, int r)
        {
            if (!flags.Contains(col)) return ParseNumber(path, lines[r], header[col], cells[col][r], dec);
            return NumberText.TryParseFlag(cells[col][r], out bool flag) ? (flag ? 1 : 0) : double.NaN;
        }
        var series = new List<TimeSeries>();
        // Values that look like missing-value codes, with their cell count and series: one note each after the loop.
        var likelyCodes = new SortedDictionary<double, (int Cells, List<string> Series)>();
        DateStep? step = null;
        foreach (var (id, rows) in groups)
        {
            string where = idIndex >= 0 ? $"{path} ({header[idIndex]} {Excerpt.Of(id)})" : path;
            int[] gridRows = [.. rows];
            DateTime[]? gridDates = null;
            int inserted = 0;
            if (dates is not null)
            {
                var regular = DateGrid.Regularize(where, header[dateIndex], [.. rows.Select(r => dates[r])], [.. rows.Select(r => lines[r])],
                    idIndex < 0 ? () => SpreadsheetQuirks.IdColumnHint(path, o.Delimiter, dates, dateIndex) : null);
                gridRows = [.. regular.Rows.Select(k => k < 0 ? -1 : rows[k])];
                gridDates = regular.Dates;
                inserted = regular.Inserted;
                if (step is not null && step != regular.Step)
                    throw new InvalidDataException($"{path}: series step {regular.Step} for {Excerpt.Of(id)}, but {step} for an earlier series: one file, one frequency");
                step = regular.Step;
                if (regular.Reversed) notes.Add($"{where}: the dates run newest-first; the rows were reversed");
                if (inserted > 0) notes.Add($"{where}: {inserted} date(s) missing from the {regular.Step} grid were inserted as missing values");
            }
            double[] Column(int col) => [.. gridRows.Select(r => r < 0 ? double.NaN : Cell(col, r))];
            var inputs = inputIdx.Select(Column).ToArray();
            foreach (int v in valueIdx)
            {
                var values = Column(v);
                string name = idIndex >= 0 ? id : header[v];
                int length = values.Length;
                if (!o.KeepTrailingMissing)
                {
                    while (length > 0 && double.IsNaN(values[length - 1])) length--;
                    if (length < values.Length && length > 0)
                        notes.Add($"{where}: {values.Length - length} trailing row(s) without a value of {Excerpt.Of(name)} were dropped");
                }
                if (length == 0 || values.Take(length).All(double.IsNaN))
                {
                    // One id of a long file with no value at all (a product never sold) is left out; a column asked for is an error.
                    if (idIndex >= 0 && groups.Count > 1)
                    {
                        notes.Add($"{where}: no value in any of its {values.Length} rows: left out");
                        continue;
                    }
                    throw new InvalidDataException($"{where}: column {Excerpt.Of(header[v])} has no values: all {values.Length} cells are missing");
                }
                // A series that starts later than the file (a store opened in its third year) starts at its first value: the rows
                // before it would otherwise be filled with that value and train the model on a flat line.
                int start = 0;
                while (!o.KeepLeadingMissing && double.IsNaN(values[start])) start++;
                if (start > 0)
                    notes.Add($"{where}: {start} leading row(s) without a value of {Excerpt.Of(name)} were dropped" +
                              (gridDates is null ? "" : $" (it starts on {gridDates[start]:yyyy-MM-dd})"));
                if (MissingValues.LikelyCode(values.AsSpan(start, length - start)) is { } code)
                {
                    var (count, names) = likelyCodes.GetValueOrDefault(code, (0, []));
                    names.Add(name);
                    likelyCodes[code] = (count + values.Count(x => x == code), names);
                }
                int insertedKept = dates is null ? 0 : gridRows[start..length].Count(r => r < 0);
                series.Add(new TimeSeries(name, values[start..length], [.. inputs.Select(i => i[start..length])], gridDates?[start..length], insertedKept));
            }
        }
        foreach (var (code, (count, names)) in likelyCodes)
            notes.Add(FormattableString.Invariant($"{path}: {code} appears {count} times in {Excerpt.List(names)}, far outside the other values: a missing-value code? --na-values={code} reads it as missing"));
        if (series.Count == 0)
            throw new InvalidDataException($"{path}: column {Excerpt.Of(header[valueIdx[0]])} has no values in any of the {groups.Count} series");
        return new SeriesSet(series, [.. featureIdx.Select(i => header[i])], [.. knownIdx.Select(i => header[i])], step, path,
            idIndex >= 0 || valueIdx.Length == 1 ? header[valueIdx[0]] : null, idIndex >= 0 ? header[idIndex] : null,
            format, notes) { DateColumnName = dates is null ? null : header[dateIndex] };
    }

    /// <summary>Exact name first; a case-insensitive match is accepted when it is the only one.</summary>
    /// <exception cref="ArgumentException">No such column (the message lists some that exist).</exception>
    public static int Find(string path, IReadOnlyList<string> header, string name)
    {
        int exact = -1, loose = -1, looseCount = 0;
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name && exact < 0) exact = i;
            if (string.Equals(header[i], name.Trim(), StringComparison.OrdinalIgnoreCase)) { loose = i; looseCount++; }
        }
        if (exact >= 0) return exact;
        if (looseCount == 1) return loose;
        throw new ArgumentException($"{path}: no column {Excerpt.Of(name)}; available columns: {Excerpt.List(header)}");
    }

    private static int FindDateColumn(string path, IReadOnlyList<string> header, List<int> used, string? dateColumn, out bool named)
    {
        named = true;
        if (dateColumn is not null) return Find(path, header, dateColumn);
        for (int i = 0; i < header.Count; i++)
            if (DateFormats.ColumnNames.Contains(header[i]) && !used.Contains(i))
                return i;
        named = false;
        return used.Contains(0) ? -1 : 0;
    }

    private static int Readable(List<string> cells)
    {
        DateFormats.FirstUnreadable(cells, out int readable);
        return readable;
    }

    private static bool LooksNumeric(string cell) => NumberText.LooksNumeric(cell);

    // Decimal commas: only with a ';' or tab separator, and only when some number is written with a decimal comma
    // (1,5 or 1.234,5) and none with a decimal point (12.5 or 1,234.5; 1.234 could be either).
    private static char DetectDecimal(char delimiter, IEnumerable<List<string>> columns)
    {
        if (delimiter == ',') return '.';
        bool comma = false, point = false;
        foreach (var column in columns)
            foreach (var cell in column.Take(1000))
            {
                if (NumberText.IsDecimalComma(cell)) comma = true;
                if (NumberText.IsDecimalPoint(cell)) point = true;
            }
        return comma && !point ? ',' : '.';
    }

    /// <summary>A cell as a number: NaN when missing (<see cref="MissingValues"/>), else the value with <paramref name="dec"/> as the decimal mark, digit grouping allowed (<see cref="NumberText"/>).</summary>
    /// <exception cref="FormatException">Not a number.</exception>
    /// <exception cref="InvalidDataException">Not finite or beyond ±<see cref="MaxMagnitude"/>.</exception>
    public static double ParseNumber(string path, int line, string column, string cell, char dec = '.')
    {
        if (MissingValues.IsMissing(cell)) return double.NaN;
        if (!NumberText.TryParse(cell, dec, out double value))
            throw new FormatException($"{path}: line {line}, column {Excerpt.Of(column)}: {Excerpt.Of(cell)} is not a number" +
                                      (NumberText.WhyNotRead(cell) is { } why ? $" ({why})"
                                       : dec == '.' && cell.Contains(',') ? " (decimal commas? use --decimal ',')" : ""));
        if (!double.IsFinite(value) || Math.Abs(value) > MaxMagnitude)
            throw new InvalidDataException($"{path}: line {line}, column {Excerpt.Of(column)}: {Excerpt.Of(cell)} is beyond ±1e30: " +
                                           "the model scales values in float32, so training would overflow; rescale the column");
        return value;
    }
}
