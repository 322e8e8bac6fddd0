

namespace Recur.Nn;

/// <summary>The <c>--cell rnn|lstm|gru</c> choice, and the layer it builds.</summary>
public static class CellChoice
{
    /// <summary>The accepted cell names.</summary>
    public static readonly string[] Names = { "rnn", "lstm", "gru" };

    /// <summary>The cell kind of <paramref name="cell"/> (case-insensitive; <c>rnn</c> is tanh); throws <see cref="ArgumentException"/> on another name.</summary>
    public static Recurrent.CellKind Kind(string cell) => cell.ToLowerInvariant() switch
    {
        "rnn" => Recurrent.CellKind.RnnTanh,
        "lstm" => Recurrent.CellKind.Lstm,
        "gru" => Recurrent.CellKind.Gru,
        _ => throw new ArgumentException($"unknown cell '{cell}': expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>A new <see cref="Rnn"/>, <see cref="Lstm"/> or <see cref="Gru"/> for <paramref name="cell"/> (case-insensitive); throws <see cref="ArgumentException"/> on another name.</summary>
    public static RnnBase Create(string cell, int inputSize, int hiddenSize, int numLayers = 1, bool batchFirst = true,
        float dropout = 0f, Generator? rng = null) => cell.ToLowerInvariant() switch
    {
        "rnn" => new Rnn(inputSize, hiddenSize, numLayers, batchFirst: batchFirst, dropout: dropout, rng: rng),
        "lstm" => new Lstm(inputSize, hiddenSize, numLayers, batchFirst: batchFirst, dropout: dropout, rng: rng),
        "gru" => new Gru(inputSize, hiddenSize, numLayers, batchFirst: batchFirst, dropout: dropout, rng: rng),
        _ => throw new ArgumentException($"unknown cell '{cell}': expected one of {string.Join(", ", Names)}"),
    };
}
