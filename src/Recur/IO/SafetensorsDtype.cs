using System.Buffers.Binary;

namespace Recur.IO;

/// <summary>
/// The element types this reader accepts and how each widens to float32. Files are written as F32 only.
/// </summary>
internal static class SafetensorsDtype
{
    /// <summary>Bytes per element of <paramref name="dtype"/>, or 0 when it is not supported.</summary>
    public static int Size(string dtype) => dtype switch
    {
        "F32" => 4,
        "F16" or "BF16" => 2,
        "F64" => 8,
        _ => 0,
    };

    /// <summary>The interned name of the dtype the reader's current string token spells, or null when unsupported.</summary>
    public static string? Known(ref System.Text.Json.Utf8JsonReader reader) =>
        reader.ValueTextEquals("F32"u8) ? "F32" : reader.ValueTextEquals("F16"u8) ? "F16"
        : reader.ValueTextEquals("BF16"u8) ? "BF16" : reader.ValueTextEquals("F64"u8) ? "F64" : null;

    public const string Supported = "F32, F16, BF16, F64";

    /// <summary>Decodes little-endian <paramref name="bytes"/> of <paramref name="dtype"/> into <paramref name="values"/>.</summary>
    public static void Decode(string dtype, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                // bfloat16 is the top half of a float32's bits.
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
            };
        }
    }
}
