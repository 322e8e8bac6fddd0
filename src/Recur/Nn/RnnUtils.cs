namespace Recur.Nn;

/// <summary>Packing and padding of variable-length batches, as <c>torch.nn.utils.rnn</c>.</summary>
public static class RnnUtils
{
    /// <summary>
    /// Packs a padded batch [T, B, *] ([B, T, *] if <paramref name="batchFirst"/>) whose sequence b has
    /// <paramref name="lengths"/>[b] real steps. Padded steps are dropped: they influence nothing and get zero gradient.
    /// With <paramref name="enforceSorted"/> the lengths must already be decreasing.
    /// </summary>
    public static PackedSequence PackPaddedSequence(Tensor input, IReadOnlyList<int> lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        if (input.Dim < 2) throw new ArgumentException($"pack_padded_sequence expects at least a 2-D input, got shape {Shapes.Format(input.Shape)}");
        var x = batchFirst ? input.Transpose(0, 1) : input; // [T, B, *]
        int T = x.Size(0), B = x.Size(1);
        if (lengths.Count != B)
            throw new ArgumentException($"Expected `len(lengths)` to be equal to batch_size, but got {lengths.Count} (batch_size={B})");
        for (int b = 0; b < B; b++)
        {
            if (lengths[b] <= 0)
                throw new ArgumentException($"Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0 (lengths[{b}] = {lengths[b]})");
            if (lengths[b] > T)
                throw new ArgumentException($"lengths[{b}] = {lengths[b]} is longer than the padded sequence: expected every length <= {T} (input shape {Shapes.Format(input.Shape)}, batch_first={Repr.Bool(batchFirst)})");
        }
        int[]? sorted = null;
        if (enforceSorted)
        {
            for (int b = 1; b < B; b++)
                if (lengths[b] > lengths[b - 1])
                    throw new ArgumentException(
                        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` " +
                        $"to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability. Got lengths [{string.Join(", ", lengths)}]");
        }
        else sorted = Enumerable.Range(0, B).OrderByDescending(b => lengths[b]).ToArray(); // stable
        var order = sorted ?? Enumerable.Range(0, B).ToArray();
        int maxLen = lengths[order[0]];
        var batchSizes = new int[maxLen];
        var source = new List<int>(); // row of x.View(T·B, *) for each packed row
        for (int t = 0; t < maxLen; t++)
            for (int j = 0; j < B && lengths[order[j]] > t; j++)
            {
                batchSizes[t]++;
                source.Add(t * B + order[j]);
            }
        var feature = x.Shape[2..];
        var flat = x.View(new[] { T * B }.Concat(feature).ToArray());
        return new PackedSequence(flat.IndexSelect(0, source.ToArray()), batchSizes, sorted);
    }

    /// <summary>
    /// Unpacks to a padded [T, B, *] tensor ([B, T, *] if <paramref name="batchFirst"/>) with T = the longest length,
    /// or <paramref name="totalLength"/>; padded places hold <paramref name="paddingValue"/>. Also returns the lengths in batch order.
    /// </summary>
    public static (Tensor Padded, int[] Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, float paddingValue = 0f,
        int? totalLength = null)
    {
        int maxLen = sequence.BatchSizes.Length, B = sequence.BatchSize;
        int T = totalLength ?? maxLen;
        if (T < maxLen)
            throw new ArgumentException(
                $"Expected total_length to be at least the length of the longest sequence in input, but got total_length={T} and max sequence length being {maxLen}");
        var data = sequence.Data;
        var feature = data.Shape[1..];
        int width = Shapes.Numel(feature);
        var target = new int[data.Size(0)]; // padded row of each packed row
        int row = 0;
        for (int t = 0; t < maxLen; t++)
            for (int j = 0; j < sequence.BatchSizes[t]; j++)
                target[row++] = t * B + (sequence.SortedIndices?[j] ?? j);
        var padded = ScatterRows(data.View(data.Size(0), width), target, T * B, paddingValue)
            .View(new[] { T, B }.Concat(feature).ToArray());
        if (batchFirst) padded = padded.Transpose(0, 1);
        return (padded, sequence.Lengths());
    }

    /// <summary>Stacks sequences [L_i, *] into [max L, B, *] ([B, max L, *] if batchFirst), padding with <paramref name="paddingValue"/>.</summary>
    public static Tensor PadSequence(IReadOnlyList<Tensor> sequences, bool batchFirst = false, float paddingValue = 0f)
    {
        if (sequences.Count == 0) throw new ArgumentException("pad_sequence expects a non-empty list of tensors");
        var feature = sequences[0].Shape[1..];
        foreach (var s in sequences)
            if (s.Dim < 1 || !Shapes.Equal(s.Shape[1..], feature))
                throw new ArgumentException($"pad_sequence: every sequence must be [L, {string.Join(", ", feature)}], got {Shapes.Format(s.Shape)}");
        int B = sequences.Count, T = sequences.Max(s => s.Size(0)), width = Shapes.Numel(feature);
        var parts = new List<Tensor>();
        var target = new List<int>();
        for (int b = 0; b < B; b++)
        {
            parts.Add(sequences[b].View(sequences[b].Size(0), width));
            for (int t = 0; t < sequences[b].Size(0); t++) target.Add(t * B + b);
        }
        var padded = ScatterRows(Tensor.Cat(parts, 0), target.ToArray(), T * B, paddingValue)
            .View(new[] { T, B }.Concat(feature).ToArray());
        return batchFirst ? padded.Transpose(0, 1) : padded;
    }

    /// <summary>Packs a list of sequences [L_i, *] (see <see cref="PackPaddedSequence"/>).</summary>
    public static PackedSequence PackSequence(IReadOnlyList<Tensor> sequences, bool enforceSorted = true) =>
        PackPaddedSequence(PadSequence(sequences), sequences.Select(s => s.Size(0)).ToArray(), false, enforceSorted);

    /// <summary>
    /// result[target[i]] = rows[i]; every other row is <paramref name="fill"/>.  d rows[i] = g[target[i]].
    /// rows: [n, w] → [count, w]
    /// </summary>
    private static Tensor ScatterRows(Tensor rows, int[] target, int count, float fill)
    {
        int w = rows.Size(1);
        var result = Tensor.Full(fill, count, w);
        var src = rows.ReadOnlySpan;
        for (int i = 0; i < target.Length; i++) src.Slice(i * w, w).CopyTo(result.Span.Slice(target[i] * w, w));
        return Tensor.Record(result, "PadPackedBackward0", new[] { rows }, g =>
        {
            var gr = Autograd.GradPool.Rent(rows.Numel);
            for (int i = 0; i < target.Length; i++) g.AsSpan(target[i] * w, w).CopyTo(gr.AsSpan(i * w));
            rows.AccumulateGrad(gr);
            Autograd.GradPool.Return(gr);
        });
    }
}
