using CsCheck;

namespace Recur.Tests.Fuzz;

/// <summary>
/// How each fuzz target runs. Input i is generated from its own CsCheck <see cref="PCG"/>, seeded from a master
/// PCG with a fixed seed, so every run of the CI budget (<see cref="DefaultIterations"/> inputs) sees the same inputs.
/// (CsCheck's own <c>Sample</c> fixes only the first input's seed, then draws fresh ones.) When an input fails,
/// CsCheck's <c>Sample</c> starts from that input's seed and shrinks it; its exception shows the smallest failing input
/// and a seed that replays it. Long runs (docs/RELIABILITY.md): <c>RECUR_FUZZ_ITER=1000000</c>, and another
/// <c>RECUR_FUZZ_SEED=&lt;integer&gt;</c> for fresh inputs.
/// </summary>
internal static class FuzzBudget
{
    public const int DefaultIterations = 3000;

    /// <summary>The master seed of CI runs.</summary>
    public const ulong DefaultSeed = 20261203;

    /// <summary>An input that takes longer than this is reported as a hang (a guard, not a timing test).</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("RECUR_FUZZ_ITER"), out long n) && n > 0 ? n : DefaultIterations;

    public static ulong Seed =>
        ulong.TryParse(Environment.GetEnvironmentVariable("RECUR_FUZZ_SEED"), out ulong s) ? s : DefaultSeed;

    /// <summary>
    /// Runs <paramref name="property"/> on <see cref="Iterations"/> inputs of <paramref name="gen"/> on this thread
    /// (allocation is measured per thread), logging the count; a failure is shrunk by CsCheck and rethrown.
    /// </summary>
    public static void Run<T>(Gen<T> gen, Action<T> property, Action<string> log, Func<T, string>? print = null, long? iterations = null)
    {
        long n = iterations ?? Iterations;
        ulong seed = Seed;
        // Long runs: RECUR_FUZZ_PROGRESS=<file> gets a line every 10 000 inputs, so a run stopped early still has a count.
        string? progress = Environment.GetEnvironmentVariable("RECUR_FUZZ_PROGRESS");
        var master = new PCG(7, seed);
        for (long i = 0; i < n; i++)
        {
            var pcg = new PCG(7, master.Next64());
            string replay = pcg.ToString();
            var input = gen.Generate(pcg, null!, out _);
            try
            {
                property(input);
            }
            catch (Exception e)
            {
                log($"input {i} of master seed {seed} failed (CsCheck seed {replay}): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                if (progress != null) File.AppendAllText(progress, $"{DateTime.UtcNow:u} input {i} FAILED (seed {replay}): {e.GetType().Name}\n");
                gen.Sample(property, writeLine: log, seed: replay, iter: 2000, threads: 1, print: print); // shrinks and throws
                throw;
            }
            if (progress != null && (i + 1) % 10_000 == 0)
                File.AppendAllText(progress, $"{DateTime.UtcNow:u} {typeof(T).DeclaringType?.Name ?? typeof(T).Name}: {i + 1} inputs passed (master seed {seed})\n");
        }
        log($"{n} inputs passed (master seed {seed})");
    }

    /// <summary>Input bytes shown in a failure report: a bounded escaped prefix and the length.</summary>
    public static string Show(byte[] bytes)
    {
        var text = new System.Text.StringBuilder();
        foreach (byte b in bytes.AsSpan(0, Math.Min(bytes.Length, 600)))
            text.Append(b is >= 0x20 and < 0x7f && b != (byte)'\\' ? (char)b : $"\\x{b:x2}");
        return $"{bytes.Length} bytes: {text}{(bytes.Length > 600 ? "…" : "")}";
    }

    /// <summary>
    /// Counts the refusals of a fuzz run by kind: the exception type and its message with quoted values and numbers
    /// blanked (after <paramref name="skipTo"/>, e.g. the path), so a run can print which refusals dominate.
    /// </summary>
    public sealed class Refusals
    {
        private readonly Dictionary<string, int> _counts = [];

        public void Add(Exception e, string? skipTo = null)
        {
            string message = skipTo is not null && e.Message.IndexOf(skipTo, StringComparison.Ordinal) is int at and >= 0 ? e.Message[(at + skipTo.Length)..] : e.Message;
            string kind = $"{e.GetType().Name}: {System.Text.RegularExpressions.Regex.Replace(message, "'[^']*'|[0-9][0-9.]*", "…")}";
            kind = kind[..Math.Min(100, kind.Length)];
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        }

        /// <summary>The most common kinds, one line each.</summary>
        public void Log(Action<string> log, int most = 12)
        {
            foreach (var (kind, count) in _counts.OrderByDescending(c => c.Value).Take(most)) log($"  {count,6}  {kind}");
        }
    }
}
