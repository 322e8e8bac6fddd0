namespace Recur.Nn;

/// <summary>
/// A list of child modules, as <c>nn.ModuleList</c>: each is registered under its position (<c>0</c>, <c>1</c>, …), so a
/// parent's state dict reads <c>layers.1.bias</c> and training mode reaches every item. It has no forward of its own.
/// </summary>
public sealed class ModuleList : ModuleSequence
{
    /// <summary>A list holding <paramref name="modules"/> in order.</summary>
    public ModuleList(params Module[] modules) : this((IEnumerable<Module>)modules) { }

    /// <summary>A list holding <paramref name="modules"/> in order.</summary>
    public ModuleList(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>Adds <paramref name="module"/> at the end; returns this list.</summary>
    public ModuleList Append(Module module)
    {
        Add(module);
        return this;
    }

    /// <summary>Adds every module of <paramref name="modules"/> at the end; returns this list.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
        return this;
    }
}
