using System.Diagnostics;

namespace Recur.Cli.Bench;

/// <summary>
/// Times a workload: a warm-up (one call, or 0.2 s of calls), then samples until the time budget is spent and
/// at least <see cref="MinReps"/> were taken, as bench/pytorch_bench.py does.
/// </summary>
internal sealed class BenchRunner
{
    public double BudgetSeconds { get; init; } = 1.5;
    public int MinReps { get; init; } = 5;
    public int MaxReps { get; init; } = 20000;

    public Timing Run(Workload w)
    {
        if (w.SelfTimed is { } self)
        {
            var runs = new List<double> { self() };
            while (runs.Count < 3 && runs.Sum() < BudgetSeconds * 1000 * 0.5) runs.Add(self());
            return Timing.From(runs);
        }
        var call = w.Setup();
        var clock = Stopwatch.StartNew();
        do call(); while (clock.Elapsed.TotalSeconds < 0.2);
        var samples = new List<double>(MaxReps);
        // Allocation and collections are counted over the timed calls only (after warm-up): the steady state.
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        while ((clock.Elapsed.TotalSeconds < BudgetSeconds || samples.Count < MinReps) && samples.Count < MaxReps)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < w.CallsPerSample; i++) call();
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds / w.CallsPerSample);
        }
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        return Timing.From(samples) with
        {
            AllocBytesPerCall = (double)bytes / ((long)samples.Count * w.CallsPerSample),
            Gen0 = GC.CollectionCount(0) - g0, Gen1 = GC.CollectionCount(1) - g1, Gen2 = GC.CollectionCount(2) - g2,
        };
    }
}
