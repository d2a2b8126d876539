using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MiraiClient.Hosting.Configuration;

/// <summary>Reads typed values from one configuration section by hand: no reflection (trim and AOT safe),
/// and a value that does not parse becomes an error naming its full key instead of an exception, so
/// every problem can be reported at once, when the host starts.</summary>
internal sealed class ConfigurationReader(IConfiguration section, ICollection<string> errors)
{
    private const string DurationFormat = "a duration such as 00:00:30 (hh:mm:ss) or 30s (units ms, s, m, h, d)";

    public ConfigurationReader Section(string key) => new(section.GetSection(key), errors);

    public string? String(string key) => section[key];

    public long? Int64(string key, long min = long.MinValue, long max = long.MaxValue) =>
        Text(key) is not { } text ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : Invalid<long>(key, text, max == int.MaxValue ? "expected a whole number up to 2147483647" : "expected a whole number");

    public int? Int32(string key) => (int?)Int64(key, int.MinValue, int.MaxValue);

    public double? Number(string key) =>
        Text(key) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : Invalid<double>(key, text, "expected a number");

    public bool? Boolean(string key) =>
        Text(key) is not { } text ? null
        : bool.TryParse(text, out var value) ? value
        : Invalid<bool>(key, text, "expected true or false");

    public TimeSpan? Duration(string key)
    {
        if (Text(key) is not { } text)
        {
            return null;
        }

        if (TryParseDuration(text, out var value))
        {
            return value;
        }

        // TimeSpan itself would read "30" as 30 days: refuse the guess and say how to write it.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? Invalid<TimeSpan>(key, text, $"a bare number is ambiguous (.NET would read it as {text} days); write {DurationFormat}")
            : Invalid<TimeSpan>(key, text, "expected " + DurationFormat);
    }

    public T? Enumeration<T>(string key)
        where T : struct, Enum =>
        Text(key) is not { } text ? null
        : !char.IsAsciiDigit(text[0]) && text[0] != '-' && Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value
        : Invalid<T>(key, text, "expected one of " + string.Join(", ", Enum.GetNames<T>()));

    /// <summary>Reads an absolute address; the value is echoed without its query, which could hold a secret.</summary>
    public Uri? AbsoluteUri(string key, string expected) =>
        Text(key) is not { } text ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed
        : InvalidUri(key, text.Split('?')[0], "expected " + expected);

    /// <summary>Parses <c>[-][d.]hh:mm[:ss[.fffffff]]</c>, or a number with a unit (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>).</summary>
    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        var (unit, length) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (TimeSpan.FromMilliseconds(1), 2)
            : text.EndsWith('s') || text.EndsWith('S') ? (TimeSpan.FromSeconds(1), 1)
            : text.EndsWith('m') || text.EndsWith('M') ? (TimeSpan.FromMinutes(1), 1)
            : text.EndsWith('h') || text.EndsWith('H') ? (TimeSpan.FromHours(1), 1)
            : text.EndsWith('d') || text.EndsWith('D') ? (TimeSpan.FromDays(1), 1)
            : (TimeSpan.Zero, 0);
        if (length == 0
            || !double.TryParse(text.AsSpan(0, text.Length - length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            || !double.IsFinite(amount)
            || Math.Abs(amount * unit.Ticks) >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(amount * unit.Ticks));
        return true;
    }

    internal string PathOf(string key) => section is IConfigurationSection s && s.Path.Length > 0 ? $"{s.Path}:{key}" : key;

    private string? Text(string key) => section[key] is { } raw && raw.Trim() is { Length: > 0 } text ? text : null;

    private T? Invalid<T>(string key, string value, string reason)
        where T : struct
    {
        errors.Add($"Configuration value '{PathOf(key)}' = '{value}' is not valid: {reason}.");
        return null;
    }

    private Uri? InvalidUri(string key, string value, string reason)
    {
        errors.Add($"Configuration value '{PathOf(key)}' = '{value}' is not valid: {reason}.");
        return null;
    }
}
