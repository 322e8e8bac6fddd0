namespace Recur.Text;

/// <summary>The sizes of a <see cref="CharLm"/>: embedding → LSTM(layers × hidden, batch_first) → linear head.</summary>
/// <param name="VocabSize">Characters (classes).</param>
/// <param name="EmbeddingDim">Width of each character's learned vector.</param>
/// <param name="HiddenSize">LSTM hidden size.</param>
/// <param name="NumLayers">Stacked LSTM layers.</param>
/// <param name="Dropout">Dropout between LSTM layers and before the head, in training only.</param>
public sealed record CharLmConfig(int VocabSize, int EmbeddingDim, int HiddenSize, int NumLayers, float Dropout = 0f)
{
    /// <summary>Checks every size.</summary>
    /// <exception cref="ArgumentException">A size is not positive or dropout is outside [0, 1).</exception>
    public void Validate()
    {
        if (VocabSize < 1) throw new ArgumentException($"vocabulary size must be at least 1, got {VocabSize}");
        if (EmbeddingDim < 1) throw new ArgumentException($"--embedding must be at least 1, got {EmbeddingDim}");
        if (HiddenSize < 1) throw new ArgumentException($"--hidden must be at least 1, got {HiddenSize}");
        if (NumLayers < 1) throw new ArgumentException($"--layers must be at least 1, got {NumLayers}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"--dropout must be in [0, 1), got {Dropout}");
    }
}
