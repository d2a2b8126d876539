using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace MiraiClient.OneBot.Tests.Fake;

/// <summary>Compares OneBot models property by property (records compare lists and JSON elements by
/// reference, which says nothing about a wire round trip).</summary>
internal static class ModelComparer
{
    public static void Equal(object? expected, object? actual)
    {
        if (Difference(expected, actual, "$") is { } difference)
        {
            Assert.Fail($"Models differ at {difference}.\nExpected: {expected}\nActual:   {actual}");
        }
    }

    public static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: {expected ?? "null"} vs {actual ?? "null"}";
        }

        if (expected.GetType() != actual.GetType())
        {
            return $"{path}: type {expected.GetType().Name} vs {actual.GetType().Name}";
        }

        switch (expected)
        {
            case string or bool or int or long or double or Enum or DateTimeOffset:
                return expected.Equals(actual) ? null : $"{path}: {expected} vs {actual}";
            case JsonElement element:
                return JsonElement.DeepEquals(element, (JsonElement)actual) ? null : $"{path}: {element.GetRawText()} vs {((JsonElement)actual).GetRawText()}";
            case OneBotMessage message:
                var other = (OneBotMessage)actual;
                return message.Equals(other) && message.IsCqString == other.IsCqString ? null : $"{path}: {message.ToCqString()} (CQ: {message.IsCqString}) vs {other.ToCqString()} (CQ: {other.IsCqString})";
            case IEnumerable sequence:
                var left = sequence.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                if (left.Count != right.Count)
                {
                    return $"{path}: {left.Count} items vs {right.Count}";
                }

                for (var i = 0; i < left.Count; i++)
                {
                    if (Difference(left[i], right[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
        }

        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (Difference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}") is { } inner)
            {
                return inner;
            }
        }

        return null;
    }
}
