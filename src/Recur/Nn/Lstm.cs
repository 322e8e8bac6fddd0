using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>
/// Long short-term memory, as <c>nn.LSTM</c> (gate order i, f, g, o):
/// <code>
/// i = σ(W_ii x + b_ii + W_hi h + b_hi)   f = σ(…)   g = tanh(…)   o = σ(…)
/// c' = f·c + i·g        h' = o·tanh(c')      (h' = W_hr·(o·tanh c') with proj_size > 0)
/// </code>
/// The cell state c carries gradients across many steps through the additive update, which is how the LSTM
/// answers the vanishing gradients of the plain RNN.
/// </summary>
public sealed class Lstm : RnnBase
{
    /// <summary>PyTorch's <c>nn.LSTM</c>, with the same arguments (including <c>proj_size</c>) and parameter names.</summary>
    public Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, int projSize = 0, Generator? rng = null)
        : base(CellKind.Lstm, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, rng) { }

    /// <summary>(output, (h_n, c_n)) for a padded input; <paramref name="state"/> is (h0, c0), null for zeros.</summary>
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state = null)
    {
        var (o, h, c) = ForwardTensor(input, state?.H0, state?.C0);
        return (o, (h, c!));
    }

    /// <summary>(packed output, (h_n, c_n)) for a packed batch.</summary>
    public (PackedSequence Output, (Tensor HN, Tensor CN) State) Forward(PackedSequence input, (Tensor H0, Tensor C0)? state = null)
    {
        var (o, h, c) = ForwardPacked(input, state?.H0, state?.C0);
        return (o, (h, c!));
    }

    /// <inheritdoc/>
    protected override string TypeName => "LSTM";
}
