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

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

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
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var errors = new List<string>();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && missing.Count > 0) errors.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        if (strict && unexpected.Count > 0) errors.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        foreach (var (name, p) in own)
            if (state.TryGetValue(name, out var v) && !Shapes.Equal(v.Shape, p.Shape))
                errors.Add($"size mismatch for {name}: copying a param with shape {Shapes.Format(v.Shape)} from checkpoint, the shape in current model is {Shapes.Format(p.Shape)}.");
        if (errors.Count > 0)
            throw new ArgumentException($"Error(s) in loading state_dict for {TypeName}:\n\t" + string.Join("\n\t", errors));
        foreach (var (name, p) in own)
            if (state.TryGetValue(name, out var v)) p.CopyFrom(v);
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

    /// <summary>Clears every parameter's gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>The class name PyTorch would print (<c>RNN</c>, <c>LSTM</c>, <c>Linear</c>…).</summary>
    protected virtual string TypeName => GetType().Name;

    /// <summary>The arguments inside the parentheses of the repr, non-default ones only.</summary>
    protected virtual string ExtraRepr() => "";

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
