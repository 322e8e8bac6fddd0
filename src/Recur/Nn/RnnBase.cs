using Recur.Autograd;
using System.Text;
using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>
/// What <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> share, as PyTorch's <c>RNNBase</c>:
/// arguments, parameters named <c>weight_ih_l{k}[_reverse]</c> …, shape checks, layouts and stacking.
/// </summary>
/// <remarks>
/// Shapes (D = 2 if bidirectional else 1, H_out = proj_size or hidden_size):
///   input  [T, N, input_size] ([N, T, input_size] if batch_first; [T, input_size] unbatched) or a <see cref="PackedSequence"/>
///   h0     [num_layers·D, N, H_out]   (index layer·D + direction; [num_layers·D, H_out] unbatched)
///   output [T, N, D·H_out]            (last layer's [forward | reverse] states at every step)
///   h_n    like h0: every layer's final state
/// </remarks>
public abstract class RnnBase : Module
{
    /// <summary>Features of each input step (<c>input_size</c>).</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; }
    /// <summary>Number of stacked layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; }
    /// <summary>Whether the layers have b_ih and b_hh (<c>bias</c>).</summary>
    public bool Bias { get; }
    /// <summary>True when input and output are [batch, seq, feature] instead of [seq, batch, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last, in training mode (<c>dropout</c>).</summary>
    public float DropoutP { get; }
    /// <summary>True for a bidirectional stack (<c>bidirectional</c>).</summary>
    public bool Bidirectional { get; }
    /// <summary>Size of the LSTM's projected h, or 0 without projection (<c>proj_size</c>).</summary>
    public int ProjSize { get; }
    internal CellKind Cell { get; }

    private readonly DirectionWeights[][] _weights; // [layer][direction]
    private readonly Generator? _rng;

    /// <summary>2 if bidirectional, else 1.</summary>
    public int NumDirections => Bidirectional ? 2 : 1;

    /// <summary>The width of h: proj_size if set, else hidden_size.</summary>
    public int OutputHiddenSize => ProjSize > 0 ? ProjSize : HiddenSize;

    private protected RnnBase(CellKind cell, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        float dropout, bool bidirectional, int projSize, Generator? rng)
    {
        if (inputSize <= 0) throw new ArgumentException($"input_size must be greater than zero, got {inputSize}");
        if (hiddenSize <= 0) throw new ArgumentException($"hidden_size must be greater than zero, got {hiddenSize}");
        if (numLayers <= 0) throw new ArgumentException($"num_layers must be greater than zero, got {numLayers}");
        if (dropout < 0 || dropout > 1 || float.IsNaN(dropout))
            throw new ArgumentException($"dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got {dropout}");
        if (projSize < 0) throw new ArgumentException($"proj_size should be a positive integer or zero to disable projections, got {projSize}");
        if (projSize > 0 && cell != CellKind.Lstm) throw new ArgumentException("proj_size argument is only supported for LSTM, not RNN or GRU");
        if (projSize >= hiddenSize && projSize > 0)
            throw new ArgumentException($"proj_size has to be smaller than hidden_size, got proj_size={projSize} and hidden_size={hiddenSize}");
        if (dropout > 0 && numLayers == 1)
            Warnings.Warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects " +
                          $"num_layers greater than 1, but got dropout={Repr.Float(dropout)} and num_layers={numLayers}");

        LayerLimits.Check($"{GetType().Name}({inputSize}, {hiddenSize}{(numLayers > 1 ? $", num_layers={numLayers}" : "")}{(bidirectional ? ", bidirectional=True" : "")}{(projSize > 0 ? $", proj_size={projSize}" : "")})",
            ParameterCount(cell, inputSize, hiddenSize, numLayers, bias, bidirectional, projSize));
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bias = bias;
        BatchFirst = batchFirst;
        DropoutP = dropout;
        Bidirectional = bidirectional;
        ProjSize = projSize;
        _rng = rng;

