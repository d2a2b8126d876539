using System.Text.Json;

namespace MiraiClient.OneBot.Tests.Infrastructure;

/// <summary>Compares JSON values: objects as sets of members (order aside), arrays in order, numbers by
/// their text, strings by value.</summary>
public static class JsonAssert
{
    public static void Equivalent(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        if (Difference(e.RootElement, a.RootElement, "$") is { } difference)
        {
            Assert.Fail($"JSON differs at {difference}.\nExpected: {expected}\nActual:   {actual}");
        }
    }

    public static void Equivalent(JsonElement expected, JsonElement actual)
    {
        if (Difference(expected, actual, "$") is { } difference)
        {
            Assert.Fail($"JSON differs at {difference}.\nExpected: {expected.GetRawText()}\nActual:   {actual.GetRawText()}");
        }
    }

    public static string? Difference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: kind {expected.ValueKind} vs {actual.ValueKind}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedMembers = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                var actualMembers = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                foreach (var name in expectedMembers.Keys.Union(actualMembers.Keys))
                {
                    if (!expectedMembers.TryGetValue(name, out var ev))
                    {
                        return $"{path}.{name}: unexpected member";
                    }

                    if (!actualMembers.TryGetValue(name, out var av))
                    {
                        return $"{path}.{name}: missing member";
                    }

                    if (Difference(ev, av, $"{path}.{name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var expectedItems = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (expectedItems.Count != actualItems.Count)
                {
                    return $"{path}: {expectedItems.Count} items vs {actualItems.Count}";
                }

                for (var i = 0; i < expectedItems.Count; i++)
                {
                    if (Difference(expectedItems[i], actualItems[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: \"{expected.GetString()}\" vs \"{actual.GetString()}\"";
            case JsonValueKind.Number:
                return expected.GetRawText() == actual.GetRawText() ? null : $"{path}: {expected.GetRawText()} vs {actual.GetRawText()}";
            default:
                return null;
        }
    }
}
