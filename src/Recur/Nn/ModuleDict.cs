namespace Recur.Nn;

/// <summary>
/// Named child modules in insertion order, as <c>nn.ModuleDict</c>: a parent's state dict reads
/// <c>blocks.enc.weight_ih_l0</c>. Also the way to hand several modules to something that takes one (a checkpoint).
/// </summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    private readonly Dictionary<string, Module> _modules = new();
    private readonly List<string> _order = new();

    /// <summary>A dict holding <paramref name="modules"/> in order.</summary>
    /// <exception cref="ArgumentException">A name is empty, contains a dot, or repeats.</exception>
    public ModuleDict(params (string Name, Module Module)[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (name, m) in modules) Add(name, m);
    }

    /// <summary>Adds <paramref name="module"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used.</exception>
    public void Add(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(ModuleNames.Checked(name), module);
        _modules.Add(name, module);
        _order.Add(name);
    }

    /// <summary>The module named <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No module has that name.</exception>
    public Module this[string key] => _modules.TryGetValue(key, out var m) ? m
        : throw new KeyNotFoundException($"ModuleDict has no module named '{(key.Length <= 80 ? key : key[..77] + "...")}'");

    /// <summary>Number of modules.</summary>
    public int Count => _order.Count;

    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => _order;

    /// <summary>The modules, in insertion order.</summary>
    public IEnumerable<Module> Values => _order.Select(k => _modules[k]);

    /// <summary>True when a module is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _modules.ContainsKey(key);

    /// <summary>The module named <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value) => _modules.TryGetValue(key, out value);

    /// <summary>(name, module) pairs in insertion order.</summary>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, Module>(k, _modules[k])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
