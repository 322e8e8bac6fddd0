using System.Globalization;
using System.Text.Json;
using Recur.Nn;
using Recur.Optim;

namespace Recur.IO;

/// <summary>
/// A training checkpoint in one atomic safetensors file, so that training stopped after N steps and resumed in a
/// fresh process continues bit for bit as if it had never stopped:
/// <code>
/// tensors   {param name}                  the model's parameters under PyTorch's names (rnn.weight_ih_l0, head.bias…)
///           optimizer.state.{i}.{key}     the optimizer's per-parameter state (step, exp_avg, momentum_buffer…)
/// metadata  recur.checkpoint              format version ("1")
///           recur.optimizer               JSON {"type": "Adam", "param_groups": [{"lr": 0.01, "betas": [..], .., "params": [0, 1, ..]}]}
///           recur.scheduler               JSON of ReduceLrOnPlateau.StateDict() (when one is saved)
///           recur.generator               base64 of Generator.Default.GetState()
///           anything else                 the caller's extra metadata, returned by Load
/// </code>
/// PyTorch reads the weights straight out of the file (<c>safetensors.torch.load_file</c>, dropping keys that
/// start with <c>optimizer.</c>). See docs/SAVING.md.
/// </summary>
public static class Checkpoint
{
    /// <summary>Prefix of the optimizer's state tensors.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>Prefix of the metadata keys this class reserves; extra metadata may not use it.</summary>
    public const string ReservedPrefix = "recur.";

    private const string FormatKey = "recur.checkpoint", FormatVersion = "1";
    private const string OptimizerKey = "recur.optimizer", SchedulerKey = "recur.scheduler", GeneratorKey = "recur.generator";

