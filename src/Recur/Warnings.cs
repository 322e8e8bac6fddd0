namespace Recur;

/// <summary>
/// Non-fatal advice, as Python's <c>warnings.warn</c>: each distinct message is reported once per process
/// to <see cref="Handler"/> (default: standard error). Set the handler to collect or silence them.
/// </summary>
public static class Warnings
{
    private static readonly HashSet<string> Seen = new();

    /// <summary>Receives each distinct warning once; the default writes <c>UserWarning: …</c> to standard error.</summary>
    public static Action<string> Handler { get; set; } = message => Console.Error.WriteLine("UserWarning: " + message);

    /// <summary>Reports <paramref name="message"/> to <see cref="Handler"/> unless it was reported before.</summary>
    public static void Warn(string message)
    {
        lock (Seen)
            if (!Seen.Add(message)) return;
        Handler(message);
    }
}
