using System.Diagnostics;
using System.Text.Json;

namespace Recur.Cli.Bench;

/// <summary>
/// The other side of <c>recur bench --compare</c>: a program (bench/pytorch_bench.py or bench/LibTorch) that times the
/// same workloads under the same names and prints one JSON object as its last stdout line.
/// </summary>
internal sealed record Comparison(string Framework, string Torch, string Blas, int Threads, Dictionary<string, Timing> Workloads)
{
    /// <summary>Runs <paramref name="psi"/> and reads its JSON line; <paramref name="hint"/> maps its last error line to advice.</summary>
    public static Comparison Run(string framework, ProcessStartInfo psi, Func<string, string>? hint = null)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (p.ExitCode != 0 || last is null || !last.TrimStart().StartsWith('{'))
        {
            var err = stderr.Result.Trim().Split('\n').LastOrDefault() ?? "";
            if (err.Length > 200) err = err[..200] + "…";
            throw new InvalidOperationException($"the {framework} benchmark failed (exit {p.ExitCode}): {err}{hint?.Invoke(err)}");
        }
        using var doc = JsonDocument.Parse(last);
        var root = doc.RootElement;
        var workloads = new Dictionary<string, Timing>();
        foreach (var w in root.GetProperty("workloads").EnumerateArray())
            workloads[w.GetProperty("name").GetString()!] = new Timing(
                w.GetProperty("median_ms").GetDouble(), w.GetProperty("min_ms").GetDouble(), w.GetProperty("max_ms").GetDouble(),
                w.TryGetProperty("reps", out var reps) ? reps.GetInt32() : 0);
        return new Comparison(framework, root.GetProperty("torch").GetString() ?? "?", root.GetProperty("blas").GetString() ?? "?",
            root.GetProperty("threads").GetInt32(), workloads);
    }
}