    /// <summary>
    /// Saves <paramref name="model"/>'s parameters, <paramref name="optimizer"/>'s state, <paramref name="scheduler"/>'s
    /// state when given, <see cref="Generator.Default"/>'s full state and <paramref name="extra"/> metadata, atomically.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter name starts with <c>optimizer.</c>, or an extra key starts with <c>recur.</c>.</exception>
    /// <exception cref="IOException">The file could not be written; a previous file at <paramref name="path"/> is untouched.</exception>
    public static void Save(string path, Module model, Optimizer optimizer, ReduceLrOnPlateau? scheduler = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var tensors = new List<NamedTensorData>();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"parameter {StateJson.Quote(name)} starts with '{OptimizerPrefix}', which checkpoints reserve for the optimizer");
            tensors.Add(new NamedTensorData(name, (int[])p.Shape.Clone(), p.ToArray()));
        }
        var state = optimizer.StateDict();
        foreach (var (index, entry) in state.State)
            foreach (var (key, t) in entry)
                tensors.Add(new NamedTensorData($"{OptimizerPrefix}state.{index}.{key}", (int[])t.Shape.Clone(), t.ToArray()));

        var metadata = new Dictionary<string, string>();
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"extra metadata key {StateJson.Quote(key)} starts with '{ReservedPrefix}', which checkpoints reserve");
            metadata[key] = value;
        }
        metadata[FormatKey] = FormatVersion;
        metadata[OptimizerKey] = StateJson.ToJson(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", optimizer.GetType().Name);
            w.WriteStartArray("param_groups");
            foreach (var g in state.ParamGroups) StateJson.Write(w, g);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        if (scheduler != null) metadata[SchedulerKey] = StateJson.ToJson(w => StateJson.Write(w, scheduler.StateDict()));
        metadata[GeneratorKey] = Convert.ToBase64String(Generator.Default.GetState());
        Safetensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Restores what <see cref="Save"/> wrote into <paramref name="model"/>, <paramref name="optimizer"/>,
    /// <paramref name="scheduler"/> (when given; a saved scheduler is otherwise ignored) and <see cref="Generator.Default"/>,
    /// and returns the extra metadata. The whole file is read and checked against every object before anything
    /// is assigned: on any exception, all of them are unchanged.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt, not a checkpoint, or does not fit the objects
    /// (missing or unexpected parameters, shape mismatches, another optimizer type or group layout, no saved scheduler);
    /// the message names the fault, quoting at most 80 characters of any value.</exception>
    public static IReadOnlyDictionary<string, string> Load(string path, Module model, Optimizer optimizer, ReduceLrOnPlateau? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var file = Safetensors.Load(path);
        InvalidDataException Bad(string what) => new($"{path}: not a usable checkpoint: {what}");
        var meta = file.Metadata;
        if (!meta.TryGetValue(FormatKey, out var version))
            throw Bad($"no '{FormatKey}' metadata (a plain model file? load it with Module.Load)");
        if (version != FormatVersion)
            throw Bad($"format version {StateJson.Quote(version)}, this library reads {FormatVersion}");

        // The model: every tensor outside the optimizer's prefix.
        var modelState = new Dictionary<string, Tensor>();
        var optimizerTensors = new List<NamedTensorData>();
        try
        {
            foreach (var t in file.Tensors)
            {
                if (t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) optimizerTensors.Add(t);
                else modelState[t.Name] = Tensor.FromArray(t.Data, t.Shape);
            }
        }
        catch (ArgumentException e)
        {
            throw Bad("model tensors: " + e.Message);
        }
        if (model.CheckStateDict(modelState, strict: true) is string error) throw Bad(error);

        // The optimizer: hyper-parameters from JSON typed by the live optimizer's own state dict, tensors by index.
        Action applyOptimizer;
        try
        {
            var own = optimizer.StateDict();
            using var doc = ParseJson(meta, OptimizerKey, Bad);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw Bad($"'{OptimizerKey}' has no string 'type'");
            if (type.GetString() != optimizer.GetType().Name)
                throw Bad($"the optimizer saved is {StateJson.Quote(type.GetString()!)}, not {optimizer.GetType().Name}");
            if (!root.TryGetProperty("param_groups", out var groupsJson) || groupsJson.ValueKind != JsonValueKind.Array)
                throw Bad($"'{OptimizerKey}' has no array 'param_groups'");
            var groups = new List<IReadOnlyDictionary<string, object>>();
            foreach (var g in groupsJson.EnumerateArray())
            {
                if (groups.Count >= own.ParamGroups.Count)
                    throw Bad($"{groupsJson.GetArrayLength()} parameter groups saved, the optimizer has {own.ParamGroups.Count}");
                groups.Add(StateJson.Read(g, own.ParamGroups[groups.Count], $"parameter group {groups.Count}", extraInts: "params"));
            }
            var state = new Dictionary<int, Dictionary<string, Tensor>>();
            foreach (var t in optimizerTensors)
            {
                // optimizer.state.{index}.{key}
                var rest = t.Name[OptimizerPrefix.Length..];
                var parts = rest.Split('.', 3);
                if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                    throw Bad($"tensor {StateJson.Quote(t.Name)} is not optimizer.state.<index>.<name>");
                if (!state.TryGetValue(index, out var entry)) state[index] = entry = new Dictionary<string, Tensor>();
                entry[parts[2]] = Tensor.FromArray(t.Data, t.Shape);
            }
            applyOptimizer = optimizer.PrepareLoad(new OptimizerStateDict(
                state.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, Tensor>)kv.Value), groups));
        }
        catch (ArgumentException e)
        {
            throw Bad("optimizer state: " + e.Message);
        }
        catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(JsonDocument).Assembly)
        {
            // A \u escape that decodes to a lone UTF-16 surrogate: JsonElement.GetString refuses it (found by fuzzing).
            throw Bad($"'{OptimizerKey}' has a JSON string that is not valid UTF-16 ({e.Message})");
        }

        Action applyScheduler = () => { };
        if (scheduler != null)
        {
            try
            {
                using var doc = ParseJson(meta, SchedulerKey, Bad);
                applyScheduler = scheduler.PrepareLoad(StateJson.Read(doc.RootElement, scheduler.StateDict(), "scheduler state"));
            }
            catch (ArgumentException e)
            {
                throw Bad("scheduler state: " + e.Message);
            }
            catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(JsonDocument).Assembly)
            {
                throw Bad($"'{SchedulerKey}' has a JSON string that is not valid UTF-16 ({e.Message})");
            }
        }

        if (!meta.TryGetValue(GeneratorKey, out var rng))
            throw Bad($"no '{GeneratorKey}' metadata");
        byte[] rngState;
        try
        {
            rngState = rng.Length <= 4 * Generator.StateLength ? Convert.FromBase64String(rng) : throw new FormatException("too long");
            new Generator(0).SetState(rngState); // validates without touching the default generator
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw Bad($"'{GeneratorKey}' is not a valid generator state ({e.Message})");
        }

        // Everything has been checked: assign, none of which can fail.
        model.ApplyStateDict(modelState);
        applyOptimizer();
        applyScheduler();
        Generator.Default.SetState(rngState);
        return meta.Where(kv => !kv.Key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static JsonDocument ParseJson(IReadOnlyDictionary<string, string> meta, string key, Func<string, InvalidDataException> bad)
    {
        if (!meta.TryGetValue(key, out var json)) throw bad($"no '{key}' metadata");
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw bad($"'{key}' is not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }
}
