using System.Text.Json;

namespace Recur.Cli;

/// <summary>What every command shares: one-line errors with exit code 2, and whether we talk to a terminal.</summary>
internal static class Cli
{
    /// <summary>True when stdout is a terminal (progress bars); false when piped or in CI (plain lines).</summary>
    public static bool Interactive => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null;

    /// <summary>Runs a command; an expected failure (bad input, missing or corrupt file) becomes one line on stderr and exit code 2.</summary>
    public static int Guard(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or IOException
                                      or UnauthorizedAccessException or ArithmeticException or JsonException or InvalidOperationException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }
}
