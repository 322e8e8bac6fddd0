using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Cli.Bench;

/// <summary>Measures this machine's fused multiply–add throughput, so benchmarks can report a fraction of peak.</summary>
internal static class Peak
{
    /// <summary>
    /// GFLOP/s (one FMA lane = 2 flops) of <paramref name="threads"/> threads each running independent FMA chains on
    /// the widest accelerated vector for about <paramref name="duration"/>. Twelve chains cover the FMA latency
    /// (4–5 cycles) times the FMA ports (2) on current x64 cores, so the loop is bound by FMA throughput alone.
    /// </summary>
    public static double MeasureFmaGflops(int threads, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        long flops = 0;
        var start = new Barrier(threads);
        var workers = new Thread[threads];
        var clock = new Stopwatch();
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                if (!clock.IsRunning)
                    lock (clock) clock.Start();
                Interlocked.Add(ref flops, Run(duration));
            });
            workers[t].Start();
        }
        foreach (var w in workers)
            w.Join();
        return flops / clock.Elapsed.TotalSeconds / 1e9;
    }

    // Runs FMA blocks until duration has passed; returns the flops done.
    static long Run(TimeSpan duration)
    {
        const int Block = 1 << 16;
        var sw = Stopwatch.StartNew();
        long flops = 0;
        do
            flops += Vector512.IsHardwareAccelerated ? Chains512(Block)
                : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Chains256(Block)
                : ScalarChains(Block);
        while (sw.Elapsed < duration);
        return flops;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static long Chains512(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), d = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, d); a1 = Vector512.FusedMultiplyAdd(a1, m, d); a2 = Vector512.FusedMultiplyAdd(a2, m, d);
            a3 = Vector512.FusedMultiplyAdd(a3, m, d); a4 = Vector512.FusedMultiplyAdd(a4, m, d); a5 = Vector512.FusedMultiplyAdd(a5, m, d);
            a6 = Vector512.FusedMultiplyAdd(a6, m, d); a7 = Vector512.FusedMultiplyAdd(a7, m, d); a8 = Vector512.FusedMultiplyAdd(a8, m, d);
            a9 = Vector512.FusedMultiplyAdd(a9, m, d); a10 = Vector512.FusedMultiplyAdd(a10, m, d); a11 = Vector512.FusedMultiplyAdd(a11, m, d);
        }
        // Keep the chains alive so the JIT cannot drop them.
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector512.Sum(s) == 12345 ? 0 : 2L * 12 * Vector512<float>.Count * iterations;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static long Chains256(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), d = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, d); a1 = Vector256.FusedMultiplyAdd(a1, m, d); a2 = Vector256.FusedMultiplyAdd(a2, m, d);
            a3 = Vector256.FusedMultiplyAdd(a3, m, d); a4 = Vector256.FusedMultiplyAdd(a4, m, d); a5 = Vector256.FusedMultiplyAdd(a5, m, d);
            a6 = Vector256.FusedMultiplyAdd(a6, m, d); a7 = Vector256.FusedMultiplyAdd(a7, m, d); a8 = Vector256.FusedMultiplyAdd(a8, m, d);
            a9 = Vector256.FusedMultiplyAdd(a9, m, d); a10 = Vector256.FusedMultiplyAdd(a10, m, d); a11 = Vector256.FusedMultiplyAdd(a11, m, d);
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(s) == 12345 ? 0 : 2L * 12 * Vector256<float>.Count * iterations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static long ScalarChains(int iterations)
    {
        float a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1;
        for (int i = 0; i < iterations; i++)
        {
            a0 = MathF.FusedMultiplyAdd(a0, 0.999999f, 1e-7f); a1 = MathF.FusedMultiplyAdd(a1, 0.999999f, 1e-7f);
            a2 = MathF.FusedMultiplyAdd(a2, 0.999999f, 1e-7f); a3 = MathF.FusedMultiplyAdd(a3, 0.999999f, 1e-7f);
            a4 = MathF.FusedMultiplyAdd(a4, 0.999999f, 1e-7f); a5 = MathF.FusedMultiplyAdd(a5, 0.999999f, 1e-7f);
            a6 = MathF.FusedMultiplyAdd(a6, 0.999999f, 1e-7f); a7 = MathF.FusedMultiplyAdd(a7, 0.999999f, 1e-7f);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 == 12345 ? 0 : 2L * 8 * iterations;
    }
}
