namespace Recur;

/// <summary>
/// Non-fatal advice, as Python's <c>warnings.warn</c>: each distinct message is reported once per process
/// to <see cref="Handler"/> (default: standard error). Set the handler to collect or silence them.
/// </summary>
public static class Warnings
{
    private static readonly HashSet<string> Seen = new();

    public static Action<string> Handler { get; set; } = message => Console.Error.WriteLine("UserWarning: " + message);

    public static void Warn(string message)
    {
        lock (Seen)
            if (!Seen.Add(message)) return;
        Handler(message);
    }
}
