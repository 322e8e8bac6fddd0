using Recur.Kernels;
using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>
/// Real-time inference: holds the recurrent state of a trained <see cref="Rnn"/>, <see cref="Lstm"/> or <see cref="Gru"/>
/// and advances it one step (or a few) per call, allocating nothing. Weights are packed once at construction;
/// call <see cref="Refresh"/> after they change.
/// <code>
/// var stream = new StreamingRnn(lstm);            // batch 1
/// stream.Step(sample, h);                          // sample: [input_size] → h: [H_out] (last layer)
/// </code>
/// The results are those of <c>module.Forward</c> over the whole sequence so far, up to float32 rounding.
/// Not thread-safe: one stream per thread or per series.
/// </summary>
public sealed class StreamingRnn
{
    private readonly RnnBase _module;
    private readonly Layer[] _layers;
    private readonly float[] _gates, _gh, _r, _xh;

    /// <summary>Number of independent streams advanced together.</summary>
    public int Batch { get; }
    /// <summary>Width of each input row (the layer's input_size).</summary>
    public int InputSize => _module.InputSize;

    /// <summary>Width of each output row: the last layer's h (proj_size or hidden_size).</summary>
    public int OutputSize => _module.OutputHiddenSize;

    /// <summary>Steps taken since construction or <see cref="Reset"/>.</summary>
    public long Steps { get; private set; }

    private sealed class Layer
    {
        public required DirectionWeights W;
        public required int In;
        public PackedMatrix? WihT, WhhT, WhrT;
        public PackedMatrix? WxhT;         // [W_ih | W_hh]ᵀ: one product per step for RNN and LSTM   [In + H_out, GH]
        public required float[] Bias;     // b_ih + b_hh (RNN, LSTM) or b_ih (GRU)   [GH]
        public required float[] BiasHh;   // b_hh (GRU only)                          [GH]
        public required float[] H;        // [batch, H_out]
        public required float[]? C;       // [batch, H] (LSTM)
    }

    /// <summary>A stream over the trained unidirectional <paramref name="module"/> (its weights are read and packed now: call <see cref="Refresh"/> after they change), starting from zero state, for <paramref name="batch"/> rows at a time.</summary>
    public StreamingRnn(RnnBase module, int batch = 1)
    {
        if (module.Bidirectional)
            throw new ArgumentException($"{module}: a bidirectional layer reads the sequence backwards and cannot run as a stream");
        if (batch < 1) throw new ArgumentException($"batch must be at least 1, got {batch}");
        _module = module;
        Batch = batch;
        int H = module.HiddenSize, GH = module.Cell.GateCount() * H, hOut = module.OutputHiddenSize;
        _layers = new Layer[module.NumLayers];
        for (int l = 0; l < module.NumLayers; l++)
            _layers[l] = new Layer
            {
                W = module.LayerWeights(l)[0],
                In = l == 0 ? module.InputSize : hOut,
                Bias = new float[GH],
                BiasHh = new float[GH],
                H = new float[batch * hOut],
                C = module.Cell == CellKind.Lstm ? new float[batch * H] : null,
            };
        _gates = new float[batch * GH];
        _gh = new float[batch * GH];
        _r = new float[batch * H];
        _xh = new float[batch * (Math.Max(module.InputSize, hOut) + hOut)];
        Refresh();
    }

    /// <summary>Re-reads the module's weights (after training or loading changed them). The state is kept.</summary>
    public void Refresh()
    {
        int H = _module.HiddenSize, GH = _gates.Length / Batch, hOut = OutputSize;
        foreach (var layer in _layers)
        {
            var w = layer.W;
            if (_module.Cell == CellKind.Gru)
            {
                layer.WihT = Pack(layer.WihT, w.WeightIh, layer.In, GH);
                layer.WhhT = Pack(layer.WhhT, w.WeightHh, hOut, GH);
            }
            else
            {
                // W_xh = [W_ih | W_hh], [GH, In + H_out]: then gates = [x | h]·W_xhᵀ is a single matrix–vector pass.
                int kx = layer.In + hOut;
                var wxh = new float[GH * kx];
                var wih = w.WeightIh.ReadOnlySpan;
                var whh = w.WeightHh.ReadOnlySpan;
                for (int r = 0; r < GH; r++)
                {
                    wih.Slice(r * layer.In, layer.In).CopyTo(wxh.AsSpan(r * kx));
                    whh.Slice(r * hOut, hOut).CopyTo(wxh.AsSpan(r * kx + layer.In));
                }
                if (layer.WxhT is null) layer.WxhT = Gemm.PackB(true, kx, GH, wxh, kx);
                else Gemm.RepackB(layer.WxhT, true, wxh, kx);
            }
            if (w.WeightHr != null) layer.WhrT = Pack(layer.WhrT, w.WeightHr, H, hOut);
            Array.Clear(layer.Bias);
            Array.Clear(layer.BiasHh);
            if (w.BiasIh != null) w.BiasIh.ReadOnlySpan.CopyTo(layer.Bias);
            if (w.BiasHh != null)
            {
                if (_module.Cell == CellKind.Gru) w.BiasHh.ReadOnlySpan.CopyTo(layer.BiasHh);
                else System.Numerics.Tensors.TensorPrimitives.Add(layer.Bias, w.BiasHh.ReadOnlySpan, layer.Bias);
            }
        }
    }

    // Wᵀ packed: W is [n, k] row-major, so op(B) = Wᵀ is [k, n].
    private static PackedMatrix Pack(PackedMatrix? existing, Tensor w, int k, int n)
    {
        if (existing is null) return Gemm.PackB(true, k, n, w.ReadOnlySpan, k);
        Gemm.RepackB(existing, true, w.ReadOnlySpan, k);
        return existing;
    }

