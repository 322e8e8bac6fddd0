namespace Recur.Nn;

/// <summary>tanh as a module (<c>nn.Tanh</c>), for <see cref="Sequential"/>.</summary>
public sealed class Tanh : Module, ITensorModule
{
    /// <summary>tanh(x) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>max(x, 0) as a module (<c>nn.ReLU</c>), for <see cref="Sequential"/>.</summary>
public sealed class Relu : Module, ITensorModule
{
    /// <summary>max(x, 0) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Relu();

    /// <inheritdoc />
    protected override string TypeName => "ReLU";
}

/// <summary>σ(x) as a module (<c>nn.Sigmoid</c>), for <see cref="Sequential"/>.</summary>
public sealed class Sigmoid : Module, ITensorModule
{
    /// <summary>1 / (1 + e^−x) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Sigmoid();
}
