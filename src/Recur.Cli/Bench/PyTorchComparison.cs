using System.Diagnostics;
using System.Text.Json;

namespace Recur.Cli.Bench;

/// <summary>Runs bench/pytorch_bench.py (Debian's torch via /usr/bin/python3) and reads its last stdout line.</summary>
internal static class PyTorchComparison
{
    public sealed record Result(string Torch, string Blas, int Threads, Dictionary<string, Timing> Workloads);

    public static Result Run(string script, int threads, string? only, bool quick, string python = "/usr/bin/python3")
    {
        if (!File.Exists(script))
            throw new FileNotFoundException($"cannot compare with PyTorch: {script} not found (run from the repository root)", script);
        if (!File.Exists(python))
            throw new FileNotFoundException($"cannot compare with PyTorch: {python} not found; install it with: sudo bash tools/install-pytorch.sh", python);
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--json", "--threads", threads.ToString() }) psi.ArgumentList.Add(a);
        if (only != null) { psi.ArgumentList.Add("--only"); psi.ArgumentList.Add(only); }
        if (quick) psi.ArgumentList.Add("--quick");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (p.ExitCode != 0 || last is null)
        {
            var err = stderr.Result.Trim().Split('\n').LastOrDefault() ?? "";
            throw new InvalidOperationException(
                $"the PyTorch benchmark failed (exit {p.ExitCode}): {err}" +
                (err.Contains("No module named 'torch'") ? "; install PyTorch with: sudo bash tools/install-pytorch.sh" : ""));
        }
        using var doc = JsonDocument.Parse(last);
        var root = doc.RootElement;
        var workloads = new Dictionary<string, Timing>();
        foreach (var w in root.GetProperty("workloads").EnumerateArray())
            workloads[w.GetProperty("name").GetString()!] = new Timing(
                w.GetProperty("median_ms").GetDouble(), w.GetProperty("min_ms").GetDouble(), w.GetProperty("max_ms").GetDouble(),
                w.TryGetProperty("reps", out var reps) ? reps.GetInt32() : 0);
        return new Result(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("blas").GetString() ?? "?",
            root.GetProperty("threads").GetInt32(), workloads);
    }
}
