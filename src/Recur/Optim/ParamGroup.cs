namespace Recur.Optim;

/// <summary>
/// A set of parameters with its own hyper-parameters, as an entry of PyTorch's <c>param_groups</c>:
/// <c>new Adam(new[] { new ParamGroup(encoder.Parameters(), lr: 1e-3), new ParamGroup(head.Parameters(), lr: 1e-2, weightDecay: 0) })</c>.
/// An option left null takes the optimizer's value; an option the optimizer does not have is an error.
/// </summary>
public sealed class ParamGroup
{
    private readonly Dictionary<string, object> _options = new();

    /// <summary>Creates a group; the names follow the optimizers' constructor arguments (PyTorch's keys in <see cref="Options"/>).</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null, double? momentum = null,
        double? dampening = null, bool? nesterov = null, (double Beta1, double Beta2)? betas = null, double? eps = null,
        bool? amsgrad = null, double? alpha = null, bool? centered = null, bool? maximize = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = parameters.ToArray();
        foreach (var p in Params) ArgumentNullException.ThrowIfNull(p, nameof(parameters));
        if (lr is double a) _options["lr"] = a;
        if (weightDecay is double b) _options["weight_decay"] = b;
        if (momentum is double c) _options["momentum"] = c;
        if (dampening is double d) _options["dampening"] = d;
        if (nesterov is bool e) _options["nesterov"] = e;
        if (betas is var (b1, b2)) _options["betas"] = new[] { b1, b2 };
        if (eps is double f) _options["eps"] = f;
        if (amsgrad is bool g) _options["amsgrad"] = g;
        if (alpha is double h) _options["alpha"] = h;
        if (centered is bool i) _options["centered"] = i;
        if (maximize is bool j) _options["maximize"] = j;
    }

    /// <summary>The group's parameters, in order.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>
    /// The hyper-parameters under PyTorch's keys (<c>lr</c>, <c>betas</c>, <c>weight_decay</c>…): values are
    /// <see cref="double"/>, <see cref="bool"/>, or <c>double[2]</c> for <c>betas</c>. Complete once an optimizer owns the group.
    /// </summary>
    public IReadOnlyDictionary<string, object> Options => _options;

    /// <summary>This group's learning rate (PyTorch's <c>group['lr']</c>); schedulers change it between steps.</summary>
    /// <exception cref="ArgumentException">Set to a negative or NaN value.</exception>
    public double LearningRate
    {
        get => _options.TryGetValue("lr", out var v) ? (double)v : double.NaN;
        set
        {
            if (value < 0 || double.IsNaN(value)) throw new ArgumentException($"Invalid learning rate: {value}");
            _options["lr"] = value;
        }
    }

    internal double Double(string key) => (double)_options[key];

    internal bool Bool(string key) => (bool)_options[key];

    internal double[] Pair(string key) => (double[])_options[key];

    internal Dictionary<string, object> MutableOptions => _options;
}
