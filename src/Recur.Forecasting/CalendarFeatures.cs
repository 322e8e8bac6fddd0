namespace Recur.Forecasting;

/// <summary>
/// Calendar inputs: for each cycle, sin and cos of the phase of a date within it (hour of the day,
/// day of the week, day of the year, month of the year). They tell the model where in a season it
/// stands when the season is longer than the lookback (a year of daily data seen through 60 days).
/// </summary>
public static class CalendarFeatures
{
    /// <summary>The known cycles in a fixed order; a model file names those it uses.</summary>
    public static readonly IReadOnlyList<string> Cycles = ["hour_of_day", "day_of_week", "day_of_year", "month_of_year"];

    /// <summary>Length of each cycle, to decide whether a series samples it and spans it.</summary>
    private static TimeSpan Period(string cycle) => cycle switch
    {
        "hour_of_day" => TimeSpan.FromDays(1),
        "day_of_week" => TimeSpan.FromDays(7),
        "day_of_year" or "month_of_year" => TimeSpan.FromDays(365.25),
        _ => throw new ArgumentException($"unknown calendar cycle '{cycle}': expected one of {string.Join(", ", Cycles)}"),
    };

    /// <summary>Phase in [0, 1) of <paramref name="date"/> within <paramref name="cycle"/>.</summary>
    public static double Phase(string cycle, DateTime date) => cycle switch
    {
        "hour_of_day" => date.TimeOfDay.TotalDays,
        "day_of_week" => ((int)date.DayOfWeek + date.TimeOfDay.TotalDays) / 7,
        "day_of_year" => (date.DayOfYear - 1 + date.TimeOfDay.TotalDays) / (DateTime.IsLeapYear(date.Year) ? 366 : 365),
        "month_of_year" => (date.Month - 1) / 12.0,
        _ => throw new ArgumentException($"unknown calendar cycle '{cycle}': expected one of {string.Join(", ", Cycles)}"),
    };

    /// <summary>
    /// The cycles worth feeding for steps of <paramref name="step"/> when the training part spans
    /// <paramref name="trainSpan"/>: a cycle must hold at least 3 steps (coarser sampling sees a
    /// constant or aliased phase; month_of_year is for monthly and coarser steps, where day_of_year
    /// would jitter with month lengths) and be covered twice by the training part (so every phase the
    /// test will show was seen in training).
    /// </summary>
    public static string[] Choose(TimeSpan step, TimeSpan trainSpan)
    {
        if (step <= TimeSpan.Zero) return [];
        var chosen = new List<string>();
        foreach (var cycle in Cycles)
        {
            var period = Period(cycle);
            if (period.Ticks < 3 * step.Ticks || trainSpan.Ticks < 2 * period.Ticks) continue;
            bool monthly = step.TotalDays >= 27;
            if (cycle == "day_of_year" && monthly || cycle == "month_of_year" && !monthly) continue;
            chosen.Add(cycle);
        }
        return [.. chosen];
    }

    /// <summary>Checks cycle names read from a model file.</summary>
    /// <exception cref="ArgumentException">A name is not a known cycle.</exception>
    public static void Validate(IEnumerable<string> cycles)
    {
        foreach (var c in cycles)
            _ = Period(c);
    }

    /// <summary>2·cycles channels over <paramref name="dates"/>: sin(2π·phase) and cos(2π·phase) per cycle, each as long as the dates.</summary>
    public static double[][] Channels(IReadOnlyList<string> cycles, IReadOnlyList<DateTime> dates)
    {
        var channels = new double[2 * cycles.Count][];
        for (int c = 0; c < cycles.Count; c++)
        {
            var sin = channels[2 * c] = new double[dates.Count];
            var cos = channels[2 * c + 1] = new double[dates.Count];
            for (int i = 0; i < dates.Count; i++)
            {
                double angle = 2 * Math.PI * Phase(cycles[c], dates[i]);
                sin[i] = Math.Sin(angle);
                cos[i] = Math.Cos(angle);
            }
        }
        return channels;
    }
}
