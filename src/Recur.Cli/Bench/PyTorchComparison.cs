using System.Diagnostics;

namespace Recur.Cli.Bench;

/// <summary>Runs bench/pytorch_bench.py (Debian's torch via /usr/bin/python3) and reads its last stdout line.</summary>
internal static class PyTorchComparison
{
    /// <summary>Runs <paramref name="script"/> on the same workloads and threads; throws with advice when PyTorch is missing.</summary>
    public static Comparison Run(string script, int threads, string? only, bool quick, CharLmSizes charLm, string python = "/usr/bin/python3")
    {
        if (!File.Exists(script))
            throw new FileNotFoundException($"cannot compare with PyTorch: {script} not found (run from the repository root)", script);
        if (!File.Exists(python))
            throw new FileNotFoundException($"cannot compare with PyTorch: {python} not found; install it with: sudo bash tools/install-pytorch.sh", python);
        var psi = new ProcessStartInfo(python);
        foreach (var a in new[] { script, "--json", "--threads", threads.ToString(), "--charlm", charLm.Argument }) psi.ArgumentList.Add(a);
        if (only != null) { psi.ArgumentList.Add("--only"); psi.ArgumentList.Add(only); }
        if (quick) psi.ArgumentList.Add("--quick");
        return Comparison.Run("PyTorch", psi,
            err => err.Contains("No module named 'torch'") ? "; install PyTorch with: sudo bash tools/install-pytorch.sh" : "");
    }
}
