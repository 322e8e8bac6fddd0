namespace Recur;

/// <summary>Shape arithmetic and PyTorch-style shape text (<c>[2, 3]</c>).</summary>
public static class Shapes
{
    /// <summary>
    /// The element count of <paramref name="shape"/>, checked: a negative dimension, or a count above what one
    /// array holds (<see cref="Array.MaxLength"/>), is an <see cref="ArgumentException"/> (the product never wraps).
    /// </summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        bool over = false;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape {Format(shape)}");
            // n stays ≤ Array.MaxLength, so n·d fits a long; once over, only a later 0 can bring it back.
            if (over) continue;
            n *= d;
            if (n > Array.MaxLength) over = true;
        }
        if (over && !shape.Contains(0))
            throw new ArgumentException(
                $"shape {Format(shape)} has {Product(shape):G3} elements, more than an array can hold ({Array.MaxLength})");
        return over ? 0 : (int)n;
    }

    /// <summary>The product of the dims in floating point (for messages: it cannot overflow).</summary>
    internal static double Product(ReadOnlySpan<int> shape)
    {
        double p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }

    /// <summary>PyTorch-style shape text, <c>[2, 3]</c>; a shape of more than 16 dims is cut (messages stay short).</summary>
    public static string Format(ReadOnlySpan<int> shape) =>
        shape.Length <= 16 ? "[" + string.Join(", ", shape.ToArray()) + "]"
            : "[" + string.Join(", ", shape[..16].ToArray()) + $", … ({shape.Length} dims)]";

    /// <summary>True when the shapes have the same sizes.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>A copy of <paramref name="shape"/> after checking every dimension is non-negative.</summary>
    internal static int[] Checked(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape {Format(shape)}");
        return shape.AsSpan().ToArray();
    }

    /// <summary>Maps a possibly negative dim into [0, rank), with PyTorch's error text.</summary>
    internal static int NormalizeDim(int dim, int rank)
    {
        int lo = rank == 0 ? -1 : -rank, hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi)
            throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})");
        return dim < 0 ? dim + Math.Max(rank, 1) : dim;
    }

    /// <summary>Product of dims in [from, to).</summary>
    internal static int Prod(ReadOnlySpan<int> shape, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /// <summary>The broadcast of two shapes (numpy rules), or an error naming both.</summary>
    internal static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}; shapes {Format(a)} and {Format(b)}");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Row-major strides of <paramref name="shape"/> aligned to the rank of <paramref name="target"/>, 0 where broadcast.</summary>
    internal static int[] BroadcastStrides(int[] shape, int[] target)
    {
        int rank = target.Length;
        var strides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int j = i - (rank - shape.Length);
            int d = j >= 0 ? shape[j] : 1;
            strides[i] = d == 1 && target[i] != 1 ? 0 : s;
            s *= d;
        }
        return strides;
    }
}
