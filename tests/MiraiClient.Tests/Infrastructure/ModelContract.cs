using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>The wire names of a public model type's serialized properties, read off the type itself.</summary>
public static class ModelContract
{
    /// <summary>Gets the wire names of the properties the serializer reads and writes (camelCase, or the name
    /// given by <see cref="JsonPropertyNameAttribute"/>; <see cref="JsonIgnoreAttribute"/> excluded).</summary>
    public static IReadOnlyList<string> WireNames(Type type) =>
        [.. Properties(type).Select(p => WireName(p))];

    /// <summary>Gets the property with a wire name.</summary>
    public static PropertyInfo Property(Type type, string wireName) =>
        Properties(type).Single(p => WireName(p) == wireName);

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always } && p.GetIndexParameters().Length == 0)
            .Where(p => p.Name != "EqualityContract");

    private static string WireName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
