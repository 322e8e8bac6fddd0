namespace Recur.Cli.Bench;

/// <summary>
/// The one place the char-LM benchmark's sizes live: Embedding(Vocab → Embed) + LSTM(Embed → Hidden, Layers,
/// batch_first) + Linear(Hidden → Vocab), trained on [Batch, Seq] token windows. The other sides of
/// <c>recur bench --compare</c> are handed them on their command line (<see cref="Argument"/>).
/// </summary>
internal sealed record CharLmSizes(int Vocab, int Embed, int Hidden, int Layers, int Seq, int Batch)
{
    /// <summary>
    /// The sizes <c>recur charlm train</c> uses by default (<see cref="Recur.Text.CharLmTrainOptions"/>, the one place
    /// they are set) on tinyshakespeare's 65 characters.
    /// </summary>
    public static CharLmSizes Default { get; } = FromOptions(new Recur.Text.CharLmTrainOptions(), vocab: 65);

    /// <summary>The benchmark sizes of a char-LM training configuration.</summary>
    public static CharLmSizes FromOptions(Recur.Text.CharLmTrainOptions o, int vocab) =>
        new(vocab, o.EmbeddingDim, o.HiddenSize, o.NumLayers, o.SeqLen, o.BatchSize);

    /// <summary>"vocab,embed,hidden,layers,seq,batch", as the PyTorch and libtorch sides read it.</summary>
    public string Argument => $"{Vocab},{Embed},{Hidden},{Layers},{Seq},{Batch}";

    /// <summary>Matrix-product flops of one training forward: the LSTM and the head (the embedding is a lookup).</summary>
    public double ForwardFlops => Workload.RnnFlops(4, Embed, Hidden, Layers, Seq, Batch) + 2.0 * Seq * Batch * Hidden * Vocab;

    /// <summary>Matrix-product flops of one sampled token (batch 1, one step).</summary>
    public double SampleFlops => Workload.RnnFlops(4, Embed, Hidden, Layers, 1, 1) + 2.0 * Hidden * Vocab;
}
