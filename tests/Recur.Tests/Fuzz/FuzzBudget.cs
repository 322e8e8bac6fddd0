using CsCheck;

namespace Recur.Tests.Fuzz;

/// <summary>
/// How much each fuzz target runs. CI: <see cref="DefaultIterations"/> inputs from a fixed seed, so a run is
/// reproducible. Long runs (docs/RELIABILITY.md): <c>RECUR_FUZZ_ITER=1000000</c> and optionally
/// <c>RECUR_FUZZ_SEED=&lt;CsCheck seed&gt;</c>; CsCheck prints the seed of any failing input after shrinking it.
/// </summary>
internal static class FuzzBudget
{
    public const int DefaultIterations = 3000;

    /// <summary>A CsCheck seed (its PCG state, printed form); every CI run replays the same inputs.</summary>
    public const string DefaultSeed = "1xn1HwIbwfUS";

    /// <summary>An input that takes longer than this is reported as a hang (a guard, not a timing test).</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("RECUR_FUZZ_ITER"), out long n) && n > 0 ? n : DefaultIterations;

    public static string Seed => Environment.GetEnvironmentVariable("RECUR_FUZZ_SEED") is { Length: > 0 } s ? s : DefaultSeed;

    /// <summary>Runs <paramref name="property"/> on <see cref="Iterations"/> inputs of <paramref name="gen"/>, on one thread
    /// (allocation is measured per thread, and a fixed seed then means a fixed sequence), and reports the count.</summary>
    public static void Run<T>(Gen<T> gen, Action<T> property, Action<string> log, Func<T, string>? print = null)
    {
        long n = Iterations;
        gen.Sample(property, writeLine: log, seed: Seed, iter: n, threads: 1, print: print);
        log($"{n} inputs passed (seed {Seed})");
    }

    /// <summary>Input bytes shown in a failure report: a bounded escaped prefix and the length.</summary>
    public static string Show(byte[] bytes)
    {
        var text = new System.Text.StringBuilder();
        foreach (byte b in bytes.AsSpan(0, Math.Min(bytes.Length, 600)))
            text.Append(b is >= 0x20 and < 0x7f && b != (byte)'\\' ? (char)b : $"\\x{b:x2}");
        return $"{bytes.Length} bytes: {text}{(bytes.Length > 600 ? "…" : "")}";
    }
}
