using System.Diagnostics;

namespace Recur.Cli.Bench;

/// <summary>
/// Runs bench/LibTorch (TorchSharp 0.107 on libtorch 2.10 with MKL and oneDNN, in its own process), building it on
/// first use: the build restores about 1.4 GB of packages once. The project lives outside the solution and CI.
/// </summary>
internal static class LibTorchComparison
{
    const string Dll = "bin/Release/net10.0/linux-x64/TorchSharpAnchor.dll";

    /// <summary>Builds bench/LibTorch if it is missing or stale, then runs it on the same workloads and threads.</summary>
    public static Comparison Run(string projectDir, int threads, string? only, bool quick, CharLmSizes charLm)
    {
        var csproj = Path.Combine(projectDir, "TorchSharpAnchor.csproj");
        if (!File.Exists(csproj))
            throw new FileNotFoundException($"cannot compare with libtorch: {csproj} not found (run from the repository root)", csproj);
        var dll = Path.Combine(projectDir, Dll);
        if (Stale(projectDir, dll))
        {
            Console.WriteLine($"building {csproj} (first use restores TorchSharp-cpu and libtorch, about 1.4 GB)...");
            var build = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var a in new[] { "build", csproj, "-c", "Release", "--nologo", "-v", "q" }) build.ArgumentList.Add(a);
            using var p = Process.Start(build)!;
            var log = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(dll))
            {
                var err = log.Split('\n').FirstOrDefault(l => l.Contains("error")) ?? log.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
                throw new InvalidOperationException($"building the libtorch benchmark failed (exit {p.ExitCode}): {err.Trim()}");
            }
        }
        var psi = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { dll, "json", "--threads", threads.ToString(), "--charlm", charLm.Argument }) psi.ArgumentList.Add(a);
        if (only != null) { psi.ArgumentList.Add("--only"); psi.ArgumentList.Add(only); }
        if (quick) psi.ArgumentList.Add("--quick");
        // One thread pool, sized as asked: OpenMP reads these before libtorch starts its own.
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
        psi.Environment["MKL_NUM_THREADS"] = threads.ToString();
        return Comparison.Run("libtorch", psi);
    }

    // Missing, or older than any source file of the project.
    static bool Stale(string dir, string dll)
    {
        if (!File.Exists(dll)) return true;
        var built = File.GetLastWriteTimeUtc(dll);
        return Directory.EnumerateFiles(dir, "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".csproj") || f.EndsWith(".py") || f.EndsWith(".props"))
            .Any(f => File.GetLastWriteTimeUtc(f) > built);
    }
}
