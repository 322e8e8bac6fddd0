namespace Recur.Nn;

/// <summary>max(x, 0) as a module (<c>nn.ReLU</c>), for <see cref="Sequential"/>.</summary>
public sealed class Relu : Module, ITensorModule
{
    /// <summary>max(x, 0) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Relu();

    /// <inheritdoc />
    protected override string TypeName => "ReLU";
}
