using System.Buffers;

namespace Recur.Nn.Recurrent;

/// <summary>
/// Scratch memory for the recurrent kernels, rented from <see cref="ArrayPool{T}.Shared"/> and given back once the
/// backward (or an inference forward) is done. Fresh arrays would be zeroed and, on a busy heap, page-faulted in on
/// every call; reused ones are warm in cache. Rented arrays hold garbage and may be longer than asked:
/// every user writes before it reads and slices to the length it asked for.
/// </summary>
internal sealed class Workspace
{
    private readonly List<float[]> _rented = new();

    /// <summary>An uninitialised buffer of at least <paramref name="length"/> floats (null for length 0).</summary>
    public float[] Rent(int length)
    {
        var a = ArrayPool<float>.Shared.Rent(Math.Max(length, 1));
        _rented.Add(a);
        return a;
    }

    /// <summary>A buffer of <paramref name="length"/> zeros.</summary>
    public float[] RentZeroed(int length)
    {
        var a = Rent(length);
        Array.Clear(a, 0, length);
        return a;
    }

    /// <summary>Gives every buffer back; none may be used afterwards.</summary>
    public void Release()
    {
        foreach (var a in _rented) ArrayPool<float>.Shared.Return(a);
        _rented.Clear();
    }

    /// <summary>A length-1-or-more vector of ones, for column sums as a matrix–vector product.</summary>
    public static float[] Ones(int length)
    {
        var ones = _ones;
        if (ones.Length < length)
        {
            ones = new float[Math.Max(length, 2 * ones.Length)];
            Array.Fill(ones, 1f);
            _ones = ones; // read-only once published; a racing thread at worst builds its own
        }
        return ones;
    }

    private static float[] _ones = Enumerable.Repeat(1f, 1024).ToArray();
}
