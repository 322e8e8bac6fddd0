namespace Recur.Training;

/// <summary>Learning-rate schedules for <see cref="TrainerOptions.LrSchedule"/>: functions of the 0-based step.</summary>
public static class LrSchedules
{
    /// <summary>The same rate at every step.</summary>
    public static Func<long, double> Constant(double lr) => _ => lr;

    /// <summary>
    /// Linear warm-up from lr/warmup to lr over <paramref name="warmupSteps"/>, then a half cosine down to
    /// <paramref name="minLr"/> at <paramref name="totalSteps"/> (and <paramref name="minLr"/> after it).
    /// </summary>
    public static Func<long, double> WarmupCosine(double lr, long warmupSteps, long totalSteps, double minLr = 0)
    {
        if (!(lr >= 0)) throw new ArgumentException($"lr must be non-negative, got {lr}");
        if (warmupSteps < 0 || totalSteps < 1) throw new ArgumentException($"need warmupSteps >= 0 and totalSteps >= 1, got {warmupSteps} and {totalSteps}");
        return step =>
        {
            if (step < warmupSteps) return lr * (step + 1) / warmupSteps;
            if (step >= totalSteps) return minLr;
            double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
            return minLr + 0.5 * (lr - minLr) * (1 + Math.Cos(Math.PI * progress));
        };
    }
}
