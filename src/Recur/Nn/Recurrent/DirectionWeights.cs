namespace Recur.Nn.Recurrent;

/// <summary>The parameters of one direction of one layer (biases and projection optional).</summary>
internal sealed record DirectionWeights(Tensor WeightIh, Tensor WeightHh, Tensor? BiasIh, Tensor? BiasHh, Tensor? WeightHr)
{
    /// <summary>
    /// One direction's parameters in PyTorch's state_dict order — weight_ih, weight_hh, bias_ih, bias_hh, weight_hr —
    /// each built by <paramref name="make"/>(name, shape), which registers it under that name plus the module's suffix.
    /// weight_ih: [G·H, input], weight_hh: [G·H, H_out], biases: [G·H], weight_hr: [proj, H].
    /// </summary>
    public static DirectionWeights Create(Func<string, int[], Tensor> make, CellKind cell, int input, int hidden, bool bias, int proj)
    {
        int gh = cell.GateCount() * hidden, hOut = proj > 0 ? proj : hidden;
        var wih = make("weight_ih", new[] { gh, input });
        var whh = make("weight_hh", new[] { gh, hOut });
        var bih = bias ? make("bias_ih", new[] { gh }) : null;
        var bhh = bias ? make("bias_hh", new[] { gh }) : null;
        var whr = proj > 0 ? make("weight_hr", new[] { proj, hidden }) : null;
        return new DirectionWeights(wih, whh, bih, bhh, whr);
    }

    public IEnumerable<Tensor> All
    {
        get
        {
            yield return WeightIh;
            yield return WeightHh;
            if (BiasIh != null) yield return BiasIh;
            if (BiasHh != null) yield return BiasHh;
            if (WeightHr != null) yield return WeightHr;
        }
    }
}
