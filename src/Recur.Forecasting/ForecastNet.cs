using Recur.Nn;

namespace Recur.Forecasting;

/// <summary>
/// A direct multi-step forecaster: a recurrent encoder read out at its last step, plus a linear
/// "highway" from the target's window straight to the outputs (LSTNet's autoregressive component,
/// which keeps the model's scale honest when the level drifts).
/// <code>
/// x: [N, L, input]  (channel 0: the target relative to its last observed value, scaled)
/// out, _ = rnn(x)                                   [N, L, hidden]
/// correction = head(out[:, -1]) + highway(x[:, :, 0])   [N, H]
/// </code>
/// The correction is added to the anchor (persistence or seasonal naive) outside the module.
/// Both read-outs start at zero, so before training the model forecasts exactly its anchor.
/// PyTorch names: <c>rnn.weight_ih_l0</c>…, <c>head.weight</c>, <c>head.bias</c>, <c>highway.weight</c>, <c>highway.bias</c>.
/// </summary>
public sealed class ForecastNet : Module
{
    /// <summary>The recurrent encoder (<c>rnn.*</c>), batch-first.</summary>
    public RnnBase Rnn { get; }

    /// <summary>The read-out of the encoder's last step (<c>head.*</c>), [H, hidden].</summary>
    public Linear Head { get; }

    /// <summary>The linear highway from the window and the known channels' future values (<c>highway.*</c>), [H, W].</summary>
    public Linear Highway { get; }

    /// <summary>A network for <paramref name="inputSize"/> channels per step, a highway of <paramref name="windowWidth"/> inputs and <paramref name="horizon"/> outputs; both read-outs start at zero.</summary>
    public ForecastNet(string cell, int inputSize, int hidden, int layers, int windowWidth, int horizon, Generator rng)
    {
        Rnn = RegisterModule("rnn", CellChoice.Create(cell, inputSize, hidden, layers, batchFirst: true, rng: rng));
        Head = RegisterModule("head", new Linear(hidden, horizon, rng: rng));
        Highway = RegisterModule("highway", new Linear(windowWidth, horizon, rng: rng));
        foreach (var p in new[] { Head.Weight, Head.Bias!, Highway.Weight, Highway.Bias! })
            p.CopyFrom(Tensor.Zeros(p.Shape));
    }

    /// <summary>x: [N, L, input], window: [N, W] (x[:, :, 0], then the known channels at the forecast steps) → correction [N, H].</summary>
    public Tensor Forward(Tensor x, Tensor window)
    {
        var (output, _) = Rnn.ForwardState(x);
        var last = output.Select(1, output.Size(1) - 1); // [N, hidden]
        return Head.Forward(last) + Highway.Forward(window);
    }

    /// <summary>
    /// The parameter shapes a model of these settings has, by PyTorch name, in state-dict order; computed
    /// without building one, so a model file can be checked before anything is allocated.
    /// </summary>
    public static List<(string Name, int[] Shape)> ExpectedShapes(string cell, int inputSize, int hidden, int layers, int windowWidth, int horizon)
    {
        int gates = cell.ToLowerInvariant() switch
        {
            "lstm" => 4,
            "gru" => 3,
            "rnn" => 1,
            _ => throw new ArgumentException($"unknown cell '{cell}': expected one of {string.Join(", ", CellChoice.Names)}"),
        };
        var shapes = new List<(string, int[])>();
        for (int k = 0; k < layers; k++)
        {
            shapes.Add(($"rnn.weight_ih_l{k}", [gates * hidden, k == 0 ? inputSize : hidden]));
            shapes.Add(($"rnn.weight_hh_l{k}", [gates * hidden, hidden]));
            shapes.Add(($"rnn.bias_ih_l{k}", [gates * hidden]));
            shapes.Add(($"rnn.bias_hh_l{k}", [gates * hidden]));
        }
        shapes.Add(("head.weight", [horizon, hidden]));
        shapes.Add(("head.bias", [horizon]));
        shapes.Add(("highway.weight", [horizon, windowWidth]));
        shapes.Add(("highway.bias", [horizon]));
        return shapes;
    }

    /// <summary>The name printed for the module.</summary>
    protected override string TypeName => "Forecaster";
}
