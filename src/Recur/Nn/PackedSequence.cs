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

    /// <summary>
    /// A packed batch from its parts, checked: <paramref name="batchSizes"/> positive and non-increasing and summing to
    /// the rows of <paramref name="data"/>; <paramref name="sortedIndices"/> a permutation of the batch;
    /// <paramref name="unsortedIndices"/> its inverse (computed when null). A hand-built batch that breaks these would
    /// drop or misplace sequences silently, so it is refused here.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="batchSizes"/> is null.</exception>
    /// <exception cref="ArgumentException">Any rule above is broken; the message names the value.</exception>
    public PackedSequence(Tensor data, int[] batchSizes, int[]? sortedIndices = null, int[]? unsortedIndices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(batchSizes);
        if (batchSizes.Length == 0) throw new ArgumentException("PackedSequence needs at least one time step");
        long rows = 0;
        for (int t = 0; t < batchSizes.Length; t++)
        {
            if (batchSizes[t] <= 0 || (t > 0 && batchSizes[t] > batchSizes[t - 1]))
                throw new ArgumentException($"batch_sizes must be positive and non-increasing, got {BoundedText.List(batchSizes)} (at step {t}: {batchSizes[t]})");
            rows += batchSizes[t]; // at most 2^31 steps of < 2^31: no overflow in a long
        }
        if (data.Dim < 1 || data.Size(0) != rows)
            throw new ArgumentException($"PackedSequence data has {(data.Dim < 1 ? 0 : data.Size(0))} rows but batch_sizes sum to {rows}");
        int batch = batchSizes[0];
        if (sortedIndices != null)
            CheckPermutation(sortedIndices, batch, "sorted_indices");
        if (unsortedIndices != null)
        {
            if (sortedIndices is null)
                throw new ArgumentException("unsorted_indices given without sorted_indices");
            CheckPermutation(unsortedIndices, batch, "unsorted_indices");
            for (int i = 0; i < batch; i++)
                if (unsortedIndices[sortedIndices[i]] != i)
                    throw new ArgumentException(
                        $"unsorted_indices {BoundedText.List(unsortedIndices)} is not the inverse of sorted_indices {BoundedText.List(sortedIndices)}");
        }
        Data = data;
        BatchSizes = batchSizes;
        SortedIndices = sortedIndices;
        UnsortedIndices = unsortedIndices ?? (sortedIndices is null ? null : Invert(sortedIndices));
    }

    // Every index in [0, batch) exactly once.
    private static void CheckPermutation(int[] indices, int batch, string what)
    {
        if (indices.Length != batch)
            throw new ArgumentException($"{what} has {indices.Length} entries for a batch of {batch}");
        var seen = new bool[batch];
        foreach (int i in indices)
        {
            if (i < 0 || i >= batch)
                throw new ArgumentException($"{what} {BoundedText.List(indices)} has {i}, outside [0, {batch})");
            if (seen[i])
                throw new ArgumentException($"{what} {BoundedText.List(indices)} has {i} twice: it must be a permutation of 0..{batch - 1}");
            seen[i] = true;
        }
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
        $"PackedSequence(data={Shapes.Format(Data.Shape)}, batch_sizes={BoundedText.List(BatchSizes)})";
}
