using System.Globalization;

namespace Recur.Nn;

/// <summary>
/// A sanity bound on the parameter memory one layer allocates when it is built, so that a typo in a
/// configuration (<c>new Lstm(8, 23000)</c>: 8.5 GB) is an <see cref="ArgumentException"/> naming the size,
/// not an <see cref="OutOfMemoryException"/> far from its cause. Raise it when a layer that large is meant.
/// </summary>
public static class LayerLimits
{
    private static long _maxParameterBytes = DefaultMaxParameterBytes;

    /// <summary>The default bound: 2 GiB of float32 parameters per layer (a 16 384-wide LSTM needs 4 GiB; a 4 096-wide one 256 MiB).</summary>
    public const long DefaultMaxParameterBytes = 2L << 30;

    /// <summary>
    /// The most bytes of float32 parameters one layer (<see cref="Linear"/>, <see cref="Embedding"/>, a recurrent
    /// layer or cell, all its stacked layers and directions) may allocate. Process-wide; set it at start-up.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public static long MaxParameterBytes
    {
        get => Volatile.Read(ref _maxParameterBytes);
        set => Volatile.Write(ref _maxParameterBytes,
            value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxParameterBytes must be positive"));
    }

    /// <summary>Throws when <paramref name="elements"/> float32 parameters exceed the bound; <paramref name="layer"/> names the call.</summary>
    internal static void Check(string layer, double elements)
    {
        double bytes = 4 * elements;
        long max = MaxParameterBytes;
        if (bytes <= max) return;
        throw new ArgumentException(
            $"{layer}: its parameters need {Bytes(bytes)} ({elements.ToString("N0", CultureInfo.InvariantCulture)} float32 values), " +
            $"more than the {Bytes(max)} sanity bound per layer; if this size is meant, raise Recur.Nn.LayerLimits.MaxParameterBytes");
    }

    private static string Bytes(double b) => b >= 1 << 30
        ? (b / (1 << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB"
        : (b / (1 << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB";
}
