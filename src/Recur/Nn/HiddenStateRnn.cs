using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>A recurrent layer whose whole state is h: <see cref="Rnn"/> and <see cref="Gru"/> (an <see cref="Lstm"/> also carries c).</summary>
public abstract class HiddenStateRnn : RnnBase
{
    private protected HiddenStateRnn(CellKind cell, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        float dropout, bool bidirectional, Generator? rng)
        : base(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, rng) { }

    /// <summary>(output, h_n) for a padded input; <paramref name="h0"/> null means zeros.</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null)
    {
        var (o, h, _) = ForwardTensor(input, h0, null);
        return (o, h);
    }

    /// <summary>(packed output, h_n) for a packed batch.</summary>
    public (PackedSequence Output, Tensor HN) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (o, h, _) = ForwardPacked(input, h0, null);
        return (o, h);
    }
}