        // Registration order is PyTorch's state_dict order; every tensor ~ U(−1/√hidden, 1/√hidden).
        rng ??= Generator.Default;
        float k = 1f / MathF.Sqrt(hiddenSize);
        _weights = CreateWeights(cell, inputSize, hiddenSize, numLayers, bias, bidirectional, projSize,
            (name, shape) => RegisterParameter(name, Tensor.Uniform(rng, -k, k, shape)));
    }

    // Every layer's and direction's parameters in state_dict order, each made by make(full name, shape).
    private static DirectionWeights[][] CreateWeights(CellKind cell, int inputSize, int hiddenSize, int numLayers, bool bias, bool bidirectional,
        int projSize, Func<string, int[], Tensor> make)
    {
        int directions = bidirectional ? 2 : 1, hOut = projSize > 0 ? projSize : hiddenSize;
        var weights = new DirectionWeights[numLayers][];
        for (int layer = 0; layer < numLayers; layer++)
        {
            weights[layer] = new DirectionWeights[directions];
            int layerInput = layer == 0 ? inputSize : hOut * directions;
            for (int d = 0; d < directions; d++)
            {
                string sfx = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                weights[layer][d] = DirectionWeights.Create((name, shape) => make(name + sfx, shape), cell, layerInput, hiddenSize, bias, projSize);
            }
        }
        return weights;
    }

    /// <summary>
    /// The state_dict entries a stack of these sizes registers, in order, without building it (no memory for the weights):
    /// PyTorch's names — <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, <c>weight_hr_l0</c>, each
    /// layer's <c>_reverse</c> twin — and shapes ([G·H, input], [G·H, H_out], [G·H], [G·H], [proj, H]). For checking a file's
    /// tensors before allocating a module, so a hostile size in a header costs nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1 (projection below 0), or G·H beyond int range.</exception>
    public static IReadOnlyList<(string Name, int[] Shape)> ParameterShapes(CellKind cell, int inputSize, int hiddenSize, int numLayers = 1,
        bool bias = true, bool bidirectional = false, int projSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(projSize);
        if ((long)cell.GateCount() * hiddenSize > int.MaxValue || 2L * (projSize > 0 ? projSize : hiddenSize) > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "gates × hidden_size is beyond int range");
        var shapes = new List<(string, int[])>();
        CreateWeights(cell, inputSize, hiddenSize, numLayers, bias, bidirectional, projSize, (name, shape) =>
        {
            shapes.Add((name, shape));
            return null!; // only the names and shapes are wanted
        });
        return shapes;
    }

    /// <summary>How many float32 parameters such a stack has (in floating point: the count of a hostile size must not wrap).</summary>
    internal static double ParameterCount(CellKind cell, int inputSize, int hiddenSize, int numLayers, bool bias, bool bidirectional, int projSize)
    {
        double gates = cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 } * (double)hiddenSize;
        double hOut = projSize > 0 ? projSize : hiddenSize, directions = bidirectional ? 2 : 1, total = 0;
        for (int layer = 0; layer < Math.Min(numLayers, 2); layer++) // layers ≥ 1 all have the same size
        {
            double input = layer == 0 ? inputSize : hOut * directions;
            double one = gates * (input + hOut) + (bias ? 2 * gates : 0) + (projSize > 0 ? hOut * hiddenSize : 0);
            total += directions * one * (layer == 0 ? 1 : numLayers - 1);
        }
        return total;
    }

    /// <summary>Layer <paramref name="layer"/>'s weights, forward direction first.</summary>
    internal DirectionWeights[] LayerWeights(int layer) => _weights[layer];

    /// <summary>The parameter called <paramref name="name"/> (e.g. <c>weight_hh_l1_reverse</c>).</summary>
    public Tensor Parameter(string name) =>
        NamedParameters().FirstOrDefault(p => p.Name == name).Parameter
        ?? throw new ArgumentException($"{TypeName} has no parameter '{name}'; it has: {string.Join(", ", NamedParameters().Select(p => p.Name))}");

    /// <summary>
    /// Forward for any cell with its state as one value: (output, new state). <paramref name="state"/> null means zeros.
    /// </summary>
    public (Tensor Output, RnnState State) ForwardState(Tensor input, RnnState? state = null)
    {
        if (state?.C != null && Cell != CellKind.Lstm) throw new ArgumentException($"{TypeName} has no cell state, but the state carries one");
        var (o, h, c) = ForwardTensor(input, state?.H, Cell == CellKind.Lstm ? state?.C : null);
        return (o, new RnnState(h, c));
    }

    /// <summary>batch_first without transposed copies around the stack (settable for the parity tests).</summary>
    internal static bool NativeBatchFirst = true;

    // ---- forward over a padded tensor ---------------------------------------------------------------

    /// <summary>Runs every layer over a padded input; hx / cx in the h0 layout or null (zeros).</summary>
    private protected (Tensor Output, Tensor HN, Tensor? CN) ForwardTensor(Tensor input, Tensor? hx, Tensor? cx)
    {
        // Traced as one operation (the exporter emits ONNX's recurrent operators); null states mean zeros.
        using var trace = OpTrace.Enter();
        var (output, hN, cN) = ForwardTensorCore(input, hx, cx);
        trace.DoneMany("Recurrent", new object?[] { this, input, hx, cx }.Select(o => o ?? (object)DBNull.Value).ToArray(),
            cN is null ? new object[] { output, hN } : new object[] { output, hN, cN });
        return (output, hN, cN);
    }

    private (Tensor Output, Tensor HN, Tensor? CN) ForwardTensorCore(Tensor input, Tensor? hx, Tensor? cx)
    {
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"{TypeName}: Expected input to be 2D or 3D, got {input.Dim}D tensor instead");
        bool batched = input.Dim == 3;
        CheckHiddenRank(hx, batched);
        CheckHiddenRank(cx, batched);
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {InputSize}, got {input.Size(-1)}");

        // batch_first: the layers read and write [N, T, ·] rows themselves (no transposed copies as autograd ops),
        // unless the switch for the parity tests asks for the transposes.
        bool batchFirst = batched && BatchFirst, native = batchFirst && NativeBatchFirst;
        var x = !batched ? input.Unsqueeze(1) : batchFirst && !native ? input.Transpose(0, 1) : input; // [T, N, F] or [N, T, F]
        if (!batched)
        {
            hx = hx?.Unsqueeze(1);
            cx = cx?.Unsqueeze(1);
        }
        int T = x.Size(native ? 1 : 0), N = x.Size(native ? 0 : 1);
        if (T == 0) throw new ArgumentException($"{TypeName}: Expected sequence length to be larger than 0, got input of shape {Shapes.Format(input.Shape)}");
        CheckHidden(hx, N, OutputHiddenSize, "hidden", batched);
        CheckHidden(cx, N, HiddenSize, "hidden[1]", batched);
        if (N == 0) return EmptyBatch(input, hx, cx, T);

        var batchSizes = Enumerable.Repeat(N, T).ToArray();
        var (rows, hN, cN) = Run(x.View(T * N, InputSize), batchSizes, hx, cx, native);
        var output = native ? rows.View(N, T, NumDirections * OutputHiddenSize) : rows.View(T, N, NumDirections * OutputHiddenSize);
        if (batchFirst && !native) output = output.Transpose(0, 1);
        if (!batched)
        {
            output = output.Squeeze(1);
            hN = hN.Squeeze(1);
            cN = cN?.Squeeze(1);
        }
        return (output, hN, cN);
    }

    /// <summary>
    /// A batch of 0 sequences, as PyTorch: empty output and h_n (c_n), and in backward zero gradients for the
    /// parameters, input and initial state. Handled here, before the kernels, whose GEMMs need a non-empty batch.
    /// </summary>
    private (Tensor Output, Tensor HN, Tensor? CN) EmptyBatch(Tensor input, Tensor? hx, Tensor? cx, int T)
    {
        int L = NumLayers * NumDirections;
        var output = BatchFirst ? Tensor.Zeros(0, T, NumDirections * OutputHiddenSize) : Tensor.Zeros(T, 0, NumDirections * OutputHiddenSize);
        var hN = Tensor.Zeros(L, 0, OutputHiddenSize);
        var cN = Cell == CellKind.Lstm ? Tensor.Zeros(L, 0, HiddenSize) : null;
        var inputs = new[] { input }.Concat(hx is null ? [] : [hx]).Concat(cx is null ? [] : [cx]).Concat(Parameters()).ToArray();
        var outputs = cN is null ? new[] { output, hN } : new[] { output, hN, cN };
        Tensor.RecordMany(Cell == CellKind.Lstm ? "MkldnnRnnLayerBackward0" : "RnnBackward0", inputs, outputs, () =>
        {
            foreach (var t in inputs) t.AccumulateGrad(new float[t.Numel]);
        });
        return (output, hN, cN);
    }

    // ---- forward over a packed batch ----------------------------------------------------------------

    /// <summary>Runs every layer over a packed batch; h0/h_n are in the caller's batch order.</summary>
    private protected (PackedSequence Output, Tensor HN, Tensor? CN) ForwardPacked(PackedSequence input, Tensor? hx, Tensor? cx)
    {
        var data = input.Data;
        if (data.Dim != 2)
            throw new ArgumentException($"{TypeName}: packed input data must be 2-D [rows, input_size], got shape {Shapes.Format(data.Shape)}");
        if (data.Size(-1) != InputSize)
            throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {InputSize}, got {data.Size(-1)}");
        CheckHiddenRank(hx, batched: true);
        CheckHiddenRank(cx, batched: true);
        int N = input.BatchSizes[0];
        CheckHidden(hx, N, OutputHiddenSize, "hidden", true);
        CheckHidden(cx, N, HiddenSize, "hidden[1]", true);
        if (input.SortedIndices is { } sorted)
        {
            hx = hx?.IndexSelect(1, sorted);
            cx = cx?.IndexSelect(1, sorted);
        }
        var (rows, hN, cN) = Run(data, input.BatchSizes, hx, cx);
        if (input.UnsortedIndices is { } unsorted)
        {
            hN = hN.IndexSelect(1, unsorted);
            cN = cN?.IndexSelect(1, unsorted);
        }
        return (new PackedSequence(rows, input.BatchSizes, input.SortedIndices, input.UnsortedIndices), hN, cN);
    }

    // ---- the stack ------------------------------------------------------------------------------------

    /// <summary>
    /// x: [rows, input_size] packed rows → (last layer's rows, h_n, c_n), dropout between layers in training. The rows are
    /// time-major, or with <paramref name="batchFirst"/> batch-major (equal batch sizes): the first layer reads them and the
    /// last writes them in that order; the layers between stay time-major.
    /// </summary>
    private (Tensor Rows, Tensor HN, Tensor? CN) Run(Tensor x, int[] batchSizes, Tensor? hx, Tensor? cx, bool batchFirst = false)
    {
        int D = NumDirections;
        var hs = new List<Tensor>(NumLayers);
        var cs = new List<Tensor>(NumLayers);
        // Without autograd the rows passed between layers are read once, by the next layer: they live in pooled
        // buffers, handed back as soon as that layer has run, so inference allocates only what it returns.
        bool pool = !GradMode.IsEnabled;
        Tensor? pooled = null;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var h0 = hx?.Narrow(0, layer * D, D);
            var c0 = cx?.Narrow(0, layer * D, D);
            bool last = layer == NumLayers - 1;
            var order = new RowOrder(batchFirst && layer == 0, batchFirst && last);
            var (rows, hN, cN) = RecurrentLayer.Forward(Cell, x, batchSizes, h0, c0, _weights[layer], HiddenSize, pooledOutput: pool && !last, order);
            if (pooled != null) RecurrentLayer.ReturnPooled(pooled);
            pooled = pool && !last ? rows : null;
            hs.Add(hN);
            if (cN != null) cs.Add(cN);
            x = !last ? Functional.Dropout(rows, DropoutP, Training, _rng) : rows;
        }
        var h = hs.Count == 1 ? hs[0] : Tensor.Cat(hs, 0);
        var c = cs.Count == 0 ? null : cs.Count == 1 ? cs[0] : Tensor.Cat(cs, 0);
        return (x, h, c);
    }

    // ---- checks with PyTorch's messages ---------------------------------------------------------------

    private static void CheckHiddenRank(Tensor? h, bool batched)
    {
        if (h is null) return;
        if (batched && h.Dim != 3)
            throw new ArgumentException($"For batched 3-D input, hx should also be 3-D but got {h.Dim}-D tensor");
        if (!batched && h.Dim != 2)
            throw new ArgumentException($"For unbatched 2-D input, hx should also be 2-D but got {h.Dim}-D tensor");
    }

    private void CheckHidden(Tensor? h, int batch, int width, string what, bool batched)
    {
        if (h is null) return;
        int[] expected = { NumLayers * NumDirections, batch, width };
        if (!Shapes.Equal(h.Shape, expected))
        {
            var shownExpected = batched ? expected : new[] { expected[0], expected[2] };
            var shownGot = batched ? h.Shape : new[] { h.Shape[0], h.Shape[2] };
            throw new ArgumentException($"Expected {what} size ({string.Join(", ", shownExpected)}), got {Shapes.Format(shownGot)}");
        }
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = new StringBuilder($"{InputSize}, {HiddenSize}");
        if (ProjSize != 0) s.Append($", proj_size={ProjSize}");
        if (NumLayers != 1) s.Append($", num_layers={NumLayers}");
        if (!Bias) s.Append(", bias=False");
        if (BatchFirst) s.Append(", batch_first=True");
        if (DropoutP != 0) s.Append($", dropout={Repr.Float(DropoutP)}");
        if (Bidirectional) s.Append(", bidirectional=True");
        return s.ToString();
    }
}
