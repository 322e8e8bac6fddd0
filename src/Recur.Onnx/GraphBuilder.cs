using Google.Protobuf;
using Onnx;

namespace Recur.Onnx;

/// <summary>
/// Appends nodes, initializers and constants to one ONNX graph (the main graph or a Scan body) with fresh,
/// readable names. Integers follow ONNX's int64 convention.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names;
    private readonly Dictionary<string, string> _i64Cache = new();
    private readonly GraphBuilder? _root;

    public GraphProto Graph { get; }

    public GraphBuilder(string name, GraphBuilder? parent = null)
    {
        Graph = new GraphProto { Name = name };
        _root = parent?._root ?? parent;
        _names = _root?._names ?? new HashSet<string>(); // one namespace across subgraphs
    }

    /// <summary>A name not used yet in this model, built from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        if (_names.Add(hint)) return hint;
        for (int i = 1; ; i++)
            if (_names.Add($"{hint}_{i}")) return $"{hint}_{i}";
    }

    /// <summary>Claims <paramref name="name"/> exactly (graph inputs and outputs); fails if taken.</summary>
    public string Claim(string name)
    {
        if (!_names.Add(name)) throw new ArgumentException($"the ONNX value name '{name}' is used twice");
        return name;
    }

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    public string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeMany(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs; returns their names.</summary>
    public string[] NodeMany(string op, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++) names[i] = Fresh(op.ToLowerInvariant() + (outputs > 1 ? $"_out{i}" : ""));
        NodeNamed(op, inputs, names, attributes);
        return names;
    }

    /// <summary>Adds a node writing the given output names (empty string skips an optional output).</summary>
    public void NodeNamed(string op, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh("n_" + op) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>A float32 initializer (in the top-level graph, visible to every subgraph).</summary>
    public string Initializer(string hint, ReadOnlySpan<float> data, params long[] dims) =>
        Raw(hint, TensorProto.Types.DataType.Float, data, dims);

    /// <summary>A float64 initializer (pre- and post-processing that must match double arithmetic).</summary>
    public string Doubles(string hint, ReadOnlySpan<double> data, params long[] dims) =>
        Raw(hint, TensorProto.Types.DataType.Double, data, dims);

    // An initializer stored as raw little-endian bytes in the top-level graph.
    private string Raw<T>(string hint, TensorProto.Types.DataType type, ReadOnlySpan<T> data, long[] dims) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)type };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
        Top.Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>An int64 initializer (cached: the same values give the same name).</summary>
    public string Int64s(long[] values, bool scalar = false)
    {
        string key = (scalar ? "s:" : "v:") + string.Join(",", values);
        var top = Top;
        if (top._i64Cache.TryGetValue(key, out var name)) return name;
        var t = new TensorProto { Name = Fresh(scalar ? "const_i64" : "const_i64s"), DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        top.Graph.Initializer.Add(t);
        top._i64Cache[key] = t.Name;
        return t.Name;
    }

    /// <summary>An int64 initializer with a shape (constant index tensors).</summary>
    public string Int64Tensor(string hint, long[] values, long[] dims)
    {
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        Top.Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(float value) => Initializer("const_f32", new[] { value });

    private GraphBuilder Top => _root ?? this;

    // ---- attributes -------------------------------------------------------------------------------

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    public static AttributeProto Ints(string name, IEnumerable<long> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };

    public static AttributeProto String(string name, string v) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    public static AttributeProto Strings(string name, IEnumerable<string> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(v.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto Graph_(string name, GraphProto g) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = g };

    public static AttributeProto TensorAttr(string name, TensorProto t) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };

    // ---- value infos ----------------------------------------------------------------------------

    /// <summary>A tensor value info; dims are sizes ("5"), symbols ("batch") or "?" (unknown); null shape = unknown rank.</summary>
    public static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, IReadOnlyList<string>? dims)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims != null)
        {
            tt.Shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (long.TryParse(d, out long v)) dim.DimValue = v;
                else if (d != "?") dim.DimParam = d;
                tt.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }
}
