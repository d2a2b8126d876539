using System.Globalization;
using System.Text.Json;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>One key of a segment's <c>data</c> object, in the order it was received or added.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value: the string itself, or, when <paramref name="IsJson"/> is set, the
/// value's compact JSON text (a number, boolean, object, array or <c>null</c>).</param>
/// <param name="IsJson">Whether <paramref name="Value"/> is JSON text rather than a string value.</param>
public readonly record struct OneBotSegmentField(string Key, string Value, bool IsJson = false);

/// <summary>One segment of a <see cref="OneBotMessage"/>: a <c>type</c> and its <c>data</c>.</summary>
/// <remarks>
/// Segments are immutable. The data keeps every key in its received order, including keys this SDK
/// does not model and values that are not strings (implementations send numbers and objects in
/// places), so a received segment is sent back and formatted as a CQ code exactly as it came. The
/// typed subclasses (<see cref="TextSegment"/>, <see cref="ImageSegment"/>, …) read their properties
/// from that data; a type the SDK does not know arrives as <see cref="UnknownSegment"/>.
/// </remarks>
public abstract class OneBotSegment : IEquatable<OneBotSegment>
{
    private readonly OneBotSegmentField[] _fields;
    private IReadOnlyList<OneBotSegmentField>? _view;

    private protected OneBotSegment(OneBotSegmentField[] fields) => _fields = fields;

    /// <summary>Gets the segment type (the <c>type</c> field), for example <c>text</c> or <c>image</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Gets the <c>data</c> keys and values in order.</summary>
    public IReadOnlyList<OneBotSegmentField> Data => _view ??= Array.AsReadOnly(_fields);

    internal ReadOnlySpan<OneBotSegmentField> Fields => _fields;

    /// <summary>Creates a segment of the given type: a typed subclass when the type is known, else an <see cref="UnknownSegment"/>.</summary>
    /// <param name="type">The segment type.</param>
    /// <param name="data">The data keys and values, in order. JSON values are checked and made compact.</param>
    /// <returns>The segment.</returns>
    /// <exception cref="ArgumentException">The type is empty, or a JSON value is not valid JSON.</exception>
    public static OneBotSegment Create(string type, IEnumerable<OneBotSegmentField> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(data);
        var fields = data.Select(Normalize).ToArray();
        return SegmentFactory.Create(type, fields);
    }

    /// <summary>Gets the value of a data key: the string, or the JSON text of a non-string value.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value of the last occurrence of the key, or <see langword="null"/> when it is absent or JSON <c>null</c>.</returns>
    public string? GetValue(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = _fields.Length - 1; i >= 0; i--)
        {
            ref readonly var field = ref _fields[i];
            if (field.Key == key)
            {
                return field.IsJson && field.Value == "null" ? null : field.Value;
            }
        }

        return null;
    }

    /// <summary>Returns a copy with a string value set: replaced in place when the key exists, else appended.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or <see langword="null"/> to remove the key.</param>
    /// <returns>A segment of the same type.</returns>
    public OneBotSegment WithValue(string key, string? value) =>
        With(key, value is null ? null : new OneBotSegmentField(key, value));

    /// <summary>Returns a copy with a JSON value set (a number, boolean, object or array): replaced in place when the key exists, else appended.</summary>
    /// <param name="key">The key.</param>
    /// <param name="json">The value as JSON text.</param>
    /// <returns>A segment of the same type.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not one valid JSON value.</exception>
    public OneBotSegment WithJsonValue(string key, string json) =>
        With(key, Normalize(new OneBotSegmentField(key, json, IsJson: true)));

    /// <summary>Formats the segment as a CQ code (plain escaped text for <c>text</c>).</summary>
    /// <returns>The CQ form.</returns>
    public string ToCqString() => CqCode.Format(this);

    /// <inheritdoc/>
    public override string ToString() => ToCqString();

    /// <inheritdoc/>
    public bool Equals(OneBotSegment? other) =>
        other is not null && (ReferenceEquals(this, other) || (Type == other.Type && _fields.AsSpan().SequenceEqual(other._fields)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as OneBotSegment);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        foreach (var field in _fields)
        {
            hash.Add(field);
        }

        return hash.ToHashCode();
    }

    /// <summary>Reads a value as a 64-bit integer: a JSON number or a numeric string.</summary>
    private protected long? GetInt64(string key) =>
        GetValue(key) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reads a value as a boolean, accepting <c>true/false</c>, <c>1/0</c> and <c>yes/no</c>.</summary>
    private protected bool? GetBoolean(string key) => GetValue(key) switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    private protected double? GetDouble(string key) =>
        GetValue(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private protected static OneBotSegmentField[] FieldsOf(params ReadOnlySpan<(string Key, string? Value)> values)
    {
        var count = 0;
        foreach (var (_, value) in values)
        {
            count += value is null ? 0 : 1;
        }

        var fields = new OneBotSegmentField[count];
        var i = 0;
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                fields[i++] = new OneBotSegmentField(key, value);
            }
        }

        return fields;
    }

    private static OneBotSegmentField Normalize(OneBotSegmentField field)
    {
        if (field.Key is null || field.Value is null)
        {
            throw new ArgumentException("A segment field needs a key and a value.", nameof(field));
        }

        return field.IsJson ? field with { Value = JsonText.Minify(field.Value) } : field;
    }

    private OneBotSegment With(string key, OneBotSegmentField? replacement)
    {
        ArgumentNullException.ThrowIfNull(key);
        var list = new List<OneBotSegmentField>(_fields.Length + 1);
        var replaced = false;
        foreach (var field in _fields)
        {
            if (field.Key != key)
            {
                list.Add(field);
            }
            else if (!replaced && replacement is { } value)
            {
                list.Add(value);
                replaced = true;
            }
        }

        if (!replaced && replacement is { } appended)
        {
            list.Add(appended);
        }

        return SegmentFactory.Create(Type, list.ToArray());
    }
}
