using Recur.Nn;
using Recur.Nn.Recurrent;
using static Recur.Onnx.GraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Recur.Onnx;

// RNN / LSTM / GRU as ONNX's recurrent operators, with PyTorch's meaning:
//  - gate blocks reordered: LSTM i,f,g,o → ONNX i,o,f,c; GRU r,z,n → ONNX z,r,h (linear_before_reset=1);
//  - B = [Wb | Rb]; no B when bias=false (ONNX's default is zeros);
//  - layout=0 only (ONNX Runtime's CPU kernels refuse layout=1): batch_first gets Transposes around the stack;
//  - Y [seq, D, batch, H] → Transpose + Reshape(0, 0, −1) → [seq, batch, D·H], so no batch size is baked in;
//  - LSTM with proj_size, which ONNX's LSTM lacks, as a Scan over time per direction with the cell written out.
internal sealed partial class GraphEmitter
{
    /// <summary>Emits a traced RnnBase forward: inputs (module, input, h0?, c0?) → (output, h_n[, c_n]).</summary>
    private string[] Recurrent(int k)
    {
        var m = (RnnBase)_t1.Ops[k].Inputs[0];
        int[] ins = _opInputs[k];
        string x = Value(ins[1]);
        string? hx = ins[2] >= 0 ? Value(ins[2]) : null, cx = ins[3] >= 0 ? Value(ins[3]) : null;
        bool batched = Rank(ins[1]) == 3;
        var axis1 = _g.Int64s(new long[] { 1 });
        if (!batched)
        {
            x = _g.Node("Unsqueeze", new[] { x, axis1 });
            if (hx != null) hx = _g.Node("Unsqueeze", new[] { hx, axis1 });
            if (cx != null) cx = _g.Node("Unsqueeze", new[] { cx, axis1 });
        }
        else if (m.BatchFirst) x = _g.Node("Transpose", new[] { x }, Ints("perm", new long[] { 1, 0, 2 }));

        string prefix = ParameterPrefix(m);
        int D = m.NumDirections;
        var hs = new List<string>();
        var cs = new List<string>();
        for (int layer = 0; layer < m.NumLayers; layer++)
        {
            var (y, h, c) = m.ProjSize > 0
                ? ProjectedLstmLayer(m, layer, x, hx, cx, prefix)
                : OnnxLayer(m, layer, x, hx, cx, prefix);
            x = y;
            hs.Add(h);
            if (c != null) cs.Add(c);
        }
        string hN = hs.Count == 1 ? hs[0] : _g.Node("Concat", hs, Int("axis", 0));
        string? cN = cs.Count == 0 ? null : cs.Count == 1 ? cs[0] : _g.Node("Concat", cs, Int("axis", 0));
        string output = x;
        if (!batched)
        {
            output = _g.Node("Squeeze", new[] { output, axis1 });
            hN = _g.Node("Squeeze", new[] { hN, axis1 });
            if (cN != null) cN = _g.Node("Squeeze", new[] { cN, axis1 });
        }
        else if (m.BatchFirst) output = _g.Node("Transpose", new[] { output }, Ints("perm", new long[] { 1, 0, 2 }));
        return cN is null ? new[] { output, hN } : new[] { output, hN, cN };
    }

    /// <summary>"lstm." for a layer registered as <c>lstm</c> in the exported model, "" for the model itself.</summary>
    private string ParameterPrefix(RnnBase m)
    {
        var w = m.LayerWeights(0)[0].WeightIh;
        if (_paramNames.TryGetValue(w, out var name)) return name[..^"weight_ih_l0".Length];
        return "";
    }

