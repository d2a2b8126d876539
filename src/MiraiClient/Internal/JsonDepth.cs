using System.Text.Json;

namespace MiraiClient.Internal;

/// <summary>How deeply nested a frame's JSON may be, for every reader and serializer context of every protocol:
/// one limit, so whatever a decoder accepts (an unknown element kept with its JSON) can also be written back.</summary>
internal static class JsonDepth
{
    /// <summary>The deepest nesting read or written (the serializer's default is 64).</summary>
    public const int Max = 128;

    /// <summary>Reader options with <see cref="Max"/>.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = Max };
}
