namespace Recur.Nn;

/// <summary>
/// A batch of variable-length sequences without padding, as PyTorch's <c>PackedSequence</c>:
/// the rows of step 0 for every sequence, then step 1 for those still running, and so on, with
/// sequences sorted by decreasing length. Build it with <see cref="RnnUtils.PackPaddedSequence"/> or
/// <see cref="RnnUtils.PackSequence"/>; unpack with <see cref="RnnUtils.PadPackedSequence"/>.
/// </summary>
public sealed class PackedSequence
{
    /// <summary>[rows, features]: all real steps, time-major.</summary>
    public Tensor Data { get; }

    /// <summary>How many sequences are still running at each step (non-increasing).</summary>
    public int[] BatchSizes { get; }

    /// <summary>Original batch index of each sorted position, or null when the input was already sorted.</summary>
    public int[]? SortedIndices { get; }

    /// <summary>The inverse permutation of <see cref="SortedIndices"/>.</summary>
    public int[]? UnsortedIndices { get; }

    /// <summary>Wraps already packed data; use <see cref="RnnUtils.PackPaddedSequence"/> to pack a padded batch.</summary>
    public PackedSequence(Tensor data, int[] batchSizes, int[]? sortedIndices = null, int[]? unsortedIndices = null)
    {
        if (batchSizes.Length == 0) throw new ArgumentException("PackedSequence needs at least one time step");
        for (int t = 0; t < batchSizes.Length; t++)
            if (batchSizes[t] <= 0 || (t > 0 && batchSizes[t] > batchSizes[t - 1]))
                throw new ArgumentException($"batch_sizes must be positive and non-increasing, got [{string.Join(", ", batchSizes)}]");
        if (data.Dim < 1 || data.Size(0) != batchSizes.Sum())
            throw new ArgumentException($"PackedSequence data has {(data.Dim < 1 ? 0 : data.Size(0))} rows but batch_sizes sum to {batchSizes.Sum()}");
        if (sortedIndices != null && sortedIndices.Length != batchSizes[0])
            throw new ArgumentException($"sorted_indices has {sortedIndices.Length} entries for a batch of {batchSizes[0]}");
        Data = data;
        BatchSizes = batchSizes;
        SortedIndices = sortedIndices;
        UnsortedIndices = unsortedIndices ?? (sortedIndices is null ? null : Invert(sortedIndices));
    }

    /// <summary>Number of sequences.</summary>
    public int BatchSize => BatchSizes[0];

    /// <summary>Each sequence's length, in the caller's original batch order.</summary>
    public int[] Lengths()
    {
        var lengths = new int[BatchSize];
        foreach (int bs in BatchSizes)
            for (int j = 0; j < bs; j++) lengths[SortedIndices?[j] ?? j]++;
        return lengths;
    }

    internal static int[] Invert(int[] perm)
    {
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inv[perm[i]] = i;
        return inv;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"PackedSequence(data={Shapes.Format(Data.Shape)}, batch_sizes=[{string.Join(", ", BatchSizes)}])";
}
