using System.Globalization;

namespace Recur.Forecasting;

/// <summary>
/// What spreadsheets, loggers and pasted-together exports put in a CSV besides the data, recognised for
/// <see cref="SeriesSet.Load"/>: a time of day in its own column, summary rows, repeated header lines and rows of units,
/// a pandas row index, units after the numbers, yes/no flags, and the id column of a long file read without
/// <c>--series-id</c> (for the duplicated-date error's hint).
/// </summary>
internal static partial class SpreadsheetQuirks
{
    /// <summary>Column names (case-insensitive) read as the time of day of the date beside them.</summary>
    internal static readonly HashSet<string> TimeColumnNames = new(["time", "hour", "time of day", "time_of_day", "zeit", "uhrzeit", "hora", "heure"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Every cell as a time of day (13:45, 13:45:30, 1:45 PM, or a whole hour 0–23), or null if one is not.</summary>
    internal static TimeSpan[]? TimesOfDay(List<string> cells)
    {
        var times = new TimeSpan[cells.Count];
        string[] clock = ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss", "h:mm tt", "hh:mm tt", "h:mm:ss tt", "hh:mm:ss tt"];
        for (int r = 0; r < cells.Count; r++)
        {
            string c = cells[r].Trim();
            if (int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out int hour) && hour <= 23) times[r] = TimeSpan.FromHours(hour);
            else if (DateTime.TryParseExact(c, clock, CultureInfo.InvariantCulture, DateTimeStyles.NoCurrentDateDefault, out var t)) times[r] = t.TimeOfDay;
            else return null;
        }
        return times;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(grand\s+)?(totals?|sub-?totals?|sum|average|avg|mean|summe|gesamt|insgesamt)\b",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SummaryRow();

    /// <summary>
    /// Drops the lines spreadsheets, loggers and concatenated exports add that hold no data — the header line again (two
    /// files pasted together), rows of units or descriptions right below the header, and summary rows ("Total",
    /// "Average", …) at the end in place of a date — and says so.
    /// </summary>
    internal static List<string> DropNonDataRows(IReadOnlyList<string> header, int[] keep, Dictionary<int, List<string>> cells, List<int> lines, int dateIndex)
    {
        var drop = new SortedSet<int>();
        if (keep.Length >= 2)
            for (int r = 0; r < lines.Count; r++)
                if (keep.All(i => string.Equals(cells[i][r].Trim(), header[i].Trim(), StringComparison.OrdinalIgnoreCase))) drop.Add(r);
        var notes = new List<string>();
        if (drop.Count > 0)
            notes.Add($"skipped the header line repeated as data on line(s) {string.Join(", ", drop.Take(10).Select(r => lines[r]))}" +
                      (drop.Count > 10 ? $", … ({drop.Count} in all)" : ""));
        if (dateIndex >= 0 && cells.TryGetValue(dateIndex, out var dateCells))
        {
            // Rows right below the header with no number and no date: units (°C, kWh) and descriptions (Avg, Smp) as loggers
            // write them under the column names (Campbell's TOA5 has two such rows).
            bool Description(int r) => !dateCells[r].Any(char.IsDigit) && keep.Any(i => cells[i][r].Trim().Length > 0)
                && keep.Where(i => i != dateIndex).All(i => cells[i][r].Trim().Length == 0 || !NumberText.LooksNumeric(cells[i][r]) && !MissingValues.IsMissing(cells[i][r]));
            int described = 0;
            for (int r = 0; r < Math.Min(3, lines.Count - 1) && !drop.Contains(r) && Description(r); r++)
            {
                drop.Add(r);
                described++;
            }
            if (described > 0)
                notes.Add($"skipped {described} row(s) below the header with no number and no date (units or descriptions; line {lines[0]}: " +
                          $"{Excerpt.Of(string.Join(",", keep.Select(i => cells[i][0])))})");
            // Summary rows at the end, where the date belongs.
            int summaries = 0, first = -1;
            for (int r = lines.Count - 1; r >= 0 && (drop.Contains(r) || SummaryRow().IsMatch(dateCells[r])); r--)
                if (drop.Add(r)) (summaries, first) = (summaries + 1, r);
            if (summaries > 0)
                notes.Add($"skipped {summaries} summary row(s) at the end (line {lines[first]}: {Excerpt.Of(dateCells[first])})");
        }
        if (drop.Count == 0) return notes;
        foreach (var list in cells.Values)
            foreach (int r in drop.Reverse()) list.RemoveAt(r);
        foreach (int r in drop.Reverse()) lines.RemoveAt(r);
        return notes;
    }

    /// <summary>
    /// The unit written after the numbers of a column (<c>kWh</c> in <c>12.5 kWh</c>), null when there is none; two units in
    /// one column are an error, since 500 kWh and 1.2 MWh are not numbers of one quantity.
    /// </summary>
    /// <exception cref="InvalidDataException">The column mixes units (the message names two and their lines).</exception>
    internal static string? ColumnUnit(string path, string column, List<string> cells, List<int> lines)
    {
        var units = new Dictionary<string, int>(); // unit → first row
        for (int r = 0; r < cells.Count; r++)
            if (NumberText.UnitOf(cells[r]) is { } unit) units.TryAdd(unit, r);
        if (units.Count > 1)
        {
            var (a, b) = (units.First(), units.Skip(1).First());
            throw new InvalidDataException($"{path}: column {Excerpt.Of(column)} mixes units: {Excerpt.Of(a.Key)} (line {lines[a.Value]}) and " +
                                           $"{Excerpt.Of(b.Key)} (line {lines[b.Value]}); convert the column to one unit");
        }
        return units.Count == 1 ? units.First().Key : null;
    }

    /// <summary>Whether every cell of a column is a yes/no flag (<see cref="NumberText.TryParseFlag"/>) or missing, and one is a flag.</summary>
    internal static bool IsFlagColumn(List<string> cells) =>
        cells.Exists(c => !MissingValues.IsMissing(c)) && cells.TrueForAll(c => MissingValues.IsMissing(c) || NumberText.TryParseFlag(c, out _));

    /// <summary>
    /// For a file whose dates repeat: the text columns (or columns of a few whole numbers) under which every date is unique, i.e. a long file's id
    /// column(s) not named with --series-id (a weather export with one row per station and day). Empty if none.
    /// Reads the file again: this runs only on the way to an error, and the load kept only the columns it needed.
    /// </summary>
    internal static string IdColumnHint(string path, char? delimiter, DateTime[] dates, int dateIndex)
    {
        using var csv = CsvReader.Open(path, delimiter);
        int width = csv.Header.Count;
        var pairs = new HashSet<(string, DateTime)>[width];
        var distinct = new HashSet<string>[width];
        var candidate = new bool[width];
        var numbers = new bool[width];
        for (int i = 0; i < width; i++) (pairs[i], distinct[i], candidate[i], numbers[i]) = ([], [], i != dateIndex, true);
        var fields = new List<string>(width);
        int rows = 0;
        for (int r = 0; r < dates.Length && csv.ReadRecord(fields); r++, rows++)
            for (int i = 0; i < width; i++)
                if (candidate[i])
                {
                    string cell = fields[i];
                    distinct[i].Add(cell);
                    // Text, or whole numbers (store 1, 2, 3); a repeated (id, date) pair rules the column out.
                    bool number = NumberText.LooksNumeric(cell);
                    numbers[i] &= number;
                    candidate[i] = (!number || long.TryParse(cell.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                                   && pairs[i].Add((cell, dates[r]));
                }
        // A column of whole numbers is an id only when few values repeat over many rows (a count of sales is not).
        var ids = Enumerable.Range(0, width).Where(i => candidate[i] && distinct[i].Count > 1 && (!numbers[i] || distinct[i].Count * 10 <= rows))
            .Select(i => csv.Header[i]).Take(3).ToList();
        return ids.Count == 0 ? "" :
            $"; if the file holds several series one below the other, name their id column with --series-id (here each date is unique within {Excerpt.List(ids)})";
    }

    // The row index a DataFrame's to_csv() writes first: an unnamed (or 'Unnamed: 0' / 'index') column counting 0, 1, 2, …
    // (or from 1). It is a row number, not a series to forecast.
    internal static bool IsRowIndex(string name, List<string> cells)
    {
        if (!(name.Trim().Length == 0 || name.Trim() is "Unnamed: 0" or "index") || cells.Count < 2) return false;
        if (!long.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first) || first > 1) return false;
        for (int r = 1; r < cells.Count; r++)
            if (!long.TryParse(cells[r], NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v != first + r) return false;
        return true;
    }
}
