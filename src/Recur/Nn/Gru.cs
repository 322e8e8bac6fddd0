using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>
/// Gated recurrent unit, as <c>nn.GRU</c> (gate order r, z, n):
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r·(W_hn h + b_hn))    h' = (1 − z)·n + z·h
/// </code>
/// Note r multiplies the whole hidden term, b_hn included, after the matrix product (PyTorch's choice, which
/// makes b_in and b_hn not interchangeable).
/// </summary>
public sealed class Gru : HiddenStateRnn
{
    /// <summary>PyTorch's <c>nn.GRU</c>, with the same arguments and parameter names.</summary>
    public Gru(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, Generator? rng = null)
        : base(CellKind.Gru, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, rng) { }

    /// <inheritdoc/>
    protected override string TypeName => "GRU";
}
