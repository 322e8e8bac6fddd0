using System.Text;

namespace Recur.Nn;

/// <summary>
/// Base of every layer, as PyTorch's <c>nn.Module</c>: named parameters and children registered in order,
/// a state dict under PyTorch's names (<c>rnn.weight_ih_l0</c>, <c>linear.bias</c>), train/eval mode,
/// and a repr that reads like PyTorch's.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value)> _parameters = new();
    private readonly List<(string Name, Module Value)> _children = new();

    /// <summary>True in training mode (dropout active), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a parameter under <paramref name="name"/>; it requires grad from now on.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"attribute '{name}' already exists");
        value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a child module; its parameters appear as <c>name.param</c>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"attribute '{name}' already exists");
        _children.Add((name, module));
        return module;
    }

    /// <summary>All parameters with their dotted names, own parameters first, then children's in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedParameters(prefix + name + "."))
                yield return item;
    }

    /// <summary>All parameters, in <see cref="NamedParameters"/> order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>The direct children with the names they were registered under.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Name → parameter, in PyTorch's <c>state_dict()</c> order. The tensors are the live parameters.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) d.Add(name, p);
        return d;
    }

    /// <summary>
    /// Copies values into the parameters by name. With <paramref name="strict"/>, missing and unexpected keys are
    /// errors; a shape mismatch always is. Nothing is modified unless every check passes.
    /// </summary>
    /// <exception cref="ArgumentException">PyTorch's "Error(s) in loading state_dict for …" listing every fault.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        if (CheckStateDict(state, strict) is string error) throw new ArgumentException(error);
        ApplyStateDict(state);
    }

    /// <summary>PyTorch's load_state_dict error text for <paramref name="state"/>, or null when it fits.</summary>
    internal string? CheckStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        var errors = new List<string>();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && missing.Count > 0) errors.Add("Missing key(s) in state_dict: " + Quoted(missing) + ".");
        if (strict && unexpected.Count > 0) errors.Add("Unexpected key(s) in state_dict: " + Quoted(unexpected) + ".");
        foreach (var (name, p) in own)
            if (state.TryGetValue(name, out var v) && !Shapes.Equal(v.Shape, p.Shape))
                errors.Add($"size mismatch for {name}: copying a param with shape {Shapes.Format(v.Shape)} from checkpoint, the shape in current model is {Shapes.Format(p.Shape)}.");
        return errors.Count == 0 ? null : $"Error(s) in loading state_dict for {TypeName}:\n\t" + string.Join("\n\t", errors);
    }

    // At most 20 keys, each cut to 80 characters: a hostile file cannot make the message huge.
    private static string Quoted(List<string> keys) =>
        string.Join(", ", keys.Take(20).Select(k => $"\"{(k.Length > 80 ? k[..80] + "…" : k)}\"")) + (keys.Count > 20 ? $", … ({keys.Count} in all)" : "");

    /// <summary>Copies every entry of <paramref name="state"/> that names a parameter (checked beforehand).</summary>
    internal void ApplyStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var (name, p) in StateDict())
            if (state.TryGetValue(name, out var v)) p.CopyFrom(v);
    }

    /// <summary>
    /// Saves the parameters to a safetensors file under PyTorch's names (what <c>torch.save(model.state_dict())</c>
    /// holds, in the format <c>safetensors.torch.load_file</c> reads), with optional string
    /// <paramref name="metadata"/>. The write is atomic (<see cref="Recur.IO.AtomicFile"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key is <c>null</c>.</exception>
    /// <exception cref="IOException">The file could not be written; a previous file at <paramref name="path"/> is untouched.</exception>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = NamedParameters().Select(p => new Recur.IO.NamedTensorData(p.Name, (int[])p.Parameter.Shape.Clone(), p.Parameter.ToArray())).ToList();
        Recur.IO.Safetensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Loads parameters saved by <see cref="Save"/> or by PyTorch (<c>safetensors.torch.save_file(model.state_dict(), …)</c>)
    /// and returns the file's metadata. With <paramref name="strict"/> the file must hold exactly this module's
    /// parameters; shapes must always match. Nothing changes unless the whole file is valid and fits.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors, or it does not fit this module (PyTorch's
    /// "Error(s) in loading state_dict" text naming missing and unexpected keys and size mismatches).</exception>
    public IReadOnlyDictionary<string, string> Load(string path, bool strict = true)
    {
        var file = Recur.IO.Safetensors.Load(path);
        var state = new Dictionary<string, Tensor>();
        foreach (var t in file.Tensors) state[t.Name] = Tensor.FromArray(t.Data, t.Shape);
        if (CheckStateDict(state, strict) is string error) throw new InvalidDataException($"{path}: {error}");
        ApplyStateDict(state);
        return file.Metadata;
    }

    /// <summary>Sets training mode on this module and every child.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, c) in _children) c.Train(mode);
        return this;
    }

    /// <summary>Evaluation mode (dropout off).</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Clears every parameter's gradient: sets it to null (<paramref name="setToNone"/>, PyTorch's default), or zeroes it in
    /// place, keeping the buffer for the next backward — PyTorch's <c>zero_grad(set_to_none=False)</c>.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
            if (setToNone) p.Grad = null;
            else p.Grad?.Span.Clear();
    }

    /// <summary>The class name PyTorch would print (<c>RNN</c>, <c>LSTM</c>, <c>Linear</c>…).</summary>
    protected virtual string TypeName => GetType().Name;

    /// <summary>The arguments inside the parentheses of the repr, non-default ones only.</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>A repr like PyTorch's: the type, its non-default arguments and its children, indented.</summary>
    public override string ToString()
    {
        if (_children.Count == 0) return $"{TypeName}({ExtraRepr()})";
        var sb = new StringBuilder(TypeName).Append('(');
        var extra = ExtraRepr();
        if (extra.Length > 0) sb.Append("\n  ").Append(extra);
        foreach (var (name, child) in _children)
            sb.Append("\n  (").Append(name).Append("): ").Append(child.ToString().Replace("\n", "\n  "));
        return sb.Append("\n)").ToString();
    }
}
