namespace Recur.Forecasting;

/// <summary>
/// How often a dated series is sampled, read from the median step between dates, and the defaults
/// that follow from it: the season (steps per natural cycle) and the horizon.
/// </summary>
/// <param name="Name">hourly, daily, weekly, monthly, … or "undated" / "irregular".</param>
/// <param name="Step">The median step; zero when the file has no dates.</param>
/// <param name="Season">Default season: steps per day for sub-daily data, 7 for daily, 52 weekly, 12 monthly, 4 quarterly, 1 (none) otherwise.</param>
/// <param name="Horizon">Default horizon: one season for sub-daily, weekly and quarterly data, 7 daily, 6 monthly, 3 yearly.</param>
public sealed record SeriesFrequency(string Name, TimeSpan Step, int Season, int Horizon)
{
    /// <summary>A series without dates: no calendar, season 1.</summary>
    public static readonly SeriesFrequency Undated = new("undated", TimeSpan.Zero, 1, 0);

    /// <summary>True when the series has dates (a positive step).</summary>
    public bool HasDates => Step > TimeSpan.Zero;

    /// <summary>The frequency of steps of length <paramref name="step"/> (the median step of a date column).</summary>
    public static SeriesFrequency FromStep(TimeSpan step)
    {
        double days = step.TotalDays;
        if (days <= 0) return Undated;
        if (days < 0.75)
        {
            // Sub-daily: a day is the season when it is a whole number of steps.
            double perDay = 1 / days;
            int season = Math.Abs(perDay - Math.Round(perDay)) < 0.01 && perDay <= 1440 ? (int)Math.Round(perDay) : 1;
            string name = Math.Abs(step.TotalHours - 1) < 0.01 ? "hourly" : $"every {Describe(step)}";
            return new SeriesFrequency(name, step, season, Math.Clamp(season, 1, 48));
        }
        if (days <= 1.5) return new SeriesFrequency("daily", step, 7, 7);
        if (days >= 6 && days <= 8) return new SeriesFrequency("weekly", step, 52, 4);
        if (days >= 27 && days <= 32) return new SeriesFrequency("monthly", step, 12, 6);
        if (days >= 85 && days <= 95) return new SeriesFrequency("quarterly", step, 4, 4);
        if (days >= 360 && days <= 370) return new SeriesFrequency("yearly", step, 1, 3);
        return new SeriesFrequency($"every {Describe(step)}", step, 1, 0);
    }

    /// <summary>"1 hour", "15 minutes", "1 day", "3.5 days".</summary>
    public static string Describe(TimeSpan step)
    {
        static string Unit(double v, string unit) =>
            $"{v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} {unit}{(Math.Abs(v - 1) < 1e-9 ? "" : "s")}";
        if (step.TotalDays >= 1) return Unit(step.TotalDays, "day");
        if (step.TotalHours >= 1) return Unit(step.TotalHours, "hour");
        if (step.TotalMinutes >= 1) return Unit(step.TotalMinutes, "minute");
        return Unit(step.TotalSeconds, "second");
    }
}
