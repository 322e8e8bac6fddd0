namespace Recur.Text;

/// <summary>The sizes of a <see cref="CharLm"/>: embedding → LSTM(layers × hidden, batch_first) → linear head.</summary>
/// <param name="VocabSize">Characters (classes).</param>
/// <param name="EmbeddingDim">Width of each character's learned vector.</param>
/// <param name="HiddenSize">LSTM hidden size.</param>
/// <param name="NumLayers">Stacked LSTM layers.</param>
/// <param name="Dropout">Dropout between LSTM layers and before the head, in training only.</param>
public sealed record CharLmConfig(int VocabSize, int EmbeddingDim, int HiddenSize, int NumLayers, float Dropout = 0f)
{
    /// <summary>The largest embedding and hidden size, and layer count, a model file holds (<see cref="CharLmFile"/>).</summary>
    public const int MaxSize = 1 << 16, MaxLayers = 64;

    /// <summary>Checks every size.</summary>
    /// <exception cref="ArgumentException">A size is not positive or beyond what a model file holds, or dropout is outside [0, 1).</exception>
    public void Validate()
    {
        if (VocabSize < 1) throw new ArgumentException($"vocabulary size must be at least 1, got {VocabSize}");
        if (EmbeddingDim < 1 || EmbeddingDim > MaxSize) throw new ArgumentException($"--embedding must be in [1, {MaxSize}], got {EmbeddingDim}");
        if (HiddenSize < 1 || HiddenSize > MaxSize) throw new ArgumentException($"--hidden must be in [1, {MaxSize}], got {HiddenSize}");
        if (NumLayers < 1 || NumLayers > MaxLayers) throw new ArgumentException($"--layers must be in [1, {MaxLayers}], got {NumLayers}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"--dropout must be in [0, 1), got {Dropout}");
    }
}
