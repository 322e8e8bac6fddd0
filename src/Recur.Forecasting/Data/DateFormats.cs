using System.Globalization;

namespace Recur.Forecasting;

/// <summary>
/// Recognises the date format of a whole column: the first format family (in the order below)
/// under which every cell parses wins, so one file gets one consistent format.
/// </summary>
/// <remarks>
/// Families, each with optional time of day where it makes sense:
/// ISO 8601 (<c>2020-01-31</c>, <c>2020-01-31T13:45[:05[.123]]</c>, with <c>T</c> or a space,
/// with <c>Z</c>, <c>+02:00</c>, <c>+02</c>, <c> UTC</c> or no offset; unpadded <c>2020-1-5</c> too), <c>yyyy-MM</c>, <c>yyyy/MM/dd [HH:mm[:ss]]</c>,
/// <c>yyyy.MM.dd</c>, <c>yyyyMMdd</c> (also <c>yyyyMMddTHHmmss</c>), <c>dd.MM.yyyy</c>, <c>MM/dd/yyyy</c> and <c>dd/MM/yyyy</c> (also with '-',
/// 12- or 24-hour time), <c>d MMM yyyy</c>, <c>MMM d yyyy</c> (also <c>Jan-1-1995</c>, <c>Jan 1, 2000</c>), and, in a column named like a date, <c>yyyy</c> (yearly) and, for a column whose name says it is a date,
/// Unix time in seconds or milliseconds (spreadsheet serial days for numbers from 10 000 to 99 999). Quarters:
/// <c>1990Q1</c>, <c>1990-Q1</c>, <c>1990 Q1</c>, <c>Q1 1990</c>. Months by name without a day: <c>Jan 2000</c>,
/// <c>January 2000</c>, <c>Jan-2000</c>, <c>2000-Jan</c>; as numbers: <c>01/2000</c>, <c>2000M01</c>. ISO weeks: <c>2018-W01</c>
/// (its Monday). Two-digit years (<c>1/31/20</c>, <c>31/01/20</c>, <c>01-Jan-20</c>, and <c>Jan-20</c> as a month), as
/// 1950–2049. Single-digit days and months are accepted.
/// <para>Day-first and month-first are told apart by looking at every value: the one under which
/// all cells parse wins; when both do (no day above 12), the one that keeps the dates in
/// non-decreasing order, and month-first if that still ties. A written offset is kept out of the
/// value — the wall-clock time is what the file says — unless the offsets change within the column (local time across
/// a daylight-saving change): then every date is taken in UTC, where the hours neither repeat nor skip.</para>
/// </remarks>
public static partial class DateFormats
{
    // One way of writing dates: .NET exact-format patterns, or (for forms .NET has no specifier for) a parser of its own.
    // Rival: the family that reads the same cells with day and month swapped (month-first's day-first twin); the
    // column goes to the rival when only the rival keeps the dates in order.
    private sealed record Family(string Name, string[] Patterns, Func<string, DateTime?>? Custom = null, Family? Rival = null)
    {
        public bool TryParse(string cell, out DateTime date)
        {
            if (Custom is not null)
            {
                var parsed = Custom(cell);
                date = parsed ?? default;
                return parsed is not null;
            }
            bool ok = DateTimeOffset.TryParseExact(cell, Patterns, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value);
            date = value.DateTime;
            return ok;
        }
    }

    private static readonly string[] Clock24 = ["", " H:mm", " H:mm:ss"];
    private static readonly string[] Clock12Or24 = ["", " H:mm", " H:mm:ss", " h:mm tt", " h:mm:ss tt"];

    private static readonly Family DayFirst =
        new("dd/MM/yyyy", [.. WithClock("d/M/yyyy", Clock12Or24), .. WithClock("d-M-yyyy", Clock12Or24)]);
    private static readonly Family MonthFirst =
        new("MM/dd/yyyy", [.. WithClock("M/d/yyyy", Clock12Or24), .. WithClock("M-d-yyyy", Clock12Or24)], Rival: DayFirst);

    // Two-digit years, as spreadsheets write dates by default (1/31/20, 31/01/20, 31.01.20, 01-Jan-20, Jan-20): read as
    // 1950–2049, .NET's and most spreadsheets' window, and said so in the format's name (the load prints it). These
    // families come after every four-digit one.
    private const string TwoDigitYears = " (two-digit years as 1950-2049)";

