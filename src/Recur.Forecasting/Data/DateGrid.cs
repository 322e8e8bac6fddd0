namespace Recur.Forecasting;

/// <summary>A series' dates put on a regular grid: <see cref="Rows"/>[k] is the source row of grid point k, or −1 for an inserted gap.</summary>
/// <param name="Dates">One date per grid point, oldest first.</param>
/// <param name="Rows">Source row (0-based, in file order) of each grid point; −1 where a gap was inserted.</param>
/// <param name="Step">The grid's step.</param>
/// <param name="Inserted">Grid points inserted for gaps (their values are missing).</param>
/// <param name="Reversed">The file was newest-first and was reversed.</param>
public sealed record RegularDates(DateTime[] Dates, int[] Rows, DateStep Step, int Inserted, bool Reversed);

/// <summary>
/// Checks and regularises a date column: duplicated dates are an error naming them and their lines; a
/// newest-first column is reversed; dates out of order otherwise are an error; the step is inferred
/// (whole months for monthly and coarser data, business days when no date falls on a weekend, else the
/// median step) and every date must lie on its grid (else a mixed-frequency error naming the dates); gaps
/// become inserted grid points whose values are missing.
/// </summary>
public static class DateGrid
{
    /// <summary>At most this many grid points per source row, so a wrong step cannot blow a file up.</summary>
    private const int MaxGrowth = 10;

    /// <summary>Regularises <paramref name="dates"/> (file order); <paramref name="lines"/> are their 1-based file lines for messages.</summary>
    /// <param name="source">The file (and series) named in messages.</param>
    /// <param name="column">The date column named in messages.</param>
    /// <param name="dates">The dates in file order.</param>
    /// <param name="lines">Each date's 1-based file line.</param>
    /// <param name="duplicateHint">Appended to the duplicated-date message (the caller's guess at the cause, or null).</param>
    /// <exception cref="InvalidDataException">Duplicated dates, unsorted dates, or dates off any one regular grid.</exception>
    public static RegularDates Regularize(string source, string column, IReadOnlyList<DateTime> dates, IReadOnlyList<int> lines,
        Func<string>? duplicateHint = null)
    {
        int n = dates.Count;
        if (n == 0) throw new InvalidDataException($"{source}: column {Excerpt.Of(column)} has no dates");
        var seen = new Dictionary<DateTime, int>(n);
        for (int i = 0; i < n; i++)
        {
            if (seen.TryGetValue(dates[i], out int first))
            {
                var all = Enumerable.Range(0, n).Where(j => dates[j] == dates[i]).Select(j => lines[j]).Take(10).ToList();
                throw new InvalidDataException(
                    $"{source}: date {Format(dates[i])} in column {Excerpt.Of(column)} appears more than once, on lines {string.Join(", ", all)}: " +
                    "each date must be one row (aggregate the duplicates first)" + duplicateHint?.Invoke());
            }
            seen[dates[i]] = i;
        }

        int[] order = Enumerable.Range(0, n).ToArray();
        bool reversed = false;
        if (!IsIncreasing(dates, order))
        {
            Array.Reverse(order);
            if (!IsIncreasing(dates, order))
            {
                Array.Reverse(order);
                int bad = Enumerable.Range(1, n - 1).First(i => dates[i] < dates[i - 1]);
                throw new InvalidDataException(
                    $"{source}: the dates in column {Excerpt.Of(column)} are not in time order: line {lines[bad - 1]} has {Format(dates[bad - 1])}, " +
                    $"line {lines[bad]} has {Format(dates[bad])} (sort the file oldest-first)");
            }
            reversed = true;
        }
        var sorted = order.Select(i => dates[i]).ToArray();
        if (n == 1) return new RegularDates(sorted, order, new DateStep(DateStepUnit.Duration, TimeSpan.FromDays(1), 0), 0, reversed);

        var step = InferStep(sorted);
        var index = new long[n];
        for (int i = 0; i < n; i++)
        {
            long? k = step.StepsFrom(sorted[0], sorted[i]);
            if (k is null || i > 0 && k <= index[i - 1])
                throw new InvalidDataException(
                    $"{source}: the dates in column {Excerpt.Of(column)} are not on one regular grid of {step}: {Format(sorted[i])} " +
                    $"(line {lines[order[i]]}) is not a whole number of steps after {Format(sorted[0])} (mixed frequencies? irregular timestamps?)");
            index[i] = k.Value;
        }
        long length = index[^1] + 1;
        if (length > (long)MaxGrowth * n + 1000)
            throw new InvalidDataException(
                $"{source}: the dates in column {Excerpt.Of(column)} would need {length} rows on a grid of {step} for {n} dates: too many gaps " +
                "(mixed frequencies?)");
        var grid = new DateTime[length];
        var rows = new int[length];
        Array.Fill(rows, -1);
        for (int k = 0; k < length; k++) grid[k] = step.Add(sorted[0], k);
        for (int i = 0; i < n; i++)
        {
            grid[index[i]] = sorted[i]; // keeps the file's day of month for month grids
            rows[index[i]] = order[i];
        }
        return new RegularDates(grid, rows, step, (int)(length - n), reversed);
    }

    /// <summary>The step of sorted, distinct dates: months when the median gap is 28 days or more, business days for weekday-only daily data, else the median gap.</summary>
    public static DateStep InferStep(IReadOnlyList<DateTime> sorted)
    {
        var gaps = new long[sorted.Count - 1];
        for (int i = 1; i < sorted.Count; i++) gaps[i - 1] = (sorted[i] - sorted[i - 1]).Ticks;
        var ordered = gaps.Order().ToArray();
        var median = TimeSpan.FromTicks(ordered[(ordered.Length - 1) / 2]);
        if (median.TotalDays >= 27.5)
        {
            var monthGaps = new List<int>();
            for (int i = 1; i < sorted.Count; i++)
                monthGaps.Add((sorted[i].Year - sorted[i - 1].Year) * 12 + sorted[i].Month - sorted[i - 1].Month);
            int months = Math.Max(1, monthGaps.Where(m => m > 0).DefaultIfEmpty(1).Min());
            return new DateStep(DateStepUnit.Months, TimeSpan.Zero, months);
        }
        if (median == TimeSpan.FromDays(1) && sorted.Count >= 10
            && sorted.All(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            && gaps.Any(g => g == TimeSpan.FromDays(3).Ticks))
            return new DateStep(DateStepUnit.BusinessDays, TimeSpan.FromDays(1), 0);
        return new DateStep(DateStepUnit.Duration, median, 0);
    }

    private static bool IsIncreasing(IReadOnlyList<DateTime> dates, int[] order)
    {
        for (int i = 1; i < order.Length; i++)
            if (dates[order[i]] <= dates[order[i - 1]]) return false;
        return true;
    }

    private static string Format(DateTime d) =>
        d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