    /// <summary>One layer, both directions, with ONNX's RNN/LSTM/GRU: returns Y [seq, batch, D·H], Y_h, Y_c.</summary>
    private (string Y, string H, string? C) OnnxLayer(RnnBase m, int layer, string x, string? hx, string? cx, string prefix)
    {
        var weights = m.LayerWeights(layer);
        int D = weights.Length, H = m.HiddenSize;
        var cell = m.Cell;
        int[] order = cell switch
        {
            CellKind.Lstm => new[] { 0, 3, 1, 2 }, // i f g o → i o f c
            CellKind.Gru => new[] { 1, 0, 2 },     // r z n → z r h
            _ => new[] { 0 },
        };
        int G = order.Length, cols = weights[0].WeightIh.Size(1);
        var W = new float[D * G * H * cols];
        var R = new float[D * G * H * H];
        var B = m.Bias ? new float[D * 2 * G * H] : null;
        for (int d = 0; d < D; d++)
        {
            var dw = weights[d];
            Reorder(dw.WeightIh.Span, order, H, cols, W.AsSpan(d * G * H * cols));
            Reorder(dw.WeightHh.Span, order, H, H, R.AsSpan(d * G * H * H));
            if (B != null)
            {
                Reorder(dw.BiasIh!.Span, order, H, 1, B.AsSpan(d * 2 * G * H));
                Reorder(dw.BiasHh!.Span, order, H, 1, B.AsSpan(d * 2 * G * H + G * H));
            }
        }
        string wName = _g.Initializer($"{prefix}W_l{layer}", W, D, G * H, cols);
        string rName = _g.Initializer($"{prefix}R_l{layer}", R, D, G * H, H);
        string bName = B is null ? "" : _g.Initializer($"{prefix}B_l{layer}", B, D, 2 * G * H);
        string h0 = hx is null ? "" : LayerState(hx, layer, D);
        string c0 = cx is null ? "" : LayerState(cx, layer, D);

        var attrs = new List<global::Onnx.AttributeProto>
        {
            Int("hidden_size", H),
            String("direction", D == 2 ? "bidirectional" : "forward"),
        };
        string op;
        var inputs = new List<string> { x, wName, rName, bName, "", h0 };
        switch (cell)
        {
            case CellKind.Lstm:
                op = "LSTM";
                inputs.Add(c0);
                break;
            case CellKind.Gru:
                op = "GRU";
                attrs.Add(Int("linear_before_reset", 1));
                break;
            default:
                op = "RNN";
                // One activation per direction, or ONNX Runtime refuses a bidirectional file.
                attrs.Add(Strings("activations", Enumerable.Repeat(cell == CellKind.RnnRelu ? "Relu" : "Tanh", D)));
                break;
        }
        while (inputs[^1] == "") inputs.RemoveAt(inputs.Count - 1);
        var outs = _g.NodeMany(op, inputs, cell == CellKind.Lstm ? 3 : 2, attrs.ToArray());
        // Y: [seq, D, batch, H] → [seq, batch, D, H] → [seq, batch, D·H]
        var yt = _g.Node("Transpose", new[] { outs[0] }, Ints("perm", new long[] { 0, 2, 1, 3 }));
        var y = _g.Node("Reshape", new[] { yt, _g.Int64s(new long[] { 0, 0, -1 }) });
        return (y, outs[1], cell == CellKind.Lstm ? outs[2] : null);
    }

    /// <summary>Rows [layer·D, layer·D + D) of a state [L·D, batch, H].</summary>
    private string LayerState(string state, int layer, int D) =>
        _g.Node("Slice", new[] { state, _g.Int64s(new long[] { layer * D }), _g.Int64s(new long[] { layer * D + D }), _g.Int64s(new long[] { 0 }) });

    /// <summary>Copies gate blocks (each <paramref name="hidden"/> rows of <paramref name="cols"/>) into ONNX's order.</summary>
    private static void Reorder(ReadOnlySpan<float> src, int[] order, int hidden, int cols, Span<float> dst)
    {
        int block = hidden * cols;
        for (int i = 0; i < order.Length; i++) src.Slice(order[i] * block, block).CopyTo(dst.Slice(i * block, block));
    }

    private static float[] Transposed(Tensor w)
    {
        int r = w.Size(0), c = w.Size(1);
        var src = w.Span;
        var t = new float[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) t[j * r + i] = src[i * c + j];
        return t;
    }

