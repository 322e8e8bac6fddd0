namespace Recur.Nn;

/// <summary>
/// Modules run one after another, as <c>nn.Sequential</c>: children are named <c>0</c>, <c>1</c>, … (or the names given),
/// so the state dict reads <c>0.weight</c>, <c>2.bias</c>, and the repr is PyTorch's. <see cref="Forward"/> feeds each
/// module's output to the next; every module must then be an <see cref="ITensorModule"/>.
/// </summary>
public sealed class Sequential : ModuleSequence, ITensorModule
{
    /// <summary>An empty Sequential (its forward returns the input).</summary>
    public Sequential() { }

    /// <summary>Children named by position: <c>0</c>, <c>1</c>, ….</summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>Children with the given names, in order (PyTorch's <c>Sequential(OrderedDict(...))</c>).</summary>
    /// <exception cref="ArgumentException">A name is empty, contains a dot, or repeats.</exception>
    public Sequential(params (string Name, Module Module)[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (name, m) in modules) Add(m, name);
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by its position; returns this container.</summary>
    public Sequential Append(Module module)
    {
        Add(module);
        return this;
    }

    /// <summary>Runs the modules in order on <paramref name="input"/>; an empty Sequential returns the input.</summary>
    /// <exception cref="InvalidOperationException">A module does not take a single tensor (an RNN: call it yourself).</exception>
    public Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var (name, m) in NamedChildren())
        {
            if (m is not ITensorModule t)
                throw new InvalidOperationException(
                    $"Sequential.Forward: module ({name}) {m.GetType().Name} does not take a single tensor (it is not an ITensorModule); call its Forward yourself");
            x = t.Forward(x);
        }
        return x;
    }
}
