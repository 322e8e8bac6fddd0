using System.Globalization;
using Recur.IO;

namespace Recur.Text;

/// <summary>A trained character model and the characters its indices stand for.</summary>
/// <param name="Model">The network.</param>
/// <param name="Vocabulary">Index → character.</param>
/// <param name="Metadata">Everything the file's header carries (sizes, training settings, validation loss).</param>
public sealed record CharLmModel(CharLm Model, CharVocabulary Vocabulary, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// A character model on disk: safetensors with the parameters under PyTorch's names (<c>embedding.weight</c> [V, E],
/// <c>lstm.weight_ih_l0</c> …, <c>head.weight</c> [V, H], <c>head.bias</c> [V]) and, in <c>__metadata__</c>, <c>vocab</c>
/// (a JSON string of the characters in index order) and the hyper-parameters. tools/charlm_eval.py loads it in PyTorch.
/// </summary>
public static class CharLmFile
{
    /// <summary>The <c>format</c> metadata value.</summary>
    public const string Format = "recur.charlm";

    private const int MaxSize = CharLmConfig.MaxSize, MaxLayers = CharLmConfig.MaxLayers;

    /// <summary>Writes the model atomically; <paramref name="extra"/> adds metadata (training settings, losses).</summary>
    public static void Save(string path, CharLm model, CharVocabulary vocab, IReadOnlyDictionary<string, string>? extra = null)
    {
        if (vocab.Count != model.Config.VocabSize)
            throw new ArgumentException($"the vocabulary has {vocab.Count} characters but the model {model.Config.VocabSize} classes");
        var tensors = model.NamedParameters()
            .Select(p => new NamedTensorData(p.Name, p.Parameter.Shape.ToArray(), p.Parameter.ToArray()))
            .ToList();
        var meta = new Dictionary<string, string>();
        if (extra != null) foreach (var (k, v) in extra) meta[k] = v;
        meta["format"] = Format;
        meta["vocab"] = vocab.ToJson();
        meta["vocab_size"] = Int(vocab.Count);
        meta["embedding_dim"] = Int(model.Config.EmbeddingDim);
        meta["hidden_size"] = Int(model.Config.HiddenSize);
        meta["num_layers"] = Int(model.Config.NumLayers);
        meta["dropout"] = model.Config.Dropout.ToString("R", CultureInfo.InvariantCulture);
        meta["batch_first"] = "true";
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Reads a model file, checking every tensor's name and shape against the sizes in its metadata.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not safetensors, not a char model, or the metadata and tensors disagree.</exception>
    public static CharLmModel Load(string path)
    {
        var file = Safetensors.Load(path);
        var m = file.Metadata;
        if (!m.TryGetValue("format", out var format) || format != Format)
            throw Invalid(path, $"metadata 'format' is {(format is null ? "missing" : $"'{Clip(format)}'")}, expected '{Format}' (not a recur charlm model)");
        if (!m.TryGetValue("vocab", out var vocabJson)) throw Invalid(path, "metadata 'vocab' is missing");
        CharVocabulary vocab;
        try { vocab = CharVocabulary.FromJson(vocabJson); }
        catch (FormatException e) { throw Invalid(path, e.Message); }
        int e_ = ReadInt(path, m, "embedding_dim"), h = ReadInt(path, m, "hidden_size"), l = ReadInt(path, m, "num_layers", MaxLayers);
        float dropout = 0f;
        if (m.TryGetValue("dropout", out var d) && !float.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout))
            throw Invalid(path, $"metadata 'dropout' is '{Clip(d)}', not a number");
        if (!(dropout >= 0 && dropout < 1)) dropout = 0f; // only used in training; a bad value must not stop inference
        var config = new CharLmConfig(vocab.Count, e_, h, l, dropout);
        // Every tensor checked against the sizes in the header before the model is built: a header claiming a huge model
        // over a small file is refused without allocating its weights.
        var byName = file.Tensors.ToDictionary(t => t.Name);
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in CharLm.ParameterShapes(config))
        {
            if (!byName.TryGetValue(name, out var t)) throw Invalid(path, $"tensor '{name}' is missing");
            if (!t.Shape.SequenceEqual(shape))
                throw Invalid(path, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}] from the metadata");
            state[name] = Tensor.FromArray(t.Data, t.Shape);
        }
        var extraNames = byName.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (extraNames.Count > 0) throw Invalid(path, $"unexpected tensor(s): {Clip(string.Join(", ", extraNames))}");
        var model = new CharLm(config, new Generator(0));
        model.LoadStateDict(state);
        model.Eval();
        return new CharLmModel(model, vocab, m);
    }

    private static int ReadInt(string path, IReadOnlyDictionary<string, string> m, string key, int max = MaxSize)
    {
        if (!m.TryGetValue(key, out var s)) throw Invalid(path, $"metadata '{key}' is missing");
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 1 || v > max)
            throw Invalid(path, $"metadata '{key}' is '{Clip(s)}', expected an integer in [1, {max}]");
        return v;
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    // One line, bounded: a hostile header value must not become a long or multi-line message.
    private static string Clip(string s) => BoundedText.Quote(s);

    private static InvalidDataException Invalid(string path, string what) => new($"{path}: not a valid charlm model: {what}");
}
