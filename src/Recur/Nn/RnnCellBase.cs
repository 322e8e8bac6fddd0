using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>
/// One time step of a recurrent cell, as PyTorch's <c>RNNCellBase</c>, for hand-written loops (like the seed's
/// generation, which feeds each prediction back in). It runs the same fused kernels as the layers, with T = 1.
///   input [N, input_size] or [input_size];  hx [N, hidden_size] or [hidden_size]
/// </summary>
public abstract class RnnCellBase : Module
{
    /// <summary>Features of the input (<c>input_size</c>).</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; }
    /// <summary>Whether the cell has b_ih and b_hh (<c>bias</c>).</summary>
    public bool Bias { get; }
    internal CellKind Cell { get; }
    private readonly DirectionWeights[] _weights;

    private protected RnnCellBase(CellKind cell, int inputSize, int hiddenSize, bool bias, Generator? rng)
    {
        if (inputSize <= 0) throw new ArgumentException($"input_size must be greater than zero, got {inputSize}");
        if (hiddenSize <= 0) throw new ArgumentException($"hidden_size must be greater than zero, got {hiddenSize}");
        LayerLimits.Check($"{GetType().Name}({inputSize}, {hiddenSize})", RnnBase.ParameterCount(cell, inputSize, hiddenSize, 1, bias, false, 0));
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Bias = bias;
        rng ??= Generator.Default;
        float k = 1f / MathF.Sqrt(hiddenSize);
        _weights = new[]
        {
            DirectionWeights.Create((name, shape) => RegisterParameter(name, Tensor.Uniform(rng, -k, k, shape)), cell, inputSize, hiddenSize, bias, 0),
        };
    }

    /// <summary>One step: (h', c') with c' null unless LSTM. hx / cx null mean zeros.</summary>
    private protected (Tensor H, Tensor? C) Step(Tensor input, Tensor? hx, Tensor? cx)
    {
        if (input.Dim != 1 && input.Dim != 2)
            throw new ArgumentException($"{TypeName}: Expected input to be 1D or 2D, got {input.Dim}D instead");
        bool batched = input.Dim == 2;
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"input has inconsistent input_size: got {input.Size(-1)} expected {InputSize}");
        var x = batched ? input : input.Unsqueeze(0);
        int n = x.Size(0);
        hx = Prepare(hx, batched, n, "hidden0");
        cx = Prepare(cx, batched, n, "hidden1");
        var (h, _, c) = RecurrentLayer.Forward(Cell, x, new[] { n }, hx, cx, _weights, HiddenSize);
        if (c != null) c = c.Squeeze(0);
        return batched ? (h, c) : (h.Squeeze(0), c?.Squeeze(0));
    }

    /// <summary>Checks hx and returns it as the [1, N, H] state the layer kernel takes.</summary>
    private Tensor? Prepare(Tensor? hx, bool batched, int n, string name)
    {
        if (hx is null) return null;
        if (hx.Dim != (batched ? 2 : 1))
            throw new ArgumentException($"{TypeName}: Expected {name} to be {(batched ? 2 : 1)}D, got {hx.Dim}D instead");
        var h = batched ? hx : hx.Unsqueeze(0);
        if (h.Size(1) != HiddenSize)
            throw new ArgumentException($"{name} has inconsistent hidden_size: got {h.Size(1)}, expected {HiddenSize}");
        if (h.Size(0) != n)
            throw new ArgumentException($"Input batch size {n} doesn't match {name} batch size {h.Size(0)}");
        return h.Unsqueeze(0);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" + (Bias ? "" : ", bias=False") + (Cell == CellKind.RnnRelu ? ", nonlinearity=relu" : "");
}
