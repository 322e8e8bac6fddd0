using Onnx;
using Recur.Nn;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Recur.Onnx;

/// <summary>
/// Turns two traced runs of one forward into an ONNX graph: pairs their operations, checks that they agree
/// (the graph must not depend on the example sizes or values), keeps what the outputs need, and writes each
/// operation as ONNX nodes with batch and sequence sizes computed at run time from the inputs' shapes.
/// </summary>
internal sealed partial class GraphEmitter
{
    private enum Kind { Input, Op, External }

    /// <summary>One value of the traced program: a graph input, an operation's output, or something from outside (parameter, constant).</summary>
    private sealed class Slot
    {
        public Kind Kind;
        public object O1 = null!, O2 = null!;
        public int Producer = -1;
        public string? Name;
    }

    private readonly Module _model;
    private readonly string _where;
    private readonly OnnxSignature _signature;
    private readonly Tracer _t1, _t2;
    private readonly object[] _in1, _in2;
    private readonly IReadOnlyList<Tensor> _out1, _out2;
    private readonly Dictionary<object, string> _paramNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, int> _ids1 = new(ReferenceEqualityComparer.Instance), _ids2 = new(ReferenceEqualityComparer.Instance);
    private readonly List<Slot> _slots = new();
    private readonly int[][] _opInputs, _opOutputs;
    private GraphBuilder _g = new("recur");
    private string[] _inputNames;
    private readonly Dictionary<(long, int, int), string> _symCache = new();

    public GraphEmitter(Module model, OnnxSignature signature)
    {
        _model = model;
        _where = $"{model.GetType().Name}";
        _signature = signature;
        foreach (var (name, p) in model.NamedParameters()) _paramNames[p] = name;
        (_t1, _in1, _out1) = Tracer.Run(signature, SymDim.Batch1, SymDim.Seq1, 1);
        (_t2, _in2, _out2) = Tracer.Run(signature, SymDim.Batch2, SymDim.Seq2, 2);
        if (_t1.Ops.Count != _t2.Ops.Count)
            throw Inconsistent($"it ran {_t1.Ops.Count} operations for one input size and {_t2.Ops.Count} for another");
        _inputNames = signature.Inputs.Select(i => i.Name).ToArray();
        for (int i = 0; i < _in1.Length; i++) Register(new Slot { Kind = Kind.Input, O1 = _in1[i], O2 = _in2[i], Name = _inputNames[i] });
        _opInputs = new int[_t1.Ops.Count][];
        _opOutputs = new int[_t1.Ops.Count][];
        for (int k = 0; k < _t1.Ops.Count; k++)
        {
            TracedOp a = _t1.Ops[k], b = _t2.Ops[k];
            if (a.Op != b.Op || a.Inputs.Length != b.Inputs.Length || a.Outputs.Length != b.Outputs.Length)
                throw Inconsistent($"operation {k} is {a.Op} for one input size and {b.Op} for another");
            _opInputs[k] = new int[a.Inputs.Length];
            for (int j = 0; j < a.Inputs.Length; j++)
            {
                if (a.Inputs[j] is DBNull || a.Inputs[j] is Module)
                {
                    if (!ReferenceEquals(a.Inputs[j], b.Inputs[j])) throw Inconsistent($"{a.Op} got a different module or a missing state");
                    _opInputs[k][j] = -1;
                    continue;
                }
                _opInputs[k][j] = Id(a.Inputs[j], b.Inputs[j], a.Op);
            }
            _opOutputs[k] = new int[a.Outputs.Length];
            for (int j = 0; j < a.Outputs.Length; j++)
                _opOutputs[k][j] = Register(new Slot { Kind = Kind.Op, O1 = a.Outputs[j], O2 = b.Outputs[j], Producer = k });
        }
    }

    private int Register(Slot s)
    {
        int id = _slots.Count;
        _slots.Add(s);
        _ids1[s.O1] = id;
        _ids2[s.O2] = id;
        return id;
    }

    private int Id(object a, object b, string op)
    {
        bool has1 = _ids1.TryGetValue(a, out int i1), has2 = _ids2.TryGetValue(b, out int i2);
        if (has1 != has2 || (has1 && i1 != i2)) throw Inconsistent($"{op} reads different values for different input sizes");
        if (has1) return i1;
        return Register(new Slot { Kind = Kind.External, O1 = a, O2 = b });
    }

    private InvalidOperationException Inconsistent(string what) => new(
        $"ONNX export of {_where}: the forward does not trace to one graph ({what}); control flow that depends on the batch or " +
        "sequence size, or on the input values, can't be exported");

    private NotSupportedException Unsupported(string what) => new($"ONNX export of {_where}: {what}");

    // ---- the model -----------------------------------------------------------------------------------