    /// <summary>Zeros the state (a new sequence begins).</summary>
    public void Reset()
    {
        foreach (var layer in _layers)
        {
            Array.Clear(layer.H);
            if (layer.C != null) Array.Clear(layer.C);
        }
        Steps = 0;
    }

    /// <summary>The current state as tensors in the h0 layout [num_layers, batch, H_out] (copies).</summary>
    public RnnState State
    {
        get
        {
            var h = Tensor.Zeros(_layers.Length, Batch, OutputSize);
            var c = _module.Cell == CellKind.Lstm ? Tensor.Zeros(_layers.Length, Batch, _module.HiddenSize) : null;
            for (int l = 0; l < _layers.Length; l++)
            {
                _layers[l].H.CopyTo(h.Span.Slice(l * _layers[l].H.Length));
                _layers[l].C?.CopyTo(c!.Span.Slice(l * _layers[l].C!.Length));
            }
            return new RnnState(h, c);
        }
        set
        {
            var expected = new[] { _layers.Length, Batch, OutputSize };
            if (!Shapes.Equal(value.H.Shape, expected))
                throw new ArgumentException($"Expected hidden size ({string.Join(", ", expected)}), got {Shapes.Format(value.H.Shape)}");
            if (_module.Cell == CellKind.Lstm && (value.C is null || !Shapes.Equal(value.C.Shape, new[] { _layers.Length, Batch, _module.HiddenSize })))
                throw new ArgumentException($"Expected hidden[1] size ({_layers.Length}, {Batch}, {_module.HiddenSize}), got {(value.C is null ? "none" : Shapes.Format(value.C.Shape))}");
            for (int l = 0; l < _layers.Length; l++)
            {
                value.H.ReadOnlySpan.Slice(l * _layers[l].H.Length, _layers[l].H.Length).CopyTo(_layers[l].H);
                if (_layers[l].C is { } cl) value.C!.ReadOnlySpan.Slice(l * cl.Length, cl.Length).CopyTo(cl);
            }
        }
    }

    /// <summary>
    /// Advances one step. input: [batch, input_size] row-major; output: [batch, H_out], the last layer's new h.
    /// </summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != Batch * InputSize)
            throw new ArgumentException($"input holds {input.Length} values, expected batch·input_size = {Batch}·{InputSize} = {Batch * InputSize}");
        if (output.Length < Batch * OutputSize)
            throw new ArgumentException($"output holds {output.Length} values, expected at least batch·H_out = {Batch * OutputSize}");
        var cell = _module.Cell;
        int H = _module.HiddenSize, GH = _gates.Length / Batch, hOut = OutputSize, B = Batch;
        ReadOnlySpan<float> x = input;
        foreach (var layer in _layers)
        {
            var gates = _gates.AsSpan();
            for (int b = 0; b < B; b++) layer.Bias.CopyTo(gates.Slice(b * GH, GH));
            var h = layer.H.AsSpan();
            if (cell != CellKind.Gru)
            {
                int kx = layer.In + hOut;                                                  // gates += [x | h]·W_xhᵀ
                var xh = _xh.AsSpan(0, B * kx);
                for (int b = 0; b < B; b++)
                {
                    x.Slice(b * layer.In, layer.In).CopyTo(xh.Slice(b * kx));
                    h.Slice(b * hOut, hOut).CopyTo(xh.Slice(b * kx + layer.In));
                }
                Gemm.Sgemm(false, B, 1f, xh, kx, layer.WxhT!, 1f, gates, GH);
            }
            else Gemm.Sgemm(false, B, 1f, x, layer.In, layer.WihT!, 1f, gates, GH);      // + x·W_ihᵀ
            switch (cell)
            {
                case CellKind.RnnTanh:
                case CellKind.RnnRelu:
                    Gates.RnnForward(gates, cell == CellKind.RnnRelu);
                    gates.CopyTo(h);
                    break;
                case CellKind.Lstm:
                    if (layer.WhrT is null) Gates.LstmForward(gates, layer.C, layer.C, h, B, H); // c, h updated in place
                    else
                    {
                        Gates.LstmForward(gates, layer.C, layer.C, _r, B, H);
                        Gemm.Sgemm(false, B, 1f, _r, H, layer.WhrT, 0f, h, hOut);          // h = r·W_hrᵀ
                    }
                    break;
                case CellKind.Gru:
                {
                    var gh = _gh.AsSpan();
                    for (int b = 0; b < B; b++) layer.BiasHh.CopyTo(gh.Slice(b * GH, GH));
                    Gemm.Sgemm(false, B, 1f, h, hOut, layer.WhhT!, 1f, gh, GH);
                    Gates.GruForward(gates, gh, h, h, _r.AsSpan(0, B * H), B, H);           // h updated in place
                    break;
                }
            }
            x = h;
        }
        x.CopyTo(output);
        Steps++;
    }

    /// <summary>Advances <paramref name="steps"/> steps. input: [steps, batch, input_size]; output: [steps, batch, H_out].</summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output, int steps)
    {
        int inStride = Batch * InputSize, outStride = Batch * OutputSize;
        if (input.Length != steps * inStride)
            throw new ArgumentException($"input holds {input.Length} values, expected steps·batch·input_size = {steps * inStride}");
        if (output.Length < steps * outStride)
            throw new ArgumentException($"output holds {output.Length} values, expected steps·batch·H_out = {steps * outStride}");
        for (int t = 0; t < steps; t++) Step(input.Slice(t * inStride, inStride), output.Slice(t * outStride, outStride));
    }
}
