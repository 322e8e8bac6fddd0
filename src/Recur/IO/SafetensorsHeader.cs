using System.Text;

namespace Recur.IO;

/// <summary>
/// The JSON header of a safetensors file: writing it the way the reference implementation does,
/// and the entry type <see cref="SafetensorsHeaderReader"/> reads back.
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
}
