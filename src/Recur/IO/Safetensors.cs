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
    /// <summary>Largest header <see cref="SafetensorsLimits.MaxHeaderBytes"/> may allow, as in the reference implementation (100 MB).</summary>
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

    /// <summary>The string metadata (<c>__metadata__</c>) of a safetensors file, after checking the whole file as <see cref="Load(string)"/> does.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Load(path).Metadata;

    /// <summary>
    /// Reads a safetensors file with <see cref="SafetensorsLimits.Default"/>, widening F16, BF16 and F64 to float32.
    /// Everything about the file is checked before tensor memory is allocated, so a corrupt length or offset
    /// cannot cause a huge allocation or an out-of-range read.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the one-line message names the file and the fault.</exception>
    public static SafetensorsFile Load(string path) => Load(path, SafetensorsLimits.Default);

    /// <summary>Reads a safetensors file as <see cref="Load(string)"/> does, under <paramref name="limits"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors or exceeds a limit; the one-line message names the file and the fault.</exception>
    public static SafetensorsFile Load(string path, SafetensorsLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(limits);
        if (!File.Exists(path))
            throw new FileNotFoundException($"safetensors file not found: {BoundedText.Path(path)}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Load(stream, path, limits);
    }

    /// <summary>
    /// Reads safetensors from the start of a seekable <paramref name="stream"/> (the whole stream is the file);
    /// <paramref name="name"/> names it in messages.
    /// </summary>
    /// <exception cref="ArgumentException">The stream cannot seek or read.</exception>
    /// <exception cref="InvalidDataException">The bytes are not valid safetensors or exceed a limit; the one-line message names the file and the fault.</exception>
    public static SafetensorsFile Load(Stream stream, string name, SafetensorsLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("safetensors are read from a seekable, readable stream", nameof(stream));
        limits ??= SafetensorsLimits.Default;
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Invalid(name, $"{fileLength} bytes is shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(name, $"header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        if (headerLength > (ulong)limits.MaxHeaderBytes)
            throw Invalid(name, $"header length {headerLength} exceeds the {limits.MaxHeaderBytes}-byte limit (SafetensorsLimits.MaxHeaderBytes)");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        List<SafetensorsHeader.Entry> entries;
        Dictionary<string, string> metadata;
        try
        {
            (entries, metadata) = SafetensorsHeaderReader.Read(header, fileLength - dataStart, limits);
        }
        catch (InvalidDataException e)
        {
            throw Invalid(name, e.Message);
        }
        header = null!; // let it go before the data arrays are allocated

        // Tensors tile the data buffer in order (checked above), so one forward pass reads them all.
        var tensors = new List<NamedTensorData>(entries.Count);
        var chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(8, fileLength - dataStart))];
        foreach (var e in entries)
        {
            var data = new float[e.ElementCount];
            stream.Position = dataStart + e.Begin;
            ReadValues(stream, e.Dtype, data, chunk);
            tensors.Add(new NamedTensorData(e.Name, e.Shape, data));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    // Reads little-endian values of `dtype` into `values`, a chunk of whole elements at a time.
    private static void ReadValues(Stream stream, string dtype, float[] values, byte[] chunk)
    {
        if (dtype == "F32" && BitConverter.IsLittleEndian)
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        int size = SafetensorsDtype.Size(dtype), perChunk = chunk.Length / size;
        for (int done = 0; done < values.Length; done += perChunk)
        {
            int n = Math.Min(perChunk, values.Length - done);
            var bytes = chunk.AsSpan(0, n * size);
            stream.ReadExactly(bytes);
            SafetensorsDtype.Decode(dtype, bytes, values.AsSpan(done, n));
        }
    }

    private const int ChunkBytes = 64 << 10;

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
        new($"{BoundedText.Path(path)}: not a valid safetensors file: {what}");
}
