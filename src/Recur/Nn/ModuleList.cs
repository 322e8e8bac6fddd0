namespace Recur.Nn;

/// <summary>
/// A list of child modules, as <c>nn.ModuleList</c>: each is registered under its position (<c>0</c>, <c>1</c>, …), so a
/// parent's state dict reads <c>layers.1.bias</c> and training mode reaches every item. It has no forward of its own.
/// </summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _modules = new();

    /// <summary>A list holding <paramref name="modules"/> in order.</summary>
    public ModuleList(params Module[] modules) : this((IEnumerable<Module>)modules) { }

    /// <summary>A list holding <paramref name="modules"/> in order.</summary>
    public ModuleList(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>Number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    /// <exception cref="IndexOutOfRangeException">The index is out of range.</exception>
    public Module this[int index] => _modules[ModuleNames.Index(index, Count)];

    /// <summary>Adds <paramref name="module"/> at the end; returns this list.</summary>
    public ModuleList Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _modules.Add(module);
        return this;
    }

    /// <summary>Adds every module of <paramref name="modules"/> at the end; returns this list.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>The modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => _modules.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
