namespace Recur.Text;

/// <summary>
/// Truncated back-propagation through time over one long text: the training characters are cut into
/// <see cref="Batch"/> contiguous streams, and step k of an epoch gives each stream's k-th chunk of <see cref="SeqLen"/>
/// characters (inputs) and the same chunk shifted by one (targets). Consecutive steps continue every stream, so the
/// trainer carries the LSTM state from one step to the next — the model learns to use context longer than one chunk,
/// as the one-stream validation needs. Each epoch starts the streams at a new random offset in [0, seq-len).
/// </summary>
public sealed class TbpttBatches
{
    private readonly int[] _data;

    /// <summary>Streams (the batch size).</summary>
    public int Batch { get; }

    /// <summary>Characters per chunk.</summary>
    public int SeqLen { get; }

    /// <summary>Epoch being served.</summary>
    public int Epoch { get; private set; }

    /// <summary>Position of the next chunk within the epoch.</summary>
    public int StepInEpoch { get; private set; }

    /// <summary>Where the streams of this epoch start.</summary>
    public int Offset { get; private set; }

    private int _streamLength, _stepsPerEpoch;

    /// <summary>Batches over <paramref name="data"/>; the batch shrinks to the number of whole chunks the text holds.</summary>
    /// <exception cref="ArgumentException">Not enough characters for one chunk of <paramref name="seqLen"/> + 1.</exception>
    public TbpttBatches(int[] data, int batch, int seqLen)
    {
        if (seqLen < 1) throw new ArgumentException($"seq-len must be at least 1, got {seqLen}");
        if (batch < 1) throw new ArgumentException($"batch-size must be at least 1, got {batch}");
        if (data.Length < seqLen + 1)
            throw new ArgumentException($"the training text has {data.Length} characters, fewer than seq-len + 1 = {seqLen + 1}");
        _data = data;
        SeqLen = seqLen;
        Batch = Math.Min(batch, (data.Length - 1) / seqLen);
    }

    /// <summary>True when the next <see cref="Next"/> begins a new epoch (the caller resets the carried state).</summary>
    public bool AtEpochStart => StepInEpoch == 0;

    /// <summary>Steps in the current epoch.</summary>
    public int StepsPerEpoch => _stepsPerEpoch;

    /// <summary>
    /// The next batch: inputs and targets, each [batch, seq-len] row-major. At an epoch start the offset is drawn
    /// from <paramref name="rng"/>.
    /// </summary>
    public (long[] Inputs, long[] Targets) Next(Generator rng)
    {
        if (StepInEpoch == 0) StartEpoch(rng.NextInt(SeqLen));
        var x = new long[Batch * SeqLen];
        var y = new long[Batch * SeqLen];
        for (int b = 0; b < Batch; b++)
        {
            int start = Offset + b * _streamLength + StepInEpoch * SeqLen;
            for (int t = 0; t < SeqLen; t++)
            {
                x[b * SeqLen + t] = _data[start + t];
                y[b * SeqLen + t] = _data[start + t + 1];
            }
        }
        if (++StepInEpoch == _stepsPerEpoch)
        {
            StepInEpoch = 0;
            Epoch++;
        }
        return (x, y);
    }

    /// <summary>Restores a position saved from <see cref="Epoch"/>, <see cref="StepInEpoch"/> and <see cref="Offset"/>.</summary>
    public void Restore(int epoch, int stepInEpoch, int offset)
    {
        Epoch = epoch;
        if (stepInEpoch > 0) StartEpoch(offset);
        StepInEpoch = stepInEpoch;
        if (stepInEpoch < 0 || (stepInEpoch > 0 && stepInEpoch >= _stepsPerEpoch))
            throw new ArgumentException($"step {stepInEpoch} is outside the epoch of {_stepsPerEpoch} steps");
    }

    private void StartEpoch(int offset)
    {
        // If the offset leaves too little text, fall back to 0 so every stream holds at least one chunk.
        if ((_data.Length - 1 - offset) / Batch < SeqLen) offset = 0;
        Offset = offset;
        _streamLength = (_data.Length - 1 - offset) / Batch;
        _stepsPerEpoch = _streamLength / SeqLen;
    }
}
