namespace Recur.Nn;

/// <summary>
/// The carried state of any recurrent layer: h (and c for an LSTM), in the h0 layout
/// [num_layers·D, N, H_out]. Lets one training or generation loop drive RNN, LSTM and GRU alike.
/// </summary>
public sealed record RnnState(Tensor H, Tensor? C = null)
{
    /// <summary>The same values cut from the graph: truncated BPTT between chunks, as the seed's <c>hidden_prev.detach()</c>.</summary>
    public RnnState Detach() => new(H.Detach(), C?.Detach());

    /// <summary>Zeros for a layer's state with batch <paramref name="batch"/>.</summary>
    public static RnnState Zeros(RnnBase layer, int batch)
    {
        int rows = layer.NumLayers * layer.NumDirections;
        return new RnnState(Tensor.Zeros(rows, batch, layer.OutputHiddenSize),
            layer is Lstm ? Tensor.Zeros(rows, batch, layer.HiddenSize) : null);
    }
}
