using System.Buffers;
using System.Text;

namespace ElevenLabs.Functions.Webhooks;

/// <summary>
/// Checks that a body of any size is one JSON value (RFC 8259 grammar) and finds its top-level <c>"type"</c>, reading
/// it in chunks and holding none of it: an audio event's base64 string of tens of MB is scanned, never buffered.
/// (A token-based reader cannot do that: it needs a whole string token in memory.) Text inside strings is not checked
/// for valid UTF-8; an event that is parsed afterwards is checked then.
/// </summary>
public sealed class JsonEventScanner
{
    public const int MaxDepth = 64;
    private const int MaxCaptured = 128;

    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        [(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private readonly Stack<bool> _containers = new(); // true: object
    private readonly MemoryStream _captured = new();
    private State _state = State.Value;
    private bool _rootIsObject;
    private bool _started;
    private bool _failed;
    private bool _stringIsKey;
    private bool _capturing;
    private bool _capturedTooLong;
    private bool _nextValueIsType;
    private int _hexLeft;
    private byte[] _literal = [];
    private int _literalAt;

    private enum State
    {
        Value, ArrayFirst, ObjectFirst, Key, Colon, AfterValue, Done,
        String, Escape, Unicode,
        Minus, Zero, Integer, FractionStart, Fraction, ExponentStart, ExponentSign, Exponent,
        Literal,
    }

    /// <summary>The top-level value is an object.</summary>
    public bool RootIsObject => _rootIsObject;

    /// <summary>The top-level object's <c>type</c>, when it is a short string.</summary>
    public string? Type { get; private set; }

    /// <summary>Scans the next chunk; false once the text is not JSON.</summary>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (!_failed && i < chunk.Length)
        {
            if (_state == State.String)
            {
                // Runs of plain string bytes are skipped in one search.
                var run = chunk[i..].IndexOfAny(StringSpecials);
                var end = run < 0 ? chunk.Length : i + run;
                Capture(chunk[i..end]);
                i = end;
                if (run < 0)
                {
                    break;
                }
            }

            Step(chunk[i]);
            i++;
        }

        return !_failed;
    }

    /// <summary>True when everything fed was exactly one JSON value (and whitespace).</summary>
    public bool Complete()
    {
        if (_failed)
        {
            return false;
        }

        if (_state is State.Zero or State.Integer or State.Fraction or State.Exponent)
        {
            EndValue();
        }

        return _started && _state == State.Done;
    }

    private void Step(byte b)
    {
        switch (_state)
        {
            case State.Value or State.ArrayFirst:
                if (IsWhitespace(b))
                {
                    return;
                }

                if (b == ']' && _state == State.ArrayFirst)
                {
                    Close(isObject: false);
                    return;
                }

                StartValue(b);
                return;
            case State.ObjectFirst or State.Key:
                if (IsWhitespace(b))
                {
                    return;
                }

                if (b == '}' && _state == State.ObjectFirst)
                {
                    Close(isObject: true);
                    return;
                }

                if (b != '"')
                {
                    Fail();
                    return;
                }

                BeginString(isKey: true);
                return;
            case State.Colon:
                if (IsWhitespace(b))
                {
                    return;
                }

                _state = b == ':' ? State.Value : Fail();
                return;
            case State.AfterValue:
                if (IsWhitespace(b))
                {
                    return;
                }

                var inObject = _containers.Peek();
                if (b == ',')
                {
                    _state = inObject ? State.Key : State.Value;
                }
                else if (b == (inObject ? '}' : ']'))
                {
                    Close(inObject);
                }
                else
                {
                    Fail();
                }

                return;
            case State.Done:
                if (!IsWhitespace(b))
                {
                    Fail();
                }

                return;
            case State.String:
                if (b == '"')
                {
                    EndString();
                }
                else if (b == '\\')
                {
                    _state = State.Escape;
                }
                else
                {
                    Fail(); // a control character
                }

                return;
            case State.Escape:
                switch (b)
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        _capturedTooLong |= _capturing; // escapes never occur in the names we look for
                        _state = State.String;
                        return;
                    case (byte)'u':
                        _capturedTooLong |= _capturing;
                        _hexLeft = 4;
                        _state = State.Unicode;
                        return;
                    default:
                        Fail();
                        return;
                }

            case State.Unicode:
                if (!char.IsAsciiHexDigit((char)b))
                {
                    Fail();
                    return;
                }

                if (--_hexLeft == 0)
                {
                    _state = State.String;
                }

                return;
            case State.Minus:
                _state = b == '0' ? State.Zero : char.IsAsciiDigit((char)b) ? State.Integer : Fail();
                return;
            case State.Zero or State.Integer or State.Fraction or State.Exponent:
                if (char.IsAsciiDigit((char)b) && _state != State.Zero)
                {
                    return;
                }

                if (b == '.' && _state is State.Zero or State.Integer)
                {
                    _state = State.FractionStart;
                    return;
                }

                if ((b == 'e' || b == 'E') && _state is State.Zero or State.Integer or State.Fraction)
                {
                    _state = State.ExponentStart;
                    return;
                }

                EndValue();
                Step(b);
                return;
            case State.FractionStart:
                _state = char.IsAsciiDigit((char)b) ? State.Fraction : Fail();
                return;
            case State.ExponentStart:
                _state = b is (byte)'+' or (byte)'-' ? State.ExponentSign : char.IsAsciiDigit((char)b) ? State.Exponent : Fail();
                return;
            case State.ExponentSign:
                _state = char.IsAsciiDigit((char)b) ? State.Exponent : Fail();
                return;
            case State.Literal:
                if (b != _literal[_literalAt++])
                {
                    Fail();
                }
                else if (_literalAt == _literal.Length)
                {
                    EndValue();
                }

                return;
        }
    }

