using System.Text;
using System.Text.Json;

namespace Recur.IO;

/// <summary>
/// The JSON header of a safetensors file: writing it the way the reference implementation does,
/// and reading it back with every check made before any tensor memory is allocated.
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>One tensor's entry: offsets are relative to the start of the data buffer.</summary>
    public sealed record Entry(string Name, string Dtype, int[] Shape, long ElementCount, long Begin, long End);

    /// <summary>
    /// Compact JSON as serde_json writes it: <c>__metadata__</c> first (keys sorted here, the
    /// reference leaves them in hash order), then each tensor as
    /// <c>{"dtype":"F32","shape":[..],"data_offsets":[b,e]}</c> in data order; padded with spaces
    /// to a multiple of 8 bytes so the data buffer starts aligned.
    /// </summary>
    public static byte[] Write(IReadOnlyList<(string Name, int[] Shape, long Begin, long End)> tensors,
        IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var json = new StringBuilder("{");
        var entries = metadata.ToList();
        if (entries.Count > 0)
        {
            AppendString(json, MetadataKey);
            json.Append(":{");
            entries.Sort((a, b) => CompareUtf8(a.Key, b.Key));
            for (int i = 0; i < entries.Count; i++)
            {
                if (i > 0) json.Append(',');
                AppendString(json, entries[i].Key);
                json.Append(':');
                AppendString(json, entries[i].Value);
            }
            json.Append('}');
            if (tensors.Count > 0) json.Append(',');
        }
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (i > 0) json.Append(',');
            AppendString(json, t.Name);
            json.Append(":{\"dtype\":\"F32\",\"shape\":[").AppendJoin(',', t.Shape)
                .Append("],\"data_offsets\":[").Append(t.Begin).Append(',').Append(t.End).Append("]}");
        }
        json.Append('}');
        int length = Encoding.UTF8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>Byte-wise order of the UTF-8 encodings, as Rust sorts strings.</summary>
    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>
    /// Parses and checks the header: JSON of the right shape, known dtypes, non-negative dims whose
    /// product times the dtype size equals the byte range (no overflow), offsets inside the data
    /// buffer of <paramref name="dataLength"/> bytes and not overlapping. Entries come back in data order.
    /// </summary>
    /// <exception cref="InvalidDataException">The header breaks any of those rules; the message says which.</exception>
    public static (List<Entry> Tensors, Dictionary<string, string> Metadata) Read(byte[] header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(header);
            doc = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw new InvalidDataException($"the header is not valid UTF-8 JSON ({FirstLine(e.Message)})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"the header is a JSON {doc.RootElement.ValueKind}, not an object");
            var tensors = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new InvalidDataException($"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata);
                else
                    tensors.Add(ReadEntry(property.Name, property.Value, dataLength));
            }
            tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            for (int i = 1; i < tensors.Count; i++)
                if (tensors[i].Begin < tensors[i - 1].End)
                    throw new InvalidDataException(
                        $"tensors '{tensors[i - 1].Name}' [{tensors[i - 1].Begin}, {tensors[i - 1].End}) and '{tensors[i].Name}' [{tensors[i].Begin}, {tensors[i].End}) overlap");
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"metadata '{item.Name}' is a JSON {item.Value.ValueKind}, not a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new InvalidDataException($"metadata '{item.Name}' appears twice");
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, long dataLength)
    {
        string where = $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where} is a JSON {value.ValueKind}, not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{where} has no string 'dtype'");
        string dtype = dtypeElement.GetString()!;
        int size = SafetensorsDtype.Size(dtype);
        if (size == 0)
            throw new InvalidDataException($"{where} has dtype '{dtype}'; supported: {SafetensorsDtype.Supported}");

        ulong[] dims = ReadIntegers(value, "shape", where, count: null);
        var shape = new int[dims.Length];
        ulong count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
                throw new InvalidDataException($"{where} has dimension {dims[i]}, more than {int.MaxValue}");
            shape[i] = (int)dims[i];
            if (count != 0 && dims[i] > (ulong)Array.MaxLength / count)
                throw new InvalidDataException($"{where} has shape [{string.Join(", ", dims)}]: too many elements");
            count *= dims[i];
        }

        ulong[] offsets = ReadIntegers(value, "data_offsets", where, count: 2);
        ulong begin = offsets[0], end = offsets[1];
        if (begin > end || end > (ulong)dataLength)
            throw new InvalidDataException(
                $"{where} has data_offsets [{begin}, {end}] outside the data buffer of {dataLength} bytes");
        if (count * (ulong)size != end - begin)
            throw new InvalidDataException(
                $"{where} has shape [{string.Join(", ", dims)}] of {dtype}: {count * (ulong)size} bytes, but data_offsets span {end - begin}");
        return new Entry(name, dtype, shape, (long)count, (long)begin, (long)end);
    }

    // A JSON array of non-negative integers (of exactly `count` items when given).
    private static ulong[] ReadIntegers(JsonElement value, string key, string where, int? count)
    {
        if (!value.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{where} has no array '{key}'");
        if (count is int n && array.GetArrayLength() != n)
            throw new InvalidDataException($"{where} has {array.GetArrayLength()} '{key}', expected {n}");
        var result = new ulong[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out result[i++]))
                throw new InvalidDataException($"{where} has '{key}' {item.GetRawText()}, not a non-negative integer");
        }
        return result;
    }

    // JSON string as serde_json escapes it: quote, backslash and control characters only.
    private static void AppendString(StringBuilder json, string s)
    {
        json.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
