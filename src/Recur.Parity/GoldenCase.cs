using System.Text.Json;

namespace Recur.Parity;

/// <summary>
/// One golden case file (format_version 1, see tests/Recur.Tests/Golden/README.md): typed access to its JSON
/// with errors that name the file and the key path, never a raw parser exception.
/// </summary>
public sealed class GoldenCase
{
    public string Path { get; }
    public string Name { get; }
    public string Kind { get; }
    public string Module { get; }
    internal JsonElement Root { get; }

    private GoldenCase(string path, JsonElement root)
    {
        Path = path;
        Root = root;
        Name = Str(root, "name");
        Kind = Str(root, "kind");
        Module = Str(root, "module");
        if (root.TryGetProperty("format_version", out var v) && (v.ValueKind != JsonValueKind.Number || v.GetInt32() != 1))
            throw Bad($"format_version {v} is not supported (expected 1)");
    }

    /// <summary>Reads and checks the top-level structure; a malformed file raises <see cref="InvalidDataException"/> naming it.</summary>
    public static GoldenCase Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(QuoteNonFiniteLiterals(File.ReadAllBytes(path)), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{System.IO.Path.GetFileName(path)}: not valid JSON ({e.Message})");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{System.IO.Path.GetFileName(path)}: expected a JSON object at the top level");
        try
        {
            return new GoldenCase(path, doc.RootElement);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(System.IO.Path.GetFileName(path)))
        {
            throw new InvalidDataException($"{System.IO.Path.GetFileName(path)}: {e.Message}");
        }
    }

    /// <summary>
    /// Python's json module writes NaN / Infinity / -Infinity as bare words, which strict JSON rejects;
    /// quote them (outside strings) so they parse and are read back as non-finite numbers.
    /// </summary>
    internal static byte[] QuoteNonFiniteLiterals(byte[] json)
    {
        ReadOnlySpan<byte> nan = "NaN"u8, inf = "Infinity"u8, ninf = "-Infinity"u8;
        var span = json.AsSpan();
        if (span.IndexOf(nan) < 0 && span.IndexOf(inf) < 0) return json;
        var o = new List<byte>(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte c = json[i];
            if (inString)
            {
                o.Add(c);
                if (c == (byte)'\\' && i + 1 < json.Length) o.Add(json[++i]);
                else if (c == (byte)'"') inString = false;
                continue;
            }
            if (c == (byte)'"') { inString = true; o.Add(c); continue; }
            var rest = span[i..];
            int len = rest.StartsWith(ninf) ? ninf.Length : rest.StartsWith(inf) ? inf.Length : rest.StartsWith(nan) ? nan.Length : 0;
            if (len == 0) { o.Add(c); continue; }
            o.Add((byte)'"');
            o.AddRange(rest[..len]);
            o.Add((byte)'"');
            i += len - 1;
        }
        return o.ToArray();
    }

    internal InvalidDataException Bad(string message) => new($"{System.IO.Path.GetFileName(Path)}: {message}");

    // ---- typed access -------------------------------------------------------------------------------

    internal JsonElement Get(JsonElement obj, string key, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Bad($"'{where}' is not an object");
        if (!obj.TryGetProperty(key, out var v)) throw Bad($"missing key '{(where.Length > 0 ? where + "." : "")}{key}'");
        return v;
    }

    internal JsonElement Section(string key) => Get(Root, key, "");

    internal bool Has(JsonElement obj, string key) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    private static string Str(JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"missing or non-string key '{key}'");
        return v.GetString()!;
    }

    internal int Int(JsonElement obj, string key, string where)
    {
        var v = Get(obj, key, where);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i)) throw Bad($"'{where}.{key}' must be an integer, got {v}");
        return i;
    }

    internal double Double(JsonElement obj, string key, string where)
    {
        var v = Get(obj, key, where);
        if (v.ValueKind == JsonValueKind.String && v.GetString() is "inf" or "Infinity") return double.PositiveInfinity;
        if (v.ValueKind != JsonValueKind.Number) throw Bad($"'{where}.{key}' must be a number, got {v}");
        return v.GetDouble();
    }

    internal bool Bool(JsonElement obj, string key, string where)
    {
        var v = Get(obj, key, where);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad($"'{where}.{key}' must be true or false, got {v}"),
        };
    }

    internal string String(JsonElement obj, string key, string where)
    {
        var v = Get(obj, key, where);
        if (v.ValueKind != JsonValueKind.String) throw Bad($"'{where}.{key}' must be a string, got {v}");
        return v.GetString()!;
    }

    /// <summary>A float32 tensor object {shape, dtype, data}.</summary>
    internal Tensor Tensor(JsonElement obj, string where)
    {
        var (shape, data) = RawTensor(obj, where, "float32");
        var values = new float[data.Length];
        for (int i = 0; i < data.Length; i++) values[i] = (float)data[i];
        return Recur.Tensor.FromArray(values, shape);
    }

    /// <summary>An int64 tensor object.</summary>
    internal IndexTensor Indices(JsonElement obj, string where)
    {
        var (shape, data) = RawTensor(obj, where, "int64");
        var values = new long[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != Math.Floor(data[i])) throw Bad($"'{where}' is int64 but holds {data[i]}");
            values[i] = (long)data[i];
        }
        return new IndexTensor(values, shape);
    }

    private (int[] Shape, double[] Data) RawTensor(JsonElement obj, string where, string dtype)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Bad($"'{where}' must be a tensor object {{shape, dtype, data}}");
        var shapeEl = Get(obj, "shape", where);
        var dataEl = Get(obj, "data", where);
        if (shapeEl.ValueKind != JsonValueKind.Array || dataEl.ValueKind != JsonValueKind.Array)
            throw Bad($"'{where}.shape' and '{where}.data' must be arrays");
        var actualType = String(obj, "dtype", where);
        if (actualType != dtype) throw Bad($"'{where}' has dtype {actualType}, expected {dtype}");
        var shape = new int[shapeEl.GetArrayLength()];
        long n = 1;
        int k = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0) throw Bad($"'{where}.shape' has a bad dimension {d}");
            shape[k++] = v;
            n *= v;
        }
        if (n != dataEl.GetArrayLength())
            throw Bad($"'{where}': shape {Shapes.Format(shape)} needs {n} values but data has {dataEl.GetArrayLength()}");
        var data = new double[n];
        k = 0;
        foreach (var v in dataEl.EnumerateArray())
            data[k++] = v.ValueKind switch
            {
                JsonValueKind.Number => v.GetDouble(),
                JsonValueKind.String when v.GetString() is "NaN" or "nan" => double.NaN,
                JsonValueKind.String when v.GetString() is "Infinity" or "inf" => double.PositiveInfinity,
                JsonValueKind.String when v.GetString() is "-Infinity" or "-inf" => double.NegativeInfinity,
                _ => throw Bad($"'{where}.data[{k}]' is not a number: {v}"),
            };
        return (shape, data);
    }
}
