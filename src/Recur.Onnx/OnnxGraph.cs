using Onnx;
using Recur.Nn;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Recur.Onnx;

/// <summary>The element type of a value of an <see cref="OnnxGraph"/>.</summary>
public enum OnnxElementType
{
    /// <summary>float32 (ONNX <c>FLOAT</c>).</summary>
    Float32,

    /// <summary>float64 (ONNX <c>DOUBLE</c>).</summary>
    Float64,

    /// <summary>int64 (ONNX <c>INT64</c>).</summary>
    Int64,

    /// <summary>bool (ONNX <c>BOOL</c>), e.g. a mask.</summary>
    Bool,
}

/// <summary>An attribute of a node written with <see cref="OnnxGraph.Node(string, IReadOnlyList{string}, OnnxAttribute[])"/>.</summary>
public sealed class OnnxAttribute
{
    internal AttributeProto Proto { get; }

    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    /// <summary>An integer attribute (<c>axis</c>, <c>keepdims</c>…).</summary>
    public static OnnxAttribute Int(string name, long value) => new(GraphBuilder.Int(name, value));

    /// <summary>An integer-list attribute (<c>perm</c>, <c>scan_input_axes</c>…).</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(GraphBuilder.Ints(name, values));

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(GraphBuilder.Float(name, value));

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(GraphBuilder.String(name, value));

    /// <summary>A graph attribute: the body of a <c>Scan</c>, <c>Loop</c> or <c>If</c>, built with <see cref="OnnxGraph.Subgraph"/>.</summary>
    public static OnnxAttribute Graph(string name, OnnxGraph body) => new(GraphBuilder.Graph_(name, body.Builder.Graph));

    /// <summary>A tensor attribute holding int64 <paramref name="values"/> (1-d), e.g. <c>ConstantOfShape</c>'s <c>value</c>.</summary>
    public static OnnxAttribute TensorInt64(string name, params long[] values)
    {
        var t = new TensorProto { DataType = (int)DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return new(GraphBuilder.TensorAttr(name, t));
    }

    /// <summary>The <c>to</c> attribute of a <c>Cast</c>.</summary>
    public static OnnxAttribute CastTo(OnnxElementType type) => Int("to", (long)OnnxGraph.DataTypeOf(type));
}

/// <summary>
/// An ONNX graph written node by node, with traced Recur modules embedded in it: for the pre- and post-processing around a
/// model that tensor tracing can't express — float64 arithmetic, a <c>Scan</c> over an axis of run-time length, lookups in
/// per-row tables. Values are named by strings: <see cref="Input"/>, <see cref="Node(string, IReadOnlyList{string}, OnnxAttribute[])"/>
/// and the constants return the name to pass on. The file is IR version 8 with the opset of <see cref="OnnxExportOptions"/>,
/// like <see cref="OnnxExport"/>'s.
/// <code>
/// var g = new OnnxGraph();
/// var x = g.Input("x", OnnxElementType.Float32, "batch", "8");
/// var y = g.Trace(net, signature, [x])[0];          // net's traced forward, reading x
/// g.Output("y", g.Node("Mul", [y, g.Constant([2f])]), OnnxElementType.Float32, "batch", "3");
/// g.Save("model.onnx");
/// </code>
/// </summary>
public sealed class OnnxGraph
{
    private readonly OnnxGraph? _parent;
    private readonly List<OnnxValueInfo> _inputs = [], _outputs = [];

    internal GraphBuilder Builder { get; }

    /// <summary>A new main graph.</summary>
    public OnnxGraph()
    {
        Builder = new GraphBuilder("recur");
    }

    private OnnxGraph(OnnxGraph parent, string name)
    {
        _parent = parent;
        Builder = new GraphBuilder(name, parent.Builder);
    }

    /// <summary>
    /// A body graph (for <c>Scan</c>, <c>Loop</c>, <c>If</c>) that shares this graph's names and may read its values; pass it
    /// with <see cref="OnnxAttribute.Graph"/>. Its <see cref="Input"/>s and <see cref="Output"/>s are in the operator's order.
    /// </summary>
    public OnnxGraph Subgraph(string name) => new(this, name);

    /// <summary>
    /// Adds a graph input and returns its name (in the main graph exactly <paramref name="name"/>; in a body a fresh name built
    /// from it). <paramref name="dims"/> are sizes ("12"), symbols ("batch", "time") or "?"; none in a body leaves the shape open.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    public string Input(string name, OnnxElementType type, params string[] dims)
    {
        string n = Name(name);
        Builder.Graph.Input.Add(GraphBuilder.ValueInfo(n, DataTypeOf(type), _parent is null || dims.Length > 0 ? dims : null));
        _inputs.Add(new OnnxValueInfo(n, TypeName(type), dims));
        return n;
    }

    /// <summary>
    /// Makes <paramref name="value"/> a graph output called <paramref name="name"/> (in a body: a fresh name built from it) of
    /// <paramref name="type"/> and <paramref name="dims"/> (as for <see cref="Input"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    public void Output(string name, string value, OnnxElementType type, params string[] dims)
    {
        string n = Name(name);
        Builder.NodeNamed("Identity", [value], [n]);
        Builder.Graph.Output.Add(GraphBuilder.ValueInfo(n, DataTypeOf(type), _parent is null || dims.Length > 0 ? dims : null));
        _outputs.Add(new OnnxValueInfo(n, TypeName(type), dims));
    }