    /// <summary>
    /// One LSTM layer with a projection: per direction a Scan over time whose body is PyTorch's cell
    /// (gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh; c' = f·c + i·g; h' = (o·tanh c')·W_hrᵀ). The reverse direction
    /// scans backwards and writes its outputs backwards, so they line up with time as PyTorch's do.
    /// </summary>
    private (string Y, string H, string C) ProjectedLstmLayer(RnnBase m, int layer, string x, string? hx, string? cx, string prefix)
    {
        var weights = m.LayerWeights(layer);
        int D = weights.Length, H = m.HiddenSize, P = m.ProjSize;
        var ys = new List<string>();
        var hs = new List<string>();
        var cs = new List<string>();
        for (int d = 0; d < D; d++)
        {
            var dw = weights[d];
            string sfx = $"_l{layer}" + (d == 1 ? "_reverse" : "");
            int cols = dw.WeightIh.Size(1);
            string wih = _g.Initializer($"{prefix}weight_ih{sfx}_T", Transposed(dw.WeightIh), cols, 4 * H);
            string whh = _g.Initializer($"{prefix}weight_hh{sfx}_T", Transposed(dw.WeightHh), P, 4 * H);
            string whr = _g.Initializer($"{prefix}weight_hr{sfx}_T", Transposed(dw.WeightHr!), H, P);
            string? bias = null;
            if (dw.BiasIh != null)
                bias = _g.Initializer($"{prefix}bias{sfx}", dw.BiasIh.Span.ToArray().Zip(dw.BiasHh!.Span.ToArray(), (p, q) => p + q).ToArray(), 4 * H);

            int row = layer * D + d;
            string h0 = hx is null ? Zeros(x, P) : _g.Node("Gather", new[] { hx, _g.Int64s(new long[] { row }, scalar: true) }, Int("axis", 0));
            string c0 = cx is null ? Zeros(x, H) : _g.Node("Gather", new[] { cx, _g.Int64s(new long[] { row }, scalar: true) }, Int("axis", 0));

            var body = new GraphBuilder($"lstm_proj{sfx}", _g);
            string hIn = body.Fresh("h_prev"), cIn = body.Fresh("c_prev"), xIn = body.Fresh("x_t");
            foreach (var n in new[] { hIn, cIn, xIn }) body.Graph.Input.Add(ValueInfo(n, DataType.Float, null));
            var gates = body.Node("Add", new[] { body.Node("MatMul", new[] { xIn, wih }), body.Node("MatMul", new[] { hIn, whh }) });
            if (bias != null) gates = body.Node("Add", new[] { gates, bias });
            var parts = body.NodeMany("Split", new[] { gates }, 4, Int("axis", 1));
            string i = body.Node("Sigmoid", new[] { parts[0] }), f = body.Node("Sigmoid", new[] { parts[1] });
            string g = body.Node("Tanh", new[] { parts[2] }), o = body.Node("Sigmoid", new[] { parts[3] });
            string cNew = body.Node("Add", new[] { body.Node("Mul", new[] { f, cIn }), body.Node("Mul", new[] { i, g }) });
            string hFull = body.Node("Mul", new[] { o, body.Node("Tanh", new[] { cNew }) });
            string hNew = body.Node("MatMul", new[] { hFull, whr });
            string yOut = body.Node("Identity", new[] { hNew });
            foreach (var n in new[] { hNew, cNew, yOut }) body.Graph.Output.Add(ValueInfo(n, DataType.Float, null));

            var outs = _g.NodeMany("Scan", new[] { h0, c0, x }, 3,
                Graph_("body", body.Graph), Int("num_scan_inputs", 1),
                Ints("scan_input_directions", new long[] { d }), Ints("scan_output_directions", new long[] { d }));
            ys.Add(outs[2]);
            var axes0 = _g.Int64s(new long[] { 0 });
            hs.Add(_g.Node("Unsqueeze", new[] { outs[0], axes0 }));
            cs.Add(_g.Node("Unsqueeze", new[] { outs[1], axes0 }));
        }
        string Y = D == 1 ? ys[0] : _g.Node("Concat", ys, Int("axis", 2));
        string Hn = D == 1 ? hs[0] : _g.Node("Concat", hs, Int("axis", 0));
        string Cn = D == 1 ? cs[0] : _g.Node("Concat", cs, Int("axis", 0));
        return (Y, Hn, Cn);
    }

    /// <summary>Zeros [batch, <paramref name="width"/>] for x: [seq, batch, …], the batch read at run time.</summary>
    private string Zeros(string x, int width)
    {
        var batch = _g.Node("Gather", new[] { _g.Node("Shape", new[] { x }), _g.Int64s(new long[] { 1 }) }, Int("axis", 0));
        var shape = _g.Node("Concat", new[] { batch, _g.Int64s(new long[] { width }) }, Int("axis", 0));
        return _g.Node("ConstantOfShape", new[] { shape });
    }
}
