namespace Recur.Nn;

/// <summary>
/// A lookup table of learned vectors, as <c>nn.Embedding</c>. weight: [num, dim] ~ N(0, 1), the
/// <see cref="PaddingIdx"/> row zeroed at initialisation and never updated by gradients.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Size of the vocabulary.</summary>
    public int NumEmbeddings { get; }
    /// <summary>Size of each embedding vector.</summary>
    public int EmbeddingDim { get; }
    /// <summary>Index whose row stays zero and gets no gradient (<c>padding_idx</c>), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>The table, [NumEmbeddings, EmbeddingDim], initialised from N(0, 1).</summary>
    public Tensor Weight { get; }

    /// <summary>PyTorch's <c>nn.Embedding(num_embeddings, embedding_dim, padding_idx)</c>.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? rng = null)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"Embedding: num_embeddings and embedding_dim must be positive, got {numEmbeddings} and {embeddingDim}");
        LayerLimits.Check($"Embedding({numEmbeddings}, {embeddingDim})", (double)numEmbeddings * embeddingDim);
        if (paddingIdx is int p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentException($"Padding_idx must be within num_embeddings: expected {-numEmbeddings} <= padding_idx < {numEmbeddings}, got {p}");
            paddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx;
        Weight = RegisterParameter("weight", Tensor.Randn(rng ?? Generator.Default, numEmbeddings, embeddingDim));
        if (paddingIdx is int row) Weight.Span.Slice(row * embeddingDim, embeddingDim).Clear();
    }

    /// <summary>indices: [...] → [..., dim]</summary>
    public Tensor Forward(IndexTensor indices) => Functional.Embedding(indices, Weight, PaddingIdx);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
