namespace Recur.Nn;

/// <summary>
/// The ordered children of <see cref="Sequential"/> and <see cref="ModuleList"/>: each registered under its position
/// (<c>0</c>, <c>1</c>, …) or a given name, so a state dict reads <c>layers.1.bias</c>, and indexed from either end.
/// </summary>
public abstract class ModuleSequence : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _modules = new();

    /// <summary>Number of modules.</summary>
    public int Count => _modules.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    /// <exception cref="IndexOutOfRangeException">The index is out of range.</exception>
    public Module this[int index] => _modules[ModuleNames.Index(index, Count)];

    /// <summary>Adds <paramref name="module"/> at the end under <paramref name="name"/>, or its position when null.</summary>
    /// <exception cref="ArgumentException">A given name is empty, contains a dot, or repeats.</exception>
    protected void Add(Module module, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(name is null ? Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : ModuleNames.Checked(name), module);
        _modules.Add(module);
    }

    /// <summary>The modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => _modules.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
