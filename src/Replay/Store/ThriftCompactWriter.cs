using System.Buffers;
using System.Text;

namespace KernelSim.Replay.Store;

/// <summary>
/// Writes Thrift's compact protocol (the encoding of Parquet page headers and file metadata) into a growable
/// buffer: fields in the order written, field ids as deltas where they fit in four bits, integers as zigzag
/// varints, lists with their element type. Only what <see cref="RawEventParquetWriter"/> needs.
/// </summary>
/// <remarks>Format: the Thrift compact protocol specification (thrift/doc/specs/thrift-compact-protocol.md).</remarks>
internal sealed class ThriftCompactWriter
{
    // Compact protocol type codes.
    public const byte BooleanTrue = 1;
    public const byte BooleanFalse = 2;
    public const byte Byte = 3;
    public const byte I32 = 5;
    public const byte I64 = 6;
    public const byte Binary = 8;
    public const byte List = 9;
    public const byte Struct = 12;

    private readonly ArrayBufferWriter<byte> _out;
    private readonly Stack<short> _enclosing = new();
    private short _lastField;

    public ThriftCompactWriter(ArrayBufferWriter<byte> output) => _out = output;

    /// <summary>Starts a struct that is a list element or the outermost value (no field header).</summary>
    public void StructBegin()
    {
        _enclosing.Push(_lastField);
        _lastField = 0;
    }

    /// <summary>Ends the current struct (the stop byte).</summary>
    public void StructEnd()
    {
        _lastField = _enclosing.Pop();
        WriteByte(0);
    }

    /// <summary>A struct-valued field: its header, then the caller writes the fields and <see cref="StructEnd"/>.</summary>
    public void FieldStructBegin(short id)
    {
        FieldHeader(id, Struct);
        StructBegin();
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, I32);
        I32Value(value);
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, I64);
        VarInt((ulong)((value << 1) ^ (value >> 63)));
    }

    public void FieldByte(short id, sbyte value)
    {
        FieldHeader(id, Byte);
        WriteByte((byte)value);
    }

    public void FieldBool(short id, bool value) => FieldHeader(id, value ? BooleanTrue : BooleanFalse);

    public void FieldBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, Binary);
        BinaryValue(value);
    }

    public void FieldString(short id, string value)
    {
        FieldHeader(id, Binary);
        StringValue(value);
    }

    /// <summary>A list-valued field's header; the caller then writes <paramref name="count"/> values of <paramref name="elementType"/>.</summary>
    public void FieldListBegin(short id, byte elementType, int count)
    {
        FieldHeader(id, List);
        if (count <= 14)
        {
            WriteByte((byte)((count << 4) | elementType));
        }
        else
        {
            WriteByte((byte)(0xF0 | elementType));
            VarInt((uint)count);
        }
    }

    public void I32Value(int value) => VarInt((uint)((value << 1) ^ (value >> 31)));

    public void BinaryValue(ReadOnlySpan<byte> value)
    {
        VarInt((uint)value.Length);
        _out.Write(value);
    }

    public void StringValue(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        VarInt((uint)n);
        Encoding.UTF8.GetBytes(value, _out.GetSpan(n));
        _out.Advance(n);
    }

    private void FieldHeader(short id, byte type)
    {
        int delta = id - _lastField;
        if (delta is > 0 and <= 15)
        {
            WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            WriteByte(type);
            I32Value(id);
        }

        _lastField = id;
    }

    private void VarInt(ulong n)
    {
        Span<byte> b = _out.GetSpan(10);
        int i = 0;
        while (n > 0x7F)
        {
            b[i++] = (byte)((n & 0x7F) | 0x80);
            n >>= 7;
        }

        b[i++] = (byte)n;
        _out.Advance(i);
    }

    private void WriteByte(byte b)
    {
        _out.GetSpan(1)[0] = b;
        _out.Advance(1);
    }
}