    /// <summary>Whether <paramref name="format"/> (as <see cref="TryParseColumn"/> names it) reads two-digit years.</summary>
    public static bool HasTwoDigitYears(string format) => format.Contains(TwoDigitYears, StringComparison.Ordinal);

    private static readonly Family DayFirstShort =
        new("dd/MM/yy" + TwoDigitYears, [.. WithClock("d/M/yy", Clock12Or24), .. WithClock("d-M-yy", Clock12Or24), .. WithClock("d.M.yy", Clock24)]);
    private static readonly Family MonthFirstShort =
        new("MM/dd/yy" + TwoDigitYears, [.. WithClock("M/d/yy", Clock12Or24), .. WithClock("M-d-yy", Clock12Or24)], Rival: DayFirstShort);

    private static readonly Family[] Families =
    [
        new("ISO 8601", ["yyyy-MM-dd", "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
                         "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
                         // an hours-only offset as PostgreSQL writes it (+00), and BigQuery's " UTC"
                         "yyyy-MM-dd HH:mm:ss.FFFFFFFzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzz", "yyyy-MM-dd HH:mm:ss.FFFFFFF 'UTC'",
                         .. WithClock("yyyy-M-d", Clock24)]), // 2020-1-5, as R and some exporters write it
        new("yyyy-MM", ["yyyy-MM"]),
        new("yyyy/MM/dd", WithClock("yyyy/M/d", Clock24)),
        new("yyyyMMdd", ["yyyyMMdd", "yyyyMMddTHHmmss", "yyyyMMddTHHmm", "yyyyMMdd HHmm", "yyyyMMdd HH:mm", "yyyyMMdd HH:mm:ss"]), // with ISO's basic time
        new("dd.MM.yyyy", WithClock("d.M.yyyy", Clock24)),
        new("yyyy.MM.dd", WithClock("yyyy.M.d", Clock24)),
        MonthFirst,
        DayFirst,
        // Also with full month names (1 January 2020, January 1, 2020) and a weekday first (Wed, 01 Jan 2020 as RFC 1123
        // writes HTTP dates; Wednesday, January 1, 2020 as a spreadsheet's long date): .NET checks the weekday.
        new("d MMM yyyy", [.. WithClock("d MMM yyyy", Clock24), .. WithClock("d-MMM-yyyy", Clock24), .. WithClock("d MMMM yyyy", Clock24),
                           .. WithClock("ddd, d MMM yyyy", Clock24), "ddd, d MMM yyyy HH:mm:ss 'GMT'"]),
        new("MMM d yyyy", [.. WithClock("MMM d yyyy", Clock24), .. WithClock("MMM-d-yyyy", Clock24), .. WithClock("MMM d, yyyy", Clock24),
                           .. WithClock("MMMM d yyyy", Clock24), .. WithClock("MMMM d, yyyy", Clock24), "dddd, MMMM d, yyyy", "ddd, MMM d, yyyy"]),
        new("yyyy-Qq", [], Quarter),
        // Months written with their name and no day (Jan 2000, January 2000, Jan-2000, 2000-Jan): the month's first day.
        // With two-digit years (Jan-20) see the last family.
        new("MMM yyyy", ["MMM yyyy", "MMMM yyyy", "MMM-yyyy", "MMMM-yyyy", "yyyy-MMM", "yyyy MMM", "yyyy-MMMM", "yyyy MMMM"]),
        new("yyyy-Www", [], IsoWeek),
        // Months without a day as numbers: 01/2000 (month/year) and 2000M01, as Eurostat and the IMF write them.
        new("MM/yyyy", ["M/yyyy"]),
        new("yyyy'M'MM", [], StatisticsMonth),
        // Two-digit years come last, so a four-digit year is always read as written.
        MonthFirstShort,
        DayFirstShort,
        new("d-MMM-yy" + TwoDigitYears, [.. WithClock("d-MMM-yy", Clock24), .. WithClock("d MMM yy", Clock24)]),
        // Jan-20, as a spreadsheet exports a monthly date formatted mmm-yy: 20 could be a day, but dates without a year
        // are no time axis, so in a column of them it is the year (a daily column such as Jan-05 … Jan-31, Feb-01 then
        // fails as out of order rather than being read as days).
        new("MMM-yy" + TwoDigitYears, ["MMM-yy", "MMM yy", "MMMM-yy", "MMMM yy"]),
    ];

