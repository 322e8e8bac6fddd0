namespace Recur.Nn.Recurrent;

/// <summary>The parameters of one direction of one layer (biases and projection optional).</summary>
internal sealed record DirectionWeights(Tensor WeightIh, Tensor WeightHh, Tensor? BiasIh, Tensor? BiasHh, Tensor? WeightHr)
{
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
