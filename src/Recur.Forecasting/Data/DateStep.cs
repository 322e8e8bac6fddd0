namespace Recur.Forecasting;

/// <summary>How a regular date grid advances: a fixed duration, whole calendar months, or business days (Monday to Friday).</summary>
public enum DateStepUnit
{
    /// <summary>A fixed duration (<see cref="DateStep.Duration"/>): seconds to weeks.</summary>
    Duration,

    /// <summary>Whole calendar months (<see cref="DateStep.Months"/>): monthly, quarterly, yearly.</summary>
    Months,

    /// <summary>One business day: weekends are not part of the grid.</summary>
    BusinessDays,
}

/// <summary>The step of a regular date grid, inferred from a file's dates (<see cref="DateGrid.Regularize"/>).</summary>
/// <param name="Unit">What the step counts.</param>
/// <param name="Duration">The step when <paramref name="Unit"/> is <see cref="DateStepUnit.Duration"/>.</param>
/// <param name="Months">Months per step when <paramref name="Unit"/> is <see cref="DateStepUnit.Months"/>.</param>
public sealed record DateStep(DateStepUnit Unit, TimeSpan Duration, int Months)
{
    /// <summary>The step's approximate length (a month counts 30.44 days, a business day 1 day).</summary>
    public TimeSpan Approximate => Unit switch
    {
        DateStepUnit.Months => TimeSpan.FromDays(30.436875 * Months),
        DateStepUnit.BusinessDays => TimeSpan.FromDays(1),
        _ => Duration,
    };

    /// <summary>The date <paramref name="k"/> steps after <paramref name="start"/>.</summary>
    public DateTime Add(DateTime start, int k)
    {
        switch (Unit)
        {
            case DateStepUnit.Months:
                return start.AddMonths(k * Months);
            case DateStepUnit.BusinessDays:
                var d = start;
                for (int i = 0; i < k; i++)
                {
                    d = d.AddDays(1);
                    while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) d = d.AddDays(1);
                }
                return d;
            default:
                return start + k * Duration;
        }
    }

    /// <summary>Whole steps from <paramref name="start"/> to <paramref name="date"/>, or null when it is off the grid.</summary>
    public long? StepsFrom(DateTime start, DateTime date)
    {
        switch (Unit)
        {
            case DateStepUnit.Months:
                long months = (date.Year - start.Year) * 12L + date.Month - start.Month;
                return months % Months == 0 ? months / Months : null;
            case DateStepUnit.BusinessDays:
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || date.TimeOfDay != start.TimeOfDay) return null;
                long days = (long)Math.Round((date.Date - start.Date).TotalDays);
                long weeks = Math.DivRem(days, 7, out long rest);
                long business = weeks * 5;
                var day = start.Date.AddDays(weeks * 7);
                for (int i = 0; i < rest; i++)
                {
                    day = day.AddDays(1);
                    if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) business++;
                }
                return business;
            default:
                long ticks = (date - start).Ticks;
                return ticks % Duration.Ticks == 0 ? ticks / Duration.Ticks : null;
        }
    }

    /// <summary>"1 day", "1 month", "3 months", "1 business day".</summary>
    public override string ToString() => Unit switch
    {
        DateStepUnit.Months => Months == 1 ? "1 month" : $"{Months} months",
        DateStepUnit.BusinessDays => "1 business day",
        _ => SeriesFrequency.Describe(Duration),
    };
}
