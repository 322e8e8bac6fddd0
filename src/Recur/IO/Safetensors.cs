using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Recur.IO;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
/// <code>
/// [8 bytes]  N, unsigned little-endian: length of the header
/// [N bytes]  UTF-8 JSON: {"__metadata__": {"k": "v", ..}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..}
/// [rest]     the data buffer: each tensor's little-endian values at [begin, end) of it, row-major
/// </code>
/// </summary>
public static class Safetensors
{
    /// <summary>Largest header accepted, as in the reference implementation (100 MB).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> as F32 with <paramref name="metadata"/>, atomically through
    /// <see cref="AtomicFile"/>: on any failure (or a kill) the previous file is untouched. Tensors are laid out sorted by name (byte-wise UTF-8, as the
    /// reference writer orders tensors of one dtype); the header is padded with spaces to a multiple of 8.
    /// </summary>
    /// <exception cref="ArgumentException">A shape does not match its data, a dimension is negative, or a name is repeated or reserved.</exception>
    public static void Save(string path, IReadOnlyList<NamedTensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        Validate(tensors);

        var ordered = tensors.ToList();
        ordered.Sort((a, b) => SafetensorsHeader.CompareUtf8(a.Name, b.Name));
        var layout = new List<(string, int[], long, long)>(ordered.Count);
        long offset = 0;
        foreach (var t in ordered)
        {
            long bytes = 4L * t.Data.Length;
            layout.Add((t.Name, t.Shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = SafetensorsHeader.Write(layout, metadata ?? new Dictionary<string, string>());

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var t in ordered)
                WriteLittleEndian(stream, t.Data);
        });
    }

    /// <summary>The string metadata (<c>__metadata__</c>) of a safetensors file, after checking the whole file as <see cref="Load"/> does.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Load(path).Metadata;

    /// <summary>
    /// Reads a safetensors file, widening F16, BF16 and F64 to float32. Everything about the file is
    /// checked before tensor memory is allocated, so a corrupt length or offset cannot cause a huge
    /// allocation or an out-of-range read.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the one-line message names the file and the fault.</exception>
    public static SafetensorsFile Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"safetensors file not found: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Invalid(path, $"{fileLength} bytes is shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(path, $"header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        if (headerLength > MaxHeaderLength)
            throw Invalid(path, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        List<SafetensorsHeader.Entry> entries;
        Dictionary<string, string> metadata;
        try
        {
            (entries, metadata) = SafetensorsHeader.Read(header, fileLength - dataStart);
        }
        catch (InvalidDataException e)
        {
            throw Invalid(path, e.Message);
        }

        var tensors = new List<NamedTensorData>(entries.Count);
        foreach (var e in entries)
        {
            var data = new float[e.ElementCount];
            var bytes = new byte[e.End - e.Begin];
            stream.Position = dataStart + e.Begin;
            stream.ReadExactly(bytes);
            SafetensorsDtype.Decode(e.Dtype, bytes, data);
            tensors.Add(new NamedTensorData(e.Name, e.Shape, data));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private static void Validate(IReadOnlyList<NamedTensorData> tensors)
    {
        var names = new HashSet<string>();
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t);
            if (t.Name is null || t.Shape is null || t.Data is null)
                throw new ArgumentException($"tensor '{t.Name}' has a null name, shape or data");
            if (t.Name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor");
            if (!names.Add(t.Name))
                throw new ArgumentException($"tensor name '{t.Name}' is used twice");
            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                    throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in shape [{string.Join(", ", t.Shape)}]");
                // Saturate: any count above int.MaxValue already cannot match an array's length.
                count = Math.Min(count * d, (long)int.MaxValue + 1);
            }
            if (count != t.Data.Length)
                throw new ArgumentException(
                    $"tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] ({count} elements) but {t.Data.Length} values");
        }
    }

    private static void WriteLittleEndian(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var bytes = new byte[4 * data.Length];
        for (int i = 0; i < data.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        stream.Write(bytes);
    }

    private static InvalidDataException Invalid(string path, string what) =>
        new($"{path}: not a valid safetensors file: {what}");
}
