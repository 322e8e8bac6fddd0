namespace Recur.Forecasting;

/// <summary>
/// The parsed date column of a series: informative only (plots, labels for forecasts).
/// File order is the time order; the dates are never used to sort or to align rows.
/// </summary>
public sealed class DateColumn
{
    /// <summary>The column's header name.</summary>
    public string Name { get; }

    /// <summary>The detected format family, e.g. <c>yyyy/MM/dd</c> or <c>ISO 8601</c>.</summary>
    public string Format { get; }

    /// <summary>One wall-clock date per row, in file order.</summary>
    public IReadOnlyList<DateTime> Values { get; }

    /// <summary>A date column named <paramref name="name"/>, parsed with the format family <paramref name="format"/>, one date per row.</summary>
    public DateColumn(string name, string format, DateTime[] values)
    {
        Name = name;
        Format = format;
        Values = values;
    }

    /// <summary>
    /// The median of the steps between consecutive dates (robust to a few gaps or DST jumps);
    /// zero when there are fewer than two dates.
    /// </summary>
    public TimeSpan MedianStep()
    {
        if (Values.Count < 2)
            return TimeSpan.Zero;
        var steps = new long[Values.Count - 1];
        for (int i = 1; i < Values.Count; i++)
            steps[i - 1] = (Values[i] - Values[i - 1]).Ticks;
        Array.Sort(steps);
        int m = steps.Length / 2;
        long median = steps.Length % 2 == 1 ? steps[m] : steps[m - 1] + (steps[m] - steps[m - 1]) / 2;
        return TimeSpan.FromTicks(median);
    }

    /// <summary>
    /// Extrapolates the <paramref name="count"/> dates after the last one: last + k·step for
    /// k = 1..count with the median step. Monthly (or coarser) data whose dates all fall on the
    /// same day of the month steps in whole months, so the dates do not drift.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than two dates, or a non-positive median step.</exception>
    public DateTime[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var step = MedianStep();
        if (step <= TimeSpan.Zero)
            throw new InvalidOperationException(
                $"date column '{Name}': cannot extrapolate dates without a positive median step (got {step})");
        var last = Values[^1];
        var next = new DateTime[count];
        int months = MedianMonthStep(step);
        for (int k = 1; k <= count; k++)
            next[k - 1] = months > 0 ? last.AddMonths(k * months) : last + k * step;
        return next;
    }

    // Whole months per step when the data look monthly or coarser, else 0.
    private int MedianMonthStep(TimeSpan step)
    {
        if (step < TimeSpan.FromDays(28))
            return 0;
        var first = Values[0];
        var monthSteps = new int[Values.Count - 1];
        for (int i = 0; i < Values.Count; i++)
        {
            var d = Values[i];
            if (d.Day != first.Day || d.TimeOfDay != first.TimeOfDay)
                return 0;
            if (i > 0)
                monthSteps[i - 1] = (d.Year - Values[i - 1].Year) * 12 + d.Month - Values[i - 1].Month;
        }
        Array.Sort(monthSteps);
        return monthSteps[monthSteps.Length / 2];
    }
}
