namespace Recur.Cli.Bench;

/// <summary>
/// One benchmark: a name shared with bench/pytorch_bench.py, the matrix-product flops of one call, and a
/// factory that builds its inputs and returns the call to time (set-up stays outside the timing).
/// <see cref="CallsPerSample"/> &gt; 1 times a batch of calls and reports per call (for microsecond calls).
/// </summary>
internal sealed record Workload(string Name, string Cell, string Mode, double Flops, Func<Action> Setup, int CallsPerSample = 1)
{
    /// <summary>When set, a run of the workload reports its own duration (the sine demo's training loop).</summary>
    public Func<double>? SelfTimed { get; init; }

    /// <summary>Tokens one call processes (char-LM workloads), for a tokens/s figure.</summary>
    public int? TokensPerCall { get; init; }

    /// <summary>The target from issue 4, in ms per call, if there is one.</summary>
    public double? TargetMs { get; init; }

    /// <summary>Multiply-add flops of an RNN forward: per step, layer and direction 2·batch·(in + hidden)·G·hidden.</summary>
    public static double RnnFlops(int gates, int input, int hidden, int layers, int seq, int batch, int directions = 1)
    {
        double f = 0;
        for (int l = 0; l < layers; l++)
        {
            int layerIn = l == 0 ? input : hidden * directions;
            f += 2.0 * batch * (layerIn + hidden) * gates * hidden * seq * directions;
        }
        return f;
    }
}

/// <summary>Median, min and max per call in ms, over the samples taken.</summary>
internal sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Reps)
{
    /// <summary>Bytes allocated (all threads) per call while sampling; null where not measured.</summary>
    public double? AllocBytesPerCall { get; init; }

    /// <summary>Garbage collections of generation 0, 1 and 2 while sampling.</summary>
    public int Gen0 { get; init; }
    /// <inheritdoc cref="Gen0"/>
    public int Gen1 { get; init; }
    /// <inheritdoc cref="Gen0"/>
    public int Gen2 { get; init; }

    /// <summary>Several rounds of one workload as one: the median of the rounds' medians, the extremes of all, the
    /// rounds' collections summed and their allocation per call averaged.</summary>
    public static Timing Combine(IReadOnlyList<Timing> rounds)
    {
        if (rounds.Count == 1) return rounds[0];
        var medians = From(rounds.Select(r => r.MedianMs).ToList());
        var alloc = rounds.Where(r => r.AllocBytesPerCall is not null).Select(r => r.AllocBytesPerCall!.Value).ToList();
        return new Timing(medians.MedianMs, rounds.Min(r => r.MinMs), rounds.Max(r => r.MaxMs), rounds.Sum(r => r.Reps))
        {
            AllocBytesPerCall = alloc.Count > 0 ? alloc.Average() : null,
            Gen0 = rounds.Sum(r => r.Gen0), Gen1 = rounds.Sum(r => r.Gen1), Gen2 = rounds.Sum(r => r.Gen2),
        };
    }

    public static Timing From(List<double> ms)
    {
        ms.Sort();
        int n = ms.Count;
        double median = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
        return new Timing(median, ms[0], ms[^1], n);
    }
}