    /// <summary>
    /// Describes the graph input or output <paramref name="name"/> (its <c>doc_string</c>, and <see cref="OnnxValueInfo.Description"/>
    /// of the info <see cref="ToBytes"/> returns): what it holds, in which units, how many rows.
    /// </summary>
    /// <exception cref="ArgumentException">No input or output of that name.</exception>
    public void Describe(string name, string text)
    {
        foreach (var (infos, protos) in new[] { (_inputs, Builder.Graph.Input), (_outputs, Builder.Graph.Output) })
        {
            int i = infos.FindIndex(v => v.Name == name);
            if (i < 0) continue;
            infos[i] = infos[i] with { Description = text };
            protos.First(v => v.Name == name).DocString = text;
            return;
        }
        throw new ArgumentException($"the graph has no input or output '{(name.Length > 80 ? name[..77] + "..." : name)}'");
    }

    private string Name(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("ONNX input and output names must be non-empty");
        return _parent is null ? Builder.Claim(name) : Builder.Fresh(name);
    }

    /// <summary>Adds an operator node of the default domain with one output; returns the output's name.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        Builder.Node(op, inputs, [.. attributes.Select(a => a.Proto)]);

    /// <summary>Adds an operator node with <paramref name="outputs"/> outputs (<c>Split</c>, <c>Scan</c>…); returns their names.</summary>
    public string[] Node(string op, IReadOnlyList<string> inputs, int outputs, params OnnxAttribute[] attributes) =>
        Builder.NodeMany(op, inputs, outputs, [.. attributes.Select(a => a.Proto)]);

    /// <summary>A float64 constant of shape <paramref name="dims"/> (none: a scalar).</summary>
    public string Constant(double[] values, params long[] dims) => Builder.Doubles("const_f64", values, dims);

    /// <summary>A float32 constant of shape <paramref name="dims"/> (none: a scalar).</summary>
    public string Constant(float[] values, params long[] dims) => Builder.Initializer("const_f32", values, dims);

    /// <summary>An int64 constant of shape <paramref name="dims"/> (none: a scalar).</summary>
    public string Constant(long[] values, params long[] dims) => Builder.Int64Tensor("const_i64", values, dims);

    /// <summary>
    /// Embeds <paramref name="model"/>'s forward, traced through <paramref name="signature"/> as <see cref="OnnxExport"/> does
    /// (in eval mode), reading its inputs from the values <paramref name="inputs"/> (float32, or int64 for index inputs);
    /// returns the values holding its outputs. The signature's batch and sequence axes are read at run time from those values.
    /// </summary>
    /// <exception cref="NotSupportedException">The forward uses an operation ONNX export can't express.</exception>
    /// <exception cref="InvalidOperationException">The forward computes different operations for different input sizes.</exception>
    public IReadOnlyList<string> Trace(Module model, OnnxSignature signature, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(signature);
        bool training = model.Training;
        model.Eval();
        try
        {
            return new GraphEmitter(model, signature).EmitInto(Builder, inputs);
        }
        finally
        {
            model.Train(training);
        }
    }

    /// <summary>The serialized model (main graph only) and what its inputs and outputs are.</summary>
    /// <exception cref="InvalidOperationException">This is a body graph, or the graph has no output.</exception>
    /// <exception cref="ArgumentException">The opset is outside 13–17.</exception>
    public byte[] ToBytes(out OnnxModelInfo info, OnnxExportOptions? options = null)
    {
        if (_parent is not null) throw new InvalidOperationException("a body graph is written as its operator's attribute, not as a model");
        if (_outputs.Count == 0) throw new InvalidOperationException("the graph has no output");
        options ??= new OnnxExportOptions();
        var model = Model(Builder.Graph, options);
        info = new OnnxModelInfo([.. _inputs], [.. _outputs], options.OpsetVersion, model.IrVersion);
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    /// <summary>Writes the model to <paramref name="path"/> atomically; see <see cref="ToBytes"/>.</summary>
    public OnnxModelInfo Save(string path, OnnxExportOptions? options = null)
    {
        var bytes = ToBytes(out var info, options);
        Recur.IO.AtomicFile.WriteAllBytes(path, bytes);
        return info;
    }

    /// <summary>The model around <paramref name="graph"/>: IR version 8, the options' opset, doc string and metadata.</summary>
    internal static ModelProto Model(GraphProto graph, OnnxExportOptions options)
    {
        if (options.OpsetVersion is < 13 or > 17)
            throw new ArgumentException($"OpsetVersion must be 13–17 (IR version 8), got {options.OpsetVersion}", nameof(options));
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Recur",
            ProducerVersion = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "",
            DocString = options.DocString ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.OpsetVersion });
        if (options.Metadata != null)
            foreach (var (k, v) in options.Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    internal static DataType DataTypeOf(OnnxElementType type) => type switch
    {
        OnnxElementType.Float32 => DataType.Float,
        OnnxElementType.Float64 => DataType.Double,
        OnnxElementType.Int64 => DataType.Int64,
        OnnxElementType.Bool => DataType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an ONNX element type Recur writes"),
    };

    private static string TypeName(OnnxElementType type) => type switch
    {
        OnnxElementType.Float32 => "float32",
        OnnxElementType.Float64 => "float64",
        OnnxElementType.Bool => "bool",
        _ => "int64",
    };
}
