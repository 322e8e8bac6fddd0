namespace Recur.Optim;

/// <summary>
/// Base of the optimizers, as <c>torch.optim.Optimizer</c>: one or more <see cref="ParamGroup"/>s with their own
/// hyper-parameters, per-parameter state, and <see cref="StateDict"/>/<see cref="LoadStateDict"/> in PyTorch's layout.
/// Parameters whose <see cref="Tensor.Grad"/> is null are skipped by <see cref="Step"/>, as in PyTorch.
/// </summary>
/// <remarks>
/// Each optimizer follows PyTorch's single-tensor update (torch 1.13 <c>_single_tensor_*</c>): hyper-parameter
/// arithmetic in double, tensor arithmetic in float32, in the same order, so trajectories match PyTorch's.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Every parameter of every group, in group order: index i here is PyTorch's state index i.</summary>
    protected readonly Tensor[] Params;
    private readonly ParamGroup[] _groups;
    private readonly ParamGroup[] _groupOf;
    private readonly int[] _steps;
    private readonly Dictionary<string, float[]>?[] _state;

    /// <summary>
    /// An optimizer over <paramref name="groups"/>; options a group does not set come from <paramref name="defaults"/>
    /// (PyTorch's keys; their values' types — double, bool, double[] — are the options' types), which also lists
    /// every option the optimizer has.
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, object> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        foreach (var (key, value) in defaults)
            if (value is not (double or bool or double[] { Length: 2 }))
                throw new ArgumentException($"default option '{key}' is a {value?.GetType().Name ?? "null"}; options are double, bool or double[2]");
        _groups = groups.ToArray();
        if (_groups.Length == 0) throw new ArgumentException("optimizer got an empty parameter list");
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var all = new List<Tensor>();
        var owner = new List<ParamGroup>();
        foreach (var g in _groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            foreach (var key in g.Options.Keys)
                if (!defaults.ContainsKey(key))
                    throw new ArgumentException($"parameter group option '{key}' is not an option of {GetType().Name}");
            foreach (var (key, value) in defaults)
                if (!g.Options.ContainsKey(key))
                    g.MutableOptions[key] = value is double[] pair ? (double[])pair.Clone() : value;
            ValidateGroup(g.Options);
            foreach (var p in g.Params)
            {
                if (!p.IsLeaf) throw new ArgumentException("can't optimize a non-leaf Tensor");
                if (!seen.Add(p)) throw new ArgumentException("some parameters appear in more than one parameter group");
                all.Add(p);
                owner.Add(g);
            }
        }
        if (all.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        Params = all.ToArray();
        _groupOf = owner.ToArray();
        _steps = new int[Params.Length];
        _state = new Dictionary<string, float[]>?[Params.Length];
    }

    /// <summary>The parameter groups, in order (PyTorch's <c>param_groups</c>).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>
    /// The first group's learning rate; setting it sets every group's (as a scheduler that scales all groups would).
    /// Use <see cref="ParamGroup.LearningRate"/> for one group.
    /// </summary>
    public double LearningRate
    {
        get => _groups[0].LearningRate;
        set
        {
            foreach (var g in _groups) g.LearningRate = value;
        }
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        for (int i = 0; i < Params.Length; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            if (!Shapes.Equal(p.Grad.Shape, p.Shape))
                throw new InvalidOperationException($"parameter {i} has shape {Shapes.Format(p.Shape)} but its gradient has shape {Shapes.Format(p.Grad.Shape)}");
            Update(_groupOf[i], i, p.Span, p.Grad.Span);
            p.MarkModified();
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> of <paramref name="group"/> in place from its gradient (left unmodified).</summary>
    protected abstract void Update(ParamGroup group, int index, Span<float> param, ReadOnlySpan<float> grad);

    /// <summary>Checks one group's complete options; throws <see cref="ArgumentException"/> with PyTorch's message.</summary>
    protected abstract void ValidateGroup(IReadOnlyDictionary<string, object> options);

    /// <summary>Names of the per-parameter buffers this optimizer may keep (besides <c>step</c>).</summary>
    protected abstract IReadOnlyCollection<string> BufferNames { get; }

    /// <summary>Whether the per-parameter state has a <c>step</c> count (Adam, RMSprop; not SGD).</summary>
    protected abstract bool CountsSteps { get; }

    /// <summary>
    /// Clears every parameter's gradient: sets it to null (<paramref name="setToNone"/>, PyTorch's default since 2.0), or
    /// zeroes it in place, keeping the buffer for the next backward — PyTorch's <c>zero_grad(set_to_none=False)</c>; a
    /// parameter whose gradient was null stays null.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Params)
            if (setToNone) p.Grad = null;
            else p.Grad?.Span.Clear();
    }

    /// <summary>Increments and returns parameter <paramref name="index"/>'s step count (PyTorch's <c>state['step'] += 1</c>).</summary>
    protected int NextStep(int index)
    {
        _state[index] ??= new Dictionary<string, float[]>();
        return ++_steps[index];
    }

    /// <summary>Steps taken for parameter <paramref name="index"/> (PyTorch's <c>state['step']</c>).</summary>
    protected int Steps(int index) => _steps[index];

    /// <summary>Per-parameter buffer <paramref name="name"/>, created zeroed on first use.</summary>
    protected float[] Buffer(int index, string name)
    {
        var state = _state[index] ??= new Dictionary<string, float[]>();
        if (!state.TryGetValue(name, out var buffer))
            state[name] = buffer = new float[Params[index].Numel];
        return buffer;
    }

    /// <summary>Whether parameter <paramref name="index"/> already has buffer <paramref name="name"/>.</summary>
    protected bool HasBuffer(int index, string name) => _state[index]?.ContainsKey(name) == true;

    /// <summary>
    /// A copy of the state in PyTorch's layout: <c>state</c> by parameter index (only parameters that have been
    /// stepped), <c>param_groups</c> with every hyper-parameter and the group's parameter indices.
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var state = new SortedDictionary<int, IReadOnlyDictionary<string, Tensor>>();
        for (int i = 0; i < Params.Length; i++)
        {
            if (_state[i] is not { } buffers) continue;
            var entry = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
            if (CountsSteps) entry["step"] = Tensor.FromArray(new float[] { _steps[i] });
            foreach (var (name, buffer) in buffers)
                entry[name] = Tensor.FromArray((float[])buffer.Clone(), Params[i].Shape);
            state[i] = entry;
        }
        var groups = new List<IReadOnlyDictionary<string, object>>();
        int next = 0;
        foreach (var g in _groups)
        {
            var d = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var (key, value) in g.Options)
                d[key] = value is double[] pair ? (double[])pair.Clone() : value;
            d["params"] = Enumerable.Range(next, g.Params.Count).ToArray();
            next += g.Params.Count;
            groups.Add(d);
        }
        return new OptimizerStateDict(state, groups);
    }

    /// <summary>
    /// Restores a state from <see cref="StateDict"/> (PyTorch's <c>load_state_dict</c>): saved parameter indices map
    /// to this optimizer's parameters by position, group hyper-parameters are replaced, state tensors are copied.
    /// Everything is checked first; on any error nothing changes.
    /// </summary>
    /// <exception cref="ArgumentException">Different group count or sizes, unknown or missing keys, values of the wrong type
    /// or range, or a state tensor whose shape differs from its parameter's.</exception>
    public void LoadStateDict(OptimizerStateDict stateDict) => PrepareLoad(stateDict)();

    /// <summary>Checks <paramref name="stateDict"/> completely and returns the assignment, which cannot fail.</summary>
    internal Action PrepareLoad(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(stateDict.State);
        ArgumentNullException.ThrowIfNull(stateDict.ParamGroups);
        var saved = stateDict.ParamGroups;
        if (saved.Count != _groups.Length)
            throw new ArgumentException($"loaded state dict has a different number of parameter groups ({saved.Count}, this optimizer has {_groups.Length})");
        var idMap = new Dictionary<int, int>();
        var options = new Dictionary<string, object>[_groups.Length];
        int next = 0;
        for (int gi = 0; gi < _groups.Length; gi++)
        {
            var own = _groups[gi];
            var s = saved[gi] ?? throw new ArgumentException($"parameter group {gi} is null");
            if (!s.TryGetValue("params", out var ids) || ids is not int[] idArray)
                throw new ArgumentException($"parameter group {gi} has no int[] 'params'");
            if (idArray.Length != own.Params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group " +
                                            $"(group {gi}: {idArray.Length} parameters, this optimizer's has {own.Params.Count})");
            foreach (int id in idArray)
                if (!idMap.TryAdd(id, next++))
                    throw new ArgumentException($"parameter index {id} appears twice in the loaded param_groups");
            var o = new Dictionary<string, object>();
            foreach (var (key, value) in s)
            {
                if (key == "params") continue;
                if (!own.Options.TryGetValue(key, out var current))
                    throw new ArgumentException($"parameter group {gi} has option '{Cut(key)}', which {GetType().Name} does not have");
                o[key] = value switch
                {
                    double d when current is double => d,
                    bool b when current is bool => b,
                    double[] { Length: 2 } pair when current is double[] => (double[])pair.Clone(),
                    _ => throw new ArgumentException($"parameter group {gi} option '{key}' is a {value?.GetType().Name ?? "null"}, expected {current.GetType().Name}"),
                };
            }
            foreach (var key in own.Options.Keys)
                if (!o.ContainsKey(key)) throw new ArgumentException($"parameter group {gi} lacks option '{key}'");
            ValidateGroup(o);
            options[gi] = o;
        }

        var steps = new int[Params.Length];
        var state = new Dictionary<string, float[]>?[Params.Length];
        foreach (var (id, entry) in stateDict.State)
        {
            if (!idMap.TryGetValue(id, out int i))
                throw new ArgumentException($"state for parameter index {id}, which no parameter group lists");
            ArgumentNullException.ThrowIfNull(entry);
            var buffers = new Dictionary<string, float[]>();
            foreach (var (name, t) in entry)
            {
                ArgumentNullException.ThrowIfNull(t);
                if (name == "step" && CountsSteps)
                {
                    if (t.Numel != 1 || t.Shape.Length > 1)
                        throw new ArgumentException($"state {id} 'step' has shape {Shapes.Format(t.Shape)}, expected a scalar");
                    float v = t.ReadOnlySpan[0];
                    if (!(v >= 0 && v <= 1 << 24) || v != MathF.Floor(v))
                        throw new ArgumentException($"state {id} 'step' is {v}, not a whole number in [0, 2^24]");
                    steps[i] = (int)v;
                }
                else if (BufferNames.Contains(name))
                {
                    if (!Shapes.Equal(t.Shape, Params[i].Shape))
                        throw new ArgumentException($"state {id} '{name}' has shape {Shapes.Format(t.Shape)}, but its parameter has shape {Shapes.Format(Params[i].Shape)}");
                    buffers[name] = t.ToArray();
                }
                else throw new ArgumentException($"state {id} has '{Cut(name)}', which {GetType().Name} does not keep");
            }
            if (CountsSteps && !entry.ContainsKey("step"))
                throw new ArgumentException($"state {id} has no 'step'");
            state[i] = buffers;
        }

        return () =>
        {
            for (int gi = 0; gi < _groups.Length; gi++)
                foreach (var (key, value) in options[gi]) _groups[gi].MutableOptions[key] = value;
            Array.Copy(steps, _steps, steps.Length);
            Array.Copy(state, _state, state.Length);
        };
    }

    // A name from a file, cut for an error message.
    private static string Cut(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>Throws PyTorch's message unless <paramref name="value"/> is a non-negative number.</summary>
    protected static void CheckNonNegative(string name, double value)
    {
        if (value < 0 || double.IsNaN(value)) throw new ArgumentException($"Invalid {name} value: {value}");
    }

    /// <summary>Checks the learning rate, as every optimizer does.</summary>
    protected static void CheckLearningRate(IReadOnlyDictionary<string, object> o)
    {
        double lr = (double)o["lr"];
        if (lr < 0 || double.IsNaN(lr)) throw new ArgumentException($"Invalid learning rate: {lr}");
    }
}
