using System.Diagnostics;

namespace Recur.Tests.IO;

/// <summary>Runs tests/Recur.PersistCheck (built next to the tests) as a separate process.</summary>
internal static class ChildProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Recur.PersistCheck.dll");

    // The SDK sets DOTNET_HOST_PATH for test runs; otherwise the dotnet on PATH.
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";

    public static ProcessStartInfo Info(params string[] args)
    {
        var info = new ProcessStartInfo(Host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Runs to completion; returns stdout lines, failing the test on a non-zero exit.</summary>
    public static List<string> Run(params string[] args)
    {
        using var p = Process.Start(Info(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "child process did not finish in 120 s");
        Assert.True(p.ExitCode == 0, $"child exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }
}
