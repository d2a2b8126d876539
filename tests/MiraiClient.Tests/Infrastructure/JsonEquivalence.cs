using System.Text.Json;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>
/// Order-insensitive JSON comparison for request contents. An omitted optional key equals its default
/// (<c>null</c>, <c>false</c>, <c>0</c>, <c>""</c>, <c>[]</c>), which is how the server reads it; keys
/// the documentation shows but the server ignores (<c>sessionKey</c> over WebSocket) are skipped.
/// </summary>
public static class JsonEquivalence
{
    public static IReadOnlyList<string> Differences(JsonElement expected, JsonElement actual, IReadOnlySet<string>? ignoredKeys = null)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", ignoredKeys ?? new HashSet<string>(), differences);
        return differences;
    }

    private static bool IsDefault(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => true,
        JsonValueKind.Number => value.GetDecimal() == 0,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };

    private static void Compare(JsonElement expected, JsonElement actual, string path, IReadOnlySet<string> ignored, List<string> differences)
    {
        if (expected.ValueKind == JsonValueKind.Object && actual.ValueKind == JsonValueKind.Object)
        {
            var actualKeys = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            foreach (var property in expected.EnumerateObject())
            {
                if (ignored.Contains(property.Name))
                {
                    actualKeys.Remove(property.Name);
                    continue;
                }

                if (actualKeys.Remove(property.Name, out var value))
                {
                    Compare(property.Value, value, $"{path}.{property.Name}", ignored, differences);
                }
                else if (!IsDefault(property.Value))
                {
                    differences.Add($"{path}.{property.Name}: missing (expected {property.Value.GetRawText()})");
                }
            }

            foreach (var (name, value) in actualKeys)
            {
                if (!IsDefault(value) && !ignored.Contains(name))
                {
                    differences.Add($"{path}.{name}: unexpected {value.GetRawText()}");
                }
            }

            return;
        }

        if (expected.ValueKind == JsonValueKind.Array && actual.ValueKind == JsonValueKind.Array)
        {
            var e = expected.EnumerateArray().ToList();
            var a = actual.EnumerateArray().ToList();
            if (e.Count != a.Count)
            {
                differences.Add($"{path}: {e.Count} items expected, {a.Count} sent");
                return;
            }

            for (var i = 0; i < e.Count; i++)
            {
                Compare(e[i], a[i], $"{path}[{i}]", ignored, differences);
            }

            return;
        }

        var same = (expected.ValueKind, actual.ValueKind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => expected.GetDecimal() == actual.GetDecimal(),
            (JsonValueKind.String, JsonValueKind.String) => expected.GetString() == actual.GetString(),
            _ => expected.ValueKind == actual.ValueKind && (expected.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null),
        };
        if (!same)
        {
            differences.Add($"{path}: expected {expected.GetRawText()}, sent {actual.GetRawText()}");
        }
    }
}
