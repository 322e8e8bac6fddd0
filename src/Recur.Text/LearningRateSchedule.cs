namespace Recur.Text;

/// <summary>
/// Linear warm-up from 0 to the peak over <see cref="WarmupSteps"/>, then a cosine from the peak down to
/// <see cref="MinFraction"/>·peak at <see cref="TotalSteps"/> (held there after).
/// </summary>
/// <param name="Peak">The learning rate at the end of warm-up.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">Step at which the cosine reaches its floor.</param>
/// <param name="MinFraction">Floor as a fraction of the peak.</param>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double MinFraction = 0.1)
{
    /// <summary>The rate for step <paramref name="step"/> (0-based: the rate the step-th update uses).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        int span = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / span);
        double floor = Peak * MinFraction;
        return floor + (Peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
