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
/// PyTorch names: <c>rnn.weight_ih_l0</c>…, <c>head.weight</c>, <c>head.bias</c>, <c>highway.weight</c>, <c>highway.bias</c>,
/// and with learned quantiles or the Gaussian head <c>quantile.weight</c>, <c>quantile.bias</c>.
/// </summary>
public sealed class ForecastNet : Module
{
    /// <summary>The recurrent encoder over the lookback window (batch first).</summary>
    public RnnBase Rnn { get; }

    /// <summary>Read-out from the encoder's last hidden state to the H corrections.</summary>
    public Linear Head { get; }

    /// <summary>Linear read-out straight from the window (the ridge-initialised highway).</summary>
    public Linear Highway { get; }

    /// <summary>
    /// Learned quantile outputs (<c>--intervals learned</c>), or null: Q·H raw values from the encoder's last hidden state,
    /// made monotone by <see cref="QuantileHeads.Monotone"/>. PyTorch names <c>quantile.weight</c> [Q·H, hidden], <c>quantile.bias</c>.
    /// With <see cref="Gaussian"/> (<c>--intervals gaussian</c>) it is the distribution head instead: H raw values s, σ = softplus(s)
    /// (<see cref="GaussianHead"/>), <c>quantile.weight</c> [H, hidden], <c>quantile.bias</c> [H].
    /// </summary>
    public Linear? Quantile { get; }

    /// <summary>The quantile levels of <see cref="Quantile"/>, increasing; empty without it.</summary>
    public double[] QuantileLevels { get; }

    /// <summary>Whether <see cref="Quantile"/> is the Gaussian distribution head (σ per step) rather than the pinball quantile heads.</summary>
    public bool Gaussian { get; }

    /// <summary>
    /// A network with both read-outs at zero: <paramref name="cell"/> is rnn, lstm or gru. With <paramref name="quantileLevels"/>
    /// (increasing) it also has the learned quantile head (<see cref="Quantile"/>), its weights at zero too: the pinball heads, or
    /// with <paramref name="gaussian"/> the distribution head.
    /// </summary>
    public ForecastNet(string cell, int inputSize, int hidden, int layers, int windowWidth, int horizon, Generator rng, double[]? quantileLevels = null,
        bool gaussian = false)
    {
        Rnn = RegisterModule("rnn", CellChoice.Create(cell, inputSize, hidden, layers, batchFirst: true, rng: rng));
        Head = RegisterModule("head", new Linear(hidden, horizon, rng: rng));
        Highway = RegisterModule("highway", new Linear(windowWidth, horizon, rng: rng));
        foreach (var p in new[] { Head.Weight, Head.Bias!, Highway.Weight, Highway.Bias! })
            p.CopyFrom(Tensor.Zeros(p.Shape));
        QuantileLevels = quantileLevels ?? [];
        if (QuantileLevels.Length > 0)
        {
            Gaussian = gaussian;
            // Drawn after the other modules, so a network without the head draws the same weights as before it existed.
            Quantile = RegisterModule("quantile", new Linear(hidden, HeadRows(QuantileLevels.Length, gaussian) * horizon, rng: rng));
            Quantile.Weight.CopyFrom(Tensor.Zeros(Quantile.Weight.Shape));
        }
    }

    /// <summary>x: [N, L, input], window: [N, W] (x[:, :, 0], then the known channels at the forecast steps) → correction [N, H].</summary>
    public Tensor Forward(Tensor x, Tensor window)
    {
        var (output, _) = Rnn.ForwardState(x);
        var last = output.Select(1, output.Size(1) - 1); // [N, hidden]
        return Head.Forward(last) + Highway.Forward(window);
    }

    /// <summary>
    /// x: [N, L, input], window: [N, W] → the correction [N, H] and, with the quantile head, the quantiles' corrections
    /// [N, Q, H] (increasing along Q). In training the point enters them detached (<paramref name="detachPoint"/>), so the pinball
    /// loss does not bend the point's head; an exporter traces with it off (the values are the same).
    /// </summary>
    public (Tensor Point, Tensor? Quantiles) ForwardQuantiles(Tensor x, Tensor window, bool detachPoint = true)
    {
        var (point, raw) = ForwardHeads(x, window);
        if (raw is null) return (point, null);
        var centre = detachPoint ? point.Detach() : point;
        if (Gaussian) return (point, GaussianHead.Quantiles(centre, GaussianHead.Sigma(raw), QuantileLevels));
        var levels = raw.Reshape(raw.Size(0), QuantileLevels.Length, point.Size(1)); // [N, Q, H]
        return (point, QuantileHeads.Monotone(levels, centre, QuantileHeads.MedianIndex(QuantileLevels)));
    }

    /// <summary>
    /// x: [N, L, input], window: [N, W] → the point correction [N, H] and the quantile head's raw outputs [N, rows·H]
    /// (<see cref="HeadRows"/>), null without the head: what the training loss reads.
    /// </summary>
    internal (Tensor Point, Tensor? Raw) ForwardHeads(Tensor x, Tensor window)
    {
        var (output, _) = Rnn.ForwardState(x);
        var last = output.Select(1, output.Size(1) - 1); // [N, hidden]
        var point = Head.Forward(last) + Highway.Forward(window);
        return (point, Quantile?.Forward(last));
    }

    /// <summary>Raw outputs per forecast step of the quantile head: one per level for the pinball heads, one (σ's) for the Gaussian head.</summary>
    public static int HeadRows(int quantileLevels, bool gaussian) => gaussian ? 1 : quantileLevels;

    /// <summary>
    /// The parameter shapes a model of these settings has, by PyTorch name, in state-dict order; computed
    /// without building one, so a model file can be checked before anything is allocated. <paramref name="headRows"/>: the quantile
    /// head's raw outputs per step (<see cref="HeadRows"/>), 0 without it.
    /// </summary>
    public static List<(string Name, int[] Shape)> ExpectedShapes(string cell, int inputSize, int hidden, int layers, int windowWidth, int horizon,
        int headRows = 0)
    {
        var shapes = RnnBase.ParameterShapes(CellChoice.Kind(cell), inputSize, hidden, layers).Select(e => ("rnn." + e.Name, e.Shape)).ToList();
        shapes.Add(("head.weight", [horizon, hidden]));
        shapes.Add(("head.bias", [horizon]));
        shapes.Add(("highway.weight", [horizon, windowWidth]));
        shapes.Add(("highway.bias", [horizon]));
        if (headRows > 0)
        {
            shapes.Add(("quantile.weight", [headRows * horizon, hidden]));
            shapes.Add(("quantile.bias", [headRows * horizon]));
        }
        return shapes;
    }

    /// <inheritdoc/>
    protected override string TypeName => "Forecaster";
}
