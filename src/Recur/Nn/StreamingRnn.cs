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
public sealed unsafe class StreamingRnn
{
    private readonly RnnBase _module;
    private readonly delegate*<StreamingRnn, ReadOnlySpan<float>, void> _advance; // StepLayers<TCell> of the module's cell
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
        var pick = new PickStep();
        CellSteps.Dispatch(module.Cell, ref pick);
        _advance = pick.Advance;
        Refresh();
    }

    private struct PickStep : ICellVisitor
    {
        public delegate*<StreamingRnn, ReadOnlySpan<float>, void> Advance;
        public void Visit<TCell>() where TCell : struct, ICellStep => Advance = &StepLayers<TCell>;
    }

    /// <summary>Re-reads the module's weights (after training or loading changed them). The state is kept.</summary>
    public void Refresh()
    {
        int H = _module.HiddenSize, GH = _gates.Length / Batch, hOut = OutputSize;
        foreach (var layer in _layers)
        {
            var w = layer.W;
            if (SeparateRecurrent)
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
                if (SeparateRecurrent) w.BiasHh.ReadOnlySpan.CopyTo(layer.BiasHh);
                else System.Numerics.Tensors.TensorPrimitives.Add(layer.Bias, w.BiasHh.ReadOnlySpan, layer.Bias);
            }
        }
    }

    // Whether the cell keeps h·W_hhᵀ + b_hh apart from the input part (GRU), see ICellStep.SeparateRecurrent.
    private bool SeparateRecurrent
    {
        get
        {
            var f = new SeparateFact();
            CellSteps.Dispatch(_module.Cell, ref f);
            return f.Value;
        }
    }

    private struct SeparateFact : ICellVisitor
    {
        public bool Value;
        public void Visit<TCell>() where TCell : struct, ICellStep => Value = TCell.SeparateRecurrent;
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
        _advance(this, input);
        _layers[^1].H.AsSpan(0, Batch * OutputSize).CopyTo(output);
        Steps++;
    }

    // One step through every layer for the cell TCell; the last layer's H holds the output.
    private static void StepLayers<TCell>(StreamingRnn self, ReadOnlySpan<float> input) where TCell : struct, ICellStep
    {
        int H = self._module.HiddenSize, GH = self._gates.Length / self.Batch, hOut = self.OutputSize, B = self.Batch;
        ReadOnlySpan<float> x = input;
        foreach (var layer in self._layers)
        {
            var gates = self._gates.AsSpan();
            for (int b = 0; b < B; b++) layer.Bias.CopyTo(gates.Slice(b * GH, GH));
            var h = layer.H.AsSpan();
            Span<float> gh = default;
            if (!TCell.SeparateRecurrent)
            {
                int kx = layer.In + hOut;                                                  // gates += [x | h]·W_xhᵀ
                var xh = self._xh.AsSpan(0, B * kx);
                for (int b = 0; b < B; b++)
                {
                    x.Slice(b * layer.In, layer.In).CopyTo(xh.Slice(b * kx));
                    h.Slice(b * hOut, hOut).CopyTo(xh.Slice(b * kx + layer.In));
                }
                Gemm.Sgemm(false, B, 1f, xh, kx, layer.WxhT!, 1f, gates, GH);
            }
            else
            {
                Gemm.Sgemm(false, B, 1f, x, layer.In, layer.WihT!, 1f, gates, GH);       // + x·W_ihᵀ
                gh = self._gh.AsSpan();
                for (int b = 0; b < B; b++) layer.BiasHh.CopyTo(gh.Slice(b * GH, GH));
                Gemm.Sgemm(false, B, 1f, h, hOut, layer.WhhT!, 1f, gh, GH);              // h·W_hhᵀ + b_hh apart
            }
            // State updated in place: h (and c) are both the previous and the new value.
            var r = layer.WhrT is null ? h : self._r.AsSpan(0, B * H);
            TCell.Forward(new StepForward
            {
                Gates = gates, Gh = gh, HPrev = h, H = r, CPrev = layer.C, C = layer.C,
                Ghn = TCell.SeparateRecurrent ? self._r.AsSpan(0, B * H) : default, Batch = B, Hidden = H,
            });
            if (layer.WhrT != null) Gemm.Sgemm(false, B, 1f, r, H, layer.WhrT, 0f, h, hOut);    // h = r·W_hrᵀ
            x = h;
        }
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