    private void StartValue(byte b)
    {
        var topLevel = !_started;
        _started = true;
        switch (b)
        {
            case (byte)'{':
                _rootIsObject |= topLevel;
                Open(isObject: true);
                return;
            case (byte)'[':
                Open(isObject: false);
                return;
            case (byte)'"':
                BeginString(isKey: false);
                return;
            case (byte)'-':
                _state = State.Minus;
                return;
            case (byte)'0':
                _state = State.Zero;
                return;
            case >= (byte)'1' and <= (byte)'9':
                _state = State.Integer;
                return;
            case (byte)'t':
                BeginLiteral("rue"u8);
                return;
            case (byte)'f':
                BeginLiteral("alse"u8);
                return;
            case (byte)'n':
                BeginLiteral("ull"u8);
                return;
            default:
                Fail();
                return;
        }
    }

    private void BeginLiteral(ReadOnlySpan<byte> rest)
    {
        _literal = rest.ToArray();
        _literalAt = 0;
        _state = State.Literal;
    }

    private void Open(bool isObject)
    {
        if (_containers.Count >= MaxDepth)
        {
            Fail();
            return;
        }

        _nextValueIsType = false;
        _containers.Push(isObject);
        _state = isObject ? State.ObjectFirst : State.ArrayFirst;
    }

    private void Close(bool isObject)
    {
        if (_containers.Count == 0 || _containers.Pop() != isObject)
        {
            Fail();
            return;
        }

        EndValue();
    }

    private void BeginString(bool isKey)
    {
        _stringIsKey = isKey;
        // Only the top-level object's keys, and the value of its "type", are captured.
        _capturing = _containers.Count == 1 && _rootIsObject && (isKey || _nextValueIsType);
        _captured.SetLength(0);
        _capturedTooLong = false;
        _state = State.String;
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (!_capturing || _capturedTooLong)
        {
            return;
        }

        if (_captured.Length + bytes.Length > MaxCaptured)
        {
            _capturedTooLong = true;
            return;
        }

        _captured.Write(bytes);
    }

    private void EndString()
    {
        var text = _capturing && !_capturedTooLong ? _captured.GetBuffer().AsSpan(0, (int)_captured.Length) : default;
        if (_stringIsKey)
        {
            _nextValueIsType = _capturing && !_capturedTooLong && text.SequenceEqual("type"u8);
            _capturing = false;
            _state = State.Colon;
            return;
        }

        if (_capturing && _nextValueIsType)
        {
            Type = _capturedTooLong ? null : Encoding.UTF8.GetString(text);
        }

        _capturing = false;
        EndValue();
    }

    private void EndValue()
    {
        if (_containers.Count == 1)
        {
            _nextValueIsType = false;
        }

        _state = _containers.Count == 0 ? State.Done : State.AfterValue;
    }

    private State Fail()
    {
        _failed = true;
        return _state;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
