using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

/// <summary>Measures this machine's fused multiply–add throughput, so benchmarks can report a fraction of peak.</summary>
public static class Peak
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
            flops += Vector512.IsHardwareAccelerated ? Chains<Vector512<float>, Simd512>(Block)
                : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Chains<Vector256<float>, Simd256>(Block)
                : ScalarChains(Block);
        while (sw.Elapsed < duration);
        return flops;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static long Chains<TVec, TOps>(int iterations) where TVec : unmanaged where TOps : ISimd<TVec>
    {
        TVec m = TOps.Splat(0.999999f), d = TOps.Splat(1e-7f);
        TVec a0 = TOps.Splat(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++)
        {
            a0 = TOps.Fma(a0, m, d); a1 = TOps.Fma(a1, m, d); a2 = TOps.Fma(a2, m, d); a3 = TOps.Fma(a3, m, d);
            a4 = TOps.Fma(a4, m, d); a5 = TOps.Fma(a5, m, d); a6 = TOps.Fma(a6, m, d); a7 = TOps.Fma(a7, m, d);
            a8 = TOps.Fma(a8, m, d); a9 = TOps.Fma(a9, m, d); a10 = TOps.Fma(a10, m, d); a11 = TOps.Fma(a11, m, d);
        }
        // Keep the chains alive so the JIT cannot drop them.
        TVec s = TOps.Add(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), TOps.Add(TOps.Add(a4, a5), TOps.Add(a6, a7)));
        s = TOps.Add(s, TOps.Add(TOps.Add(a8, a9), TOps.Add(a10, a11)));
        return TOps.Sum(s) == 12345 ? 0 : 2L * 12 * TOps.Count * iterations;
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
