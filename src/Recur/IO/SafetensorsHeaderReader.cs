using System.Text.Json;
using System.Text.Unicode;

namespace Recur.IO;

/// <summary>
/// Reads a safetensors JSON header token by token (<see cref="Utf8JsonReader"/>), so the work and memory are
/// linear in the header and the limits are enforced while reading, not after building a whole document.
/// Accepts what the reference parser (serde_json) accepts, with these decisions: the header must begin with
/// <c>{</c> (no leading whitespace, as the format says); JSON whitespace may follow the object (padding);
/// every string, read or not, must decode to valid UTF-16 (a lone surrogate escape like <c>"\ud800"</c> is
/// refused, as serde_json does); a repeated key is refused.
/// </summary>
internal static class SafetensorsHeaderReader
{
    /// <exception cref="InvalidDataException">The header breaks a rule or a limit; the one-line, bounded message says which.</exception>
    public static (List<SafetensorsHeader.Entry> Tensors, Dictionary<string, string> Metadata) Read(
        ReadOnlySpan<byte> header, long dataLength, SafetensorsLimits limits)
    {
        if (!Utf8.IsValid(header))
            throw new InvalidDataException("the header is not valid UTF-8");
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new InvalidDataException("the header does not begin with '{'");
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 64 });
        var tensors = new List<SafetensorsHeader.Entry>();
        var metadata = new Dictionary<string, string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            Next(ref reader);
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                string name = Text(ref reader, "a tensor name");
                if (!names.Add(name))
                    throw new InvalidDataException($"the header names '{BoundedText.Quote(name)}' twice");
                if (name == SafetensorsHeader.MetadataKey)
                    ReadMetadata(ref reader, metadata);
                else
                {
                    if (tensors.Count == limits.MaxTensors)
                        throw new InvalidDataException($"the header has more than {limits.MaxTensors} tensors (SafetensorsLimits.MaxTensors)");
                    tensors.Add(ReadEntry(ref reader, name, dataLength, limits));
                }
            }
            // Only whitespace may follow the object; the reader throws on anything else.
            if (reader.Read())
                throw new InvalidDataException("the header has content after its JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the header is not valid JSON ({BoundedText.Quote(FirstLine(e.Message), 160)})");
        }

        // The reference layout: tensors tile the data buffer from 0 to its end, in offset order, with no gap,
        // overlap or trailing byte (a loader that accepts slack is how polyglot files get through).
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        string previous = "the start of the data buffer";
        foreach (var t in tensors)
        {
            if (t.Begin != expected)
                throw new InvalidDataException(t.Begin < expected
                    ? $"tensor '{BoundedText.Quote(t.Name)}' at [{t.Begin}, {t.End}) overlaps {previous}, which ends at {expected}"
                    : $"tensor '{BoundedText.Quote(t.Name)}' at [{t.Begin}, {t.End}) leaves a gap of {t.Begin - expected} bytes after {previous}");
            expected = t.End;
            previous = $"tensor '{BoundedText.Quote(t.Name)}'";
        }
        if (expected != dataLength)
            throw new InvalidDataException($"the data buffer has {dataLength} bytes but the tensors cover {expected}: {dataLength - expected} bytes follow the last one");
        return (tensors, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null) return;
        if (token != JsonTokenType.StartObject)
            throw new InvalidDataException($"'{SafetensorsHeader.MetadataKey}' is a JSON {Kind(token)}, not an object of strings");
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            string key = Text(ref reader, "a metadata key");
            var value = Next(ref reader);
            if (value != JsonTokenType.String)
                throw new InvalidDataException($"metadata '{BoundedText.Quote(key)}' is a JSON {Kind(value)}, not a string");
            if (!metadata.TryAdd(key, Text(ref reader, $"metadata '{BoundedText.Quote(key)}'")))
                throw new InvalidDataException($"metadata '{BoundedText.Quote(key)}' appears twice");
        }
    }

    private static SafetensorsHeader.Entry ReadEntry(ref Utf8JsonReader reader, string name, long dataLength, SafetensorsLimits limits)
    {
        // Allocation per entry is kept small (a header of 100 000 tensors is legal): keys are compared in place,
        // dtypes map to interned strings, and messages are built only when thrown.
        var token = Next(ref reader);
        if (token != JsonTokenType.StartObject)
            throw new InvalidDataException($"{Where(name)} is a JSON {Kind(token)}, not an object");
        string? dtype = null;
        int[]? shape = null;
        ulong count = 1, begin = 0, end = 0;
        bool haveOffsets = false;
        Span<ulong> values = limits.MaxRank <= 128 ? stackalloc ulong[128] : new ulong[limits.MaxRank];
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            // ValueTextEquals throws on a lone surrogate escape too: decode escaped text first.
            if (reader.ValueIsEscaped) _ = Text(ref reader, $"a key of {Where(name)}");
            if (reader.ValueTextEquals("dtype"u8))
            {
                if (dtype != null) throw Twice(name, "dtype");
                if (Next(ref reader) != JsonTokenType.String)
                    throw new InvalidDataException($"{Where(name)} has no string 'dtype'");
                if (reader.ValueIsEscaped) _ = Text(ref reader, $"the dtype of {Where(name)}");
                dtype = SafetensorsDtype.Known(ref reader)
                    ?? throw new InvalidDataException($"{Where(name)} has dtype '{BoundedText.Quote(Text(ref reader, $"the dtype of {Where(name)}"))}'; supported: {SafetensorsDtype.Supported}");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape != null) throw Twice(name, "shape");
                int rank = Integers(ref reader, "shape", name, values, limits.MaxRank);
                shape = new int[rank];
                for (int i = 0; i < rank; i++)
                {
                    ulong d = values[i];
                    if (d > int.MaxValue)
                        throw new InvalidDataException($"{Where(name)} has dimension {d}, more than {int.MaxValue}");
                    shape[i] = (int)d;
                    if (count != 0 && d > (ulong)Array.MaxLength / count)
                        throw new InvalidDataException($"{Where(name)} has shape {Dims(values[..rank])}: too many elements (an array holds at most {Array.MaxLength})");
                    count *= d;
                }
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                if (haveOffsets) throw Twice(name, "data_offsets");
                int n = Integers(ref reader, "data_offsets", name, values, 2);
                if (n != 2)
                    throw new InvalidDataException($"{Where(name)} has {n} 'data_offsets', expected 2");
                (begin, end, haveOffsets) = (values[0], values[1], true);
            }
            else
            {
                // Ignored as serde ignores unknown fields, but still checked (strings must decode).
                Skip(ref reader, name);
            }
        }
        if (dtype is null) throw new InvalidDataException($"{Where(name)} has no string 'dtype'");
        if (shape is null) throw new InvalidDataException($"{Where(name)} has no array 'shape'");
        if (!haveOffsets) throw new InvalidDataException($"{Where(name)} has no array 'data_offsets'");
        if (begin > end || end > (ulong)dataLength)
            throw new InvalidDataException($"{Where(name)} has data_offsets [{begin}, {end}] outside the data buffer of {dataLength} bytes");
        ulong bytes = count * (ulong)SafetensorsDtype.Size(dtype);
        if (bytes != end - begin)
            throw new InvalidDataException(
                $"{Where(name)} has shape {Shapes.Format(shape)} of {dtype}: {bytes} bytes, but data_offsets span {end - begin}");
        return new SafetensorsHeader.Entry(name, dtype, shape, (long)count, (long)begin, (long)end);
    }

    private static string Where(string name) => $"tensor '{BoundedText.Quote(name)}'";

    private static string Dims(ReadOnlySpan<ulong> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";

    // A JSON array of at most `max` non-negative integers into `values`; returns how many.
    private static int Integers(ref Utf8JsonReader reader, string key, string name, scoped Span<ulong> values, int max)
    {
        var token = Next(ref reader);
        if (token != JsonTokenType.StartArray)
            throw new InvalidDataException($"{Where(name)} has no array '{key}'");
        int n = 0;
        while ((token = Next(ref reader)) != JsonTokenType.EndArray)
        {
            if (n == max)
                throw new InvalidDataException(key == "shape"
                    ? $"{Where(name)} has more than {max} dimensions (SafetensorsLimits.MaxRank)"
                    : $"{Where(name)} has more than {max} '{key}', expected {max}");
            if (token != JsonTokenType.Number || !reader.TryGetUInt64(out values[n]))
                throw new InvalidDataException($"{Where(name)} has '{key}' {Raw(ref reader, token)}, not a non-negative integer");
            n++;
        }
        return n;
    }

    // Skips one value, decoding every string in it so a lone surrogate anywhere is refused.
    private static void Skip(ref Utf8JsonReader reader, string name)
    {
        int depth = 0;
        do
        {
            var token = Next(ref reader);
            if (token is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                _ = Text(ref reader, $"a value of {Where(name)}");
            else if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                depth++;
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                depth--;
        } while (depth > 0);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
            throw new InvalidDataException("the header ends inside its JSON object");
        return reader.TokenType;
    }

    private static string Text(ref Utf8JsonReader reader, string what)
    {
        if (!reader.ValueIsEscaped)
            return reader.GetString()!; // valid UTF-8 already checked, nothing to decode
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode a lone surrogate escape; serde_json refuses to parse it.
            throw new InvalidDataException($"{what} at byte {reader.TokenStartIndex} has a \\u escape that is a lone UTF-16 surrogate");
        }
    }

    private static string Raw(ref Utf8JsonReader reader, JsonTokenType token) => token switch
    {
        JsonTokenType.Number => BoundedText.Quote(System.Text.Encoding.UTF8.GetString(reader.ValueSpan.Length > 100 ? reader.ValueSpan[..100] : reader.ValueSpan)),
        JsonTokenType.String => "a string",
        _ => "a JSON " + Kind(token),
    };

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        JsonTokenType.String => "String",
        JsonTokenType.Number => "Number",
        JsonTokenType.True or JsonTokenType.False => "Boolean",
        JsonTokenType.Null => "Null",
        _ => token.ToString(),
    };

    private static InvalidDataException Twice(string name, string key) => new($"{Where(name)} has '{key}' twice");

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