    /// <summary>The ids of the outputs, and which operations they need (a dead unsupported operation is no error).</summary>
    private (int[] OutIds, bool[] Needed) Live()
    {
        var outIds = new int[_out1.Count];
        for (int i = 0; i < outIds.Length; i++) outIds[i] = Id(_out1[i], _out2[i], "the output");
        var needed = new bool[_t1.Ops.Count];
        var stack = new Stack<int>(outIds);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id)) continue;
            var s = _slots[id];
            if (s.Kind != Kind.Op || needed[s.Producer]) continue;
            needed[s.Producer] = true;
            foreach (int i in _opInputs[s.Producer]) if (i >= 0) stack.Push(i);
        }
        return (outIds, needed);
    }

    /// <summary>
    /// Writes the traced forward into <paramref name="g"/> (a graph being built around it, see <see cref="OnnxGraph"/>), reading
    /// its inputs from the values <paramref name="inputs"/>; returns the values holding its outputs. Batch and sequence sizes
    /// are read at run time from those values' shapes.
    /// </summary>
    public string[] EmitInto(GraphBuilder g, IReadOnlyList<string> inputs)
    {
        if (inputs.Count != _signature.Inputs.Count)
            throw new ArgumentException($"the signature has {_signature.Inputs.Count} inputs, {inputs.Count} values were given");
        _g = g;
        _inputNames = [.. inputs];
        for (int i = 0; i < inputs.Count; i++) _slots[i].Name = inputs[i];
        var (outIds, needed) = Live();
        for (int k = 0; k < _t1.Ops.Count; k++)
            if (needed[k]) EmitOp(k);
        return outIds.Select(Value).ToArray();
    }

    public ModelProto Build(OnnxExportOptions options, out OnnxModelInfo info)
    {
        var (outIds, needed) = Live();

        var inputsInfo = new List<OnnxValueInfo>();
        for (int i = 0; i < _signature.Inputs.Count; i++)
        {
            var spec = _signature.Inputs[i];
            _g.Claim(spec.Name);
            var dims = spec.Shape.Select(d => d.ToString()).ToList();
            var type = spec.IsIndices ? DataType.Int64 : DataType.Float;
            _g.Graph.Input.Add(GraphBuilder.ValueInfo(spec.Name, type, dims));
            inputsInfo.Add(new OnnxValueInfo(spec.Name, spec.IsIndices ? "int64" : "float32", dims));
        }
        foreach (var name in _signature.Outputs) _g.Claim(name);

        for (int k = 0; k < _t1.Ops.Count; k++)
            if (needed[k]) EmitOp(k);

        var outputsInfo = new List<OnnxValueInfo>();
        var used = new HashSet<string>();
        for (int i = 0; i < outIds.Length; i++)
        {
            string want = _signature.Outputs[i];
            string have = Value(outIds[i]);
            var s = _slots[outIds[i]];
            if (s.Kind == Kind.Op && used.Add(have) && RenameOutput(have, want)) s.Name = want;
            else _g.NodeNamed("Identity", new[] { have }, new[] { want });
            var dims = Shape(outIds[i]).Select(d => d.Display).ToList();
            _g.Graph.Output.Add(GraphBuilder.ValueInfo(want, DataType.Float, dims));
            outputsInfo.Add(new OnnxValueInfo(want, "float32", dims));
        }

        var model = OnnxGraph.Model(_g.Graph, options);
        info = new OnnxModelInfo(inputsInfo, outputsInfo, options.OpsetVersion, model.IrVersion);
        return model;
    }

    /// <summary>Gives a node output the graph output's name (so no Identity is needed); false if it can't.</summary>
    private bool RenameOutput(string from, string to)
    {
        var producer = _g.Graph.Node.FirstOrDefault(n => n.Output.Contains(from));
        if (producer is null) return false;
        for (int i = 0; i < producer.Output.Count; i++) if (producer.Output[i] == from) producer.Output[i] = to;
        foreach (var n in _g.Graph.Node)
            for (int i = 0; i < n.Input.Count; i++) if (n.Input[i] == from) n.Input[i] = to;
        return true;
    }

    // ---- values ---------------------------------------------------------------------------------------

    private static int[] ShapeOf(object o) => o switch
    {
        Tensor t => t.Shape,
        IndexTensor i => i.Shape,
        _ => throw new InvalidOperationException($"unexpected traced value {o.GetType().Name}"),
    };

    /// <summary>The symbolic shape of a value, from its shapes in the two runs.</summary>
    private SymDim[] Shape(int id)
    {
        var s = _slots[id];
        int[] a = ShapeOf(s.O1), b = ShapeOf(s.O2);
        if (a.Length != b.Length) throw Inconsistent("a value has a different rank for different input sizes");
        var r = new SymDim[a.Length];
        for (int i = 0; i < a.Length; i++)
            r[i] = SymDim.Solve(a[i], b[i]) ?? throw Unsupported(
                $"a dimension of size {a[i]} (batch {SymDim.Batch1}, seq {SymDim.Seq1}) / {b[i]} (batch {SymDim.Batch2}, seq {SymDim.Seq2}) is not a product of the batch and sequence sizes");
        return r;
    }

    private int Rank(int id) => ShapeOf(_slots[id].O1).Length;

    /// <summary>The ONNX name of a value, writing a parameter or constant the first time it is used.</summary>
    private string Value(int id)
    {
        var s = _slots[id];
        if (s.Name != null) return s.Name;
        if (s.Kind != Kind.External) throw new InvalidOperationException("an operation's output is used before it was written");
        if (_t1.UntracedOutputs.TryGetValue(s.O1, out var autograd))
            throw Unsupported($"its forward uses an operation ONNX export does not support: {OpName(autograd)} (autograd node {autograd})");
        s.Name = s.O1 switch
        {
            Tensor p when _paramNames.TryGetValue(p, out var pname) => _g.Initializer(pname, p.Span, p.Shape.Select(d => (long)d).ToArray()),
            Tensor c => Constant(id, c, (Tensor)s.O2),
            IndexTensor c => ConstantIndices(c, (IndexTensor)s.O2),
            _ => throw new InvalidOperationException("unexpected traced value"),
        };
        return s.Name;
    }

    private static string OpName(string autograd)
    {
        int i = autograd.IndexOf("Backward", StringComparison.Ordinal);
        return i > 0 ? autograd[..i] : autograd;
    }

    /// <summary>
    /// A tensor the forward made itself (Tensor.Zeros, Tensor.Full, a scalar): stored as is if it is the same in both
    /// runs, as ConstantOfShape if it is one value repeated over a batch- or sequence-sized shape, else an error.
    /// </summary>
    private string Constant(int id, Tensor a, Tensor b)
    {
        float[] va = a.ToArray(), vb = b.ToArray();
        bool sameShape = Shapes.Equal(a.Shape, b.Shape);
        if (sameShape && va.AsSpan().SequenceEqual(vb))
            return _g.Initializer("const", va, a.Shape.Select(d => (long)d).ToArray());
        if (va.Length > 0 && vb.Length > 0 && va.All(v => v.Equals(va[0])) && vb.All(v => v.Equals(va[0])))
        {
            var value = new TensorProto { DataType = (int)DataType.Float, Dims = { 1 } };
            value.FloatData.Add(va[0]);
            return _g.Node("ConstantOfShape", new[] { ShapeTensor(Shape(id)) }, GraphBuilder.TensorAttr("value", value));
        }
        throw Unsupported($"a tensor of shape {Shapes.Format(a.Shape)} that its forward builds from numbers (not from tensor operations) " +
                          "changes with the input; build it with tensor operations, or it would be frozen into the file");
    }

    private string ConstantIndices(IndexTensor a, IndexTensor b)
    {
        if (!Shapes.Equal(a.Shape, b.Shape) || !a.Data.AsSpan().SequenceEqual(b.Data))
            throw Unsupported($"an index tensor of shape {Shapes.Format(a.Shape)} that its forward builds changes with the input");
        return _g.Int64Tensor("const_indices", a.Data, a.Shape.Select(d => (long)d).ToArray());
    }

    // ---- run-time sizes -------------------------------------------------------------------------------

    /// <summary>A 1-element int64 tensor holding coef·batch^P·seq^Q, computed from the graph inputs' shapes.</summary>
    private string SymValue(SymDim d)
    {
        if (_symCache.TryGetValue((d.Coef, d.P, d.Q), out var cached)) return cached;
        string r;
        if (d.IsConstant) r = _g.Int64s(new[] { d.Coef });
        else
        {
            string? acc = d.Coef == 1 ? null : _g.Int64s(new[] { d.Coef });
            for (int i = 0; i < d.P; i++) acc = acc is null ? Axis("batch") : _g.Node("Mul", new[] { acc, Axis("batch") });
            for (int i = 0; i < d.Q; i++) acc = acc is null ? Axis("seq") : _g.Node("Mul", new[] { acc, Axis("seq") });
            r = acc!;
        }
        _symCache[(d.Coef, d.P, d.Q)] = r;
        return r;
    }

    private readonly Dictionary<string, string> _axes = new();

    /// <summary>The run-time size of the "batch" or "seq" axis, read from the first input that has it.</summary>
    private string Axis(string symbol)
    {
        if (_axes.TryGetValue(symbol, out var name)) return name;
        for (int i = 0; i < _signature.Inputs.Count; i++)
        {
            var shape = _signature.Inputs[i].Shape;
            for (int a = 0; a < shape.Count; a++)
                if (shape[a].Symbol == symbol)
                {
                    var full = _g.Node("Shape", new[] { _inputNames[i] });
                    return _axes[symbol] = _g.Node("Gather", new[] { full, _g.Int64s(new long[] { a }) }, GraphBuilder.Int("axis", 0));
                }
        }
        throw Unsupported($"a size depends on the {symbol} axis, but no input has one");
    }

    /// <summary>A 1-D int64 shape tensor for <paramref name="dims"/> (an initializer when every dim is constant).</summary>
    private string ShapeTensor(SymDim[] dims)
    {
        if (dims.All(d => d.IsConstant)) return _g.Int64s(dims.Select(d => d.Coef).ToArray());
        return _g.Node("Concat", dims.Select(SymValue), GraphBuilder.Int("axis", 0));
    }
}
