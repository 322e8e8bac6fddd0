namespace Recur.Nn;

/// <summary>
/// A module whose forward takes one tensor and returns one (Linear, Dropout, activations, Sequential):
/// what <see cref="Sequential.Forward"/> can chain.
/// </summary>
public interface ITensorModule
{
    /// <summary>Runs the module on <paramref name="input"/>.</summary>
    Tensor Forward(Tensor input);
}
