using System.Diagnostics;

namespace Recur.Tests.Forecast;

/// <summary>What one run of the <c>recur</c> command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last non-empty line of stdout (where <c>--json</c> puts its object).</summary>
    public string LastLine => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}

/// <summary>
/// Runs the CLI as its own process (the built Recur.Cli.dll next to the tests), so exit codes, stdout and stderr
/// are the real ones and no test shares the console with another.
/// </summary>
public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Recur.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "1"; // plain progress lines, no terminal tricks
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"recur {string.Join(' ', args)} ran for more than 2 minutes");
        }
        return new CliResult(process.ExitCode, stdout, stderr.Result);
    }
}