    // 2000M01, 2000M1, 2000-M01 (any case): the month's first day.
    private static DateTime? StatisticsMonth(string cell)
    {
        var m = StatisticsMonthForm().Match(cell);
        if (!m.Success) return null;
        int year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
        return year >= 1 && month is >= 1 and <= 12 ? new DateTime(year, month, 1) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?<y>\d{4})-?[Mm](?<m>\d{1,2})\s*$")]
    private static partial System.Text.RegularExpressions.Regex StatisticsMonthForm();

    // ISO 8601 weeks, 2018-W01 or 2018W01 (any case): the week's Monday.
    private static DateTime? IsoWeek(string cell)
    {
        var m = IsoWeekForm().Match(cell);
        if (!m.Success) return null;
        int year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), week = int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture);
        return year >= 1 && week >= 1 && week <= ISOWeek.GetWeeksInYear(year) ? ISOWeek.ToDateTime(year, week, DayOfWeek.Monday) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?<y>\d{4})-?[Ww](?<w>\d{2})\s*$")]
    private static partial System.Text.RegularExpressions.Regex IsoWeekForm();

    // Quarters as statistics offices and spreadsheets write them: 1990Q1, 1990-Q1, 1990 Q1, 1990/Q1, Q1 1990, Q1-1990
    // (any case); the quarter's first day.
    private static DateTime? Quarter(string cell)
    {
        var m = QuarterForm().Match(cell);
        if (!m.Success) return null;
        int year = int.Parse(m.Groups["y1"].Success ? m.Groups["y1"].Value : m.Groups["y2"].Value, CultureInfo.InvariantCulture);
        int q = int.Parse(m.Groups["q1"].Success ? m.Groups["q1"].Value : m.Groups["q2"].Value, CultureInfo.InvariantCulture);
        return year >= 1 ? new DateTime(year, 3 * (q - 1) + 1, 1) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?:(?<y1>\d{4})\s*[-/ ]?\s*[Qq](?<q1>[1-4])|[Qq](?<q2>[1-4])\s*[-/ ]?\s*(?<y2>\d{4}))\s*$")]
    private static partial System.Text.RegularExpressions.Regex QuarterForm();

    // Bare years only in a column named like a date: a first column of 4-digit numbers is more often values.
    private static readonly Family Years = new("yyyy", ["yyyy"]);

    /// <summary>
    /// Column names (case-insensitive) taken as the date column: English ones, FRED's <c>observation_date</c>, and the
    /// words German, Dutch, Spanish and French exports use (a <c>Datum</c> column in a form no family reads was silently
    /// no date column; named, it is an error quoting the cell).
    /// </summary>
    public static readonly IReadOnlySet<string> ColumnNames =
        new HashSet<string>(["date", "time", "timestamp", "datetime", "date_time", "ds", "day", "week", "month", "quarter", "year", "period",
            "observation_date", "datum", "zeitstempel", "fecha", "horodatage"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Parses every cell with one detected format. Returns false when no format fits all cells.
    /// <paramref name="allowUnixTime"/> admits integer columns as Unix seconds or milliseconds
    /// (only sensible when the column is named like a date). <paramref name="dayFirst"/> tries
    /// <c>dd/MM/yyyy</c> before <c>MM/dd/yyyy</c> (what <c>--day-first</c> asks for).
    /// </summary>
    public static bool TryParseColumn(IReadOnlyList<string> cells, bool allowUnixTime,
        out DateTime[] dates, out string format, bool dayFirst = false)
    {
        dates = [];
        format = "";
        if (cells.Count == 0)
            return false;
        if (dayFirst)
            foreach (var family in (Family[])[DayFirst, DayFirstShort])
                if (TryParseAll(cells, family, out var dayFirstDates))
                {
                    (dates, format) = (dayFirstDates, family.Name);
                    return true;
                }
        foreach (var family in Families)
        {
            if (!TryParseAll(cells, family, out var parsed))
                continue;
            // Only the month-first families have a rival that can also fit every cell.
            if (family.Rival is { } rival && !IsNonDecreasing(parsed)
                && TryParseAll(cells, rival, out var rivalParsed) && IsNonDecreasing(rivalParsed))
            {
                (dates, format) = (rivalParsed, rival.Name);
                return true;
            }
            (dates, format) = (parsed, family.Name);
            if (family == Families[0] && MayHaveOffsets(cells) && OffsetsChange(cells, family.Patterns, out var utc))
                (dates, format) = (utc, family.Name + ", in UTC (the offsets change within the column)");
            return true;
        }
        if (allowUnixTime && TryParseAll(cells, Years, out var years))
        {
            (dates, format) = (years, Years.Name);
            return true;
        }
        if (allowUnixTime && TryParseUnix(cells, out dates, out format))
            return true;
        return false;
    }

    /// <summary>
    /// The index of the cell that breaks the column: the first one the format family that reads the most cells
    /// cannot read (0 when the column is empty).
    /// </summary>
    public static int FirstUnreadable(IReadOnlyList<string> cells) => FirstUnreadable(cells, out _);

    /// <summary>As <see cref="FirstUnreadable(IReadOnlyList{string})"/>, with how many cells that family reads.</summary>
    public static int FirstUnreadable(IReadOnlyList<string> cells, out int readable)
    {
        int bestCount = -1, bestFirst = 0;
        foreach (var family in Families)
        {
            int count = 0, first = -1;
            for (int i = 0; i < cells.Count; i++)
            {
                if (family.TryParse(cells[i], out _)) count++;
                else if (first < 0) first = i;
            }
            if (count > bestCount && first >= 0) (bestCount, bestFirst) = (count, first);
        }
        readable = Math.Max(0, bestCount);
        return bestFirst;
    }

    private static string[] WithClock(string date, string[] clocks) => [.. clocks.Select(c => date + c)];

    private static bool TryParseAll(IReadOnlyList<string> cells, Family family, out DateTime[] dates)
    {
        dates = new DateTime[cells.Count];
        for (int i = 0; i < cells.Count; i++)
            if (!family.TryParse(cells[i], out dates[i]))
                return false;
        return true;
    }

    // Seconds when every value is below 1e11 (year 5138), milliseconds otherwise. Numbers from 10 000 to 99 999
    // (with a fraction for the time of day) are spreadsheet serial days instead, counted from 1899-12-30 as Excel and
    // LibreOffice do — 1927 to 2173; as Unix seconds they would all fall in the first 28 hours of 1970.
    private static bool TryParseUnix(IReadOnlyList<string> cells, out DateTime[] dates, out string format)
    {
        dates = new DateTime[cells.Count];
        format = "";
        var serial = new double[cells.Count];
        if (cells.Select((c, i) => double.TryParse(c, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out serial[i])
                                   && serial[i] >= 10_000 && serial[i] < 100_000).All(ok => ok))
        {
            for (int i = 0; i < serial.Length; i++)
                dates[i] = SpreadsheetEpoch.AddTicks((long)Math.Round(serial[i] * TimeSpan.TicksPerDay / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond);
            format = "spreadsheet serial days";
            return true;
        }
        var raw = new long[cells.Count];
        for (int i = 0; i < cells.Count; i++)
            if (!long.TryParse(cells[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out raw[i]))
                return false;
        bool seconds = raw.All(v => Math.Abs(v) < 100_000_000_000L);
        try
        {
            for (int i = 0; i < raw.Length; i++)
                dates[i] = (seconds ? DateTimeOffset.FromUnixTimeSeconds(raw[i]) : DateTimeOffset.FromUnixTimeMilliseconds(raw[i])).UtcDateTime;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
        format = seconds ? "Unix seconds" : "Unix milliseconds";
        return true;
    }

    // Whether any ISO cell writes an offset (Z, +hh:mm or −hh:mm after the date): only then is the column parsed again
    // for OffsetsChange, so plain dates and local times (most files) are read once.
    private static bool MayHaveOffsets(IReadOnlyList<string> cells)
    {
        foreach (string c in cells)
        {
            var time = c.AsSpan().Trim();
            if (time.Length > 10 && (time[10..].IndexOfAny('Z', 'z', '+') >= 0 || time[10..].Contains('-'))) return true;
        }
        return false;
    }

    // True when the cells' written offsets are not all the same; then utc holds every cell in UTC.
    private static bool OffsetsChange(IReadOnlyList<string> cells, string[] patterns, out DateTime[] utc)
    {
        utc = new DateTime[cells.Count];
        TimeSpan? first = null;
        bool change = false;
        for (int i = 0; i < cells.Count; i++)
        {
            DateTimeOffset.TryParseExact(cells[i], patterns, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value);
            utc[i] = value.UtcDateTime;
            first ??= value.Offset;
            change |= value.Offset != first;
        }
        return change;
    }

    private static readonly DateTime SpreadsheetEpoch = new(1899, 12, 30);

    private static bool IsNonDecreasing(DateTime[] dates)
    {
        for (int i = 1; i < dates.Length; i++)
            if (dates[i] < dates[i - 1])
                return false;
        return true;
    }
}
