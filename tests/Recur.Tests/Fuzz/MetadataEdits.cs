using CsCheck;
using Recur.IO;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Edits of a safetensors model file for the model-file fuzz targets: in the metadata, a whole value replaced by one of a
/// target's hostile replacements, one JSON number or string inside a value replaced, or hostile tokens inserted and a
/// range deleted; and one tensor renamed, reshaped, shortened or given a NaN or a huge value.
/// </summary>
internal static class MetadataEdits
{
    public sealed record Edit(int Key, int At, int Token, int Delete, int Replace);

    /// <summary>Zero to two edits drawing from <paramref name="replacements"/> replacement values.</summary>
    public static Gen<Edit[]> Gen(int replacements) =>
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 63], CsCheck.Gen.Int[0, int.MaxValue], CsCheck.Gen.Int[0, 255], CsCheck.Gen.Int[0, 12],
            CsCheck.Gen.Int[-1, replacements - 1], (k, a, t, d, r) => new Edit(k, a, t, d, r)).Array[0, 2];

    /// <summary>The metadata with <paramref name="edits"/> applied (keys taken in ordinal order, modulo their count).</summary>
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> original, Edit[] edits, string[] replacements)
    {
        var metadata = original.ToDictionary(kv => kv.Key, kv => kv.Value);
        var keys = metadata.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        foreach (var e in edits)
        {
            string key = keys[e.Key % keys.Length], value = metadata[key];
            if (e.Replace >= 0 && e.Key % 2 == 0)
            {
                metadata[key] = replacements[e.Replace]; // the whole value
                continue;
            }
            if (e.Replace >= 0)
            {
                // One JSON number or string inside the value (a scaler's std, a loop counter, a size in the settings) replaced.
                var parts = System.Text.RegularExpressions.Regex.Matches(value, @"-?\d+(\.\d+)?([eE][-+]?\d+)?|""[^""\\]*""");
                if (parts.Count > 0)
                {
                    var m = parts[e.At % parts.Count];
                    metadata[key] = value.Remove(m.Index, m.Length).Insert(m.Index, replacements[e.Replace]);
                    continue;
                }
            }
            int at = e.At % (value.Length + 1);
            value = value.Remove(at, Math.Min(e.Delete, value.Length - at));
            metadata[key] = value.Insert(at, System.Text.Encoding.UTF8.GetString(FuzzMutations.Tokens[e.Token % FuzzMutations.Tokens.Length]));
        }
        return metadata;
    }

    /// <summary>Kinds of tensor edit <see cref="EditTensor"/> knows (0 leaves the tensor alone).</summary>
    public const int TensorEdits = 6;

    /// <summary>
    /// Tensor <paramref name="index"/> (modulo the count) edited: 1 renamed, 2 its shape reversed (the same values), 3 one
    /// value short, 4 a NaN, 5 a finite but huge value (3·10³⁸).
    /// </summary>
    public static List<NamedTensorData> EditTensor(IReadOnlyList<NamedTensorData> tensors, int index, int kind)
    {
        var list = tensors.ToList();
        int i = index % list.Count;
        var t = list[i];
        list[i] = kind switch
        {
            1 => t with { Name = t.Name + "x" },
            2 => t with { Shape = [.. t.Shape.Reverse()] },
            3 when t.Data.Length > 1 => t with { Shape = [t.Data.Length - 1], Data = t.Data[..^1] },
            4 => t with { Data = [.. t.Data.Select((v, k) => k == 0 ? float.NaN : v)] },
            5 => t with { Data = [.. t.Data.Select((v, k) => k == 0 ? 3e38f : v)] },
            _ => t,
        };
        return list;
    }

    /// <summary>For a failure report: the metadata values of <paramref name="bytes"/> that differ from the original's, each cut at 400 characters.</summary>
    public static string Changed(SafetensorsFile original, byte[] bytes)
    {
        try
        {
            var file = Safetensors.Load(new MemoryStream(bytes), "input");
            return string.Join("; ", file.Metadata.Where(kv => !original.Metadata.TryGetValue(kv.Key, out var v) || v != kv.Value)
                .Select(kv => $"{kv.Key}={(kv.Value.Length > 400 ? kv.Value[..400] + "…" : kv.Value)}"));
        }
        catch (InvalidDataException) { return "(not readable as safetensors)"; }
    }

    /// <summary>
    /// A load or prediction error within the targets' bounds: at most <paramref name="max"/> characters beyond the path, on
    /// one line unless <paramref name="multiLineStateDict"/> allows PyTorch's "Error(s) in loading state_dict" layout.
    /// </summary>
    public static void AssertBounded(Exception e, string path, int max, bool multiLineStateDict = false)
    {
        string message = e.Message.Replace(path, "");
        Xunit.Assert.True(message.Length <= max, $"{message.Length}-character message: {message[..Math.Min(200, message.Length)]}");
        if (!multiLineStateDict || !message.Contains("Error(s) in loading state_dict")) Xunit.Assert.DoesNotContain('\n', message);
    }
}
