using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MiraiClient.Internal;

namespace MiraiClient.Tests.Infrastructure;

/// <summary>Drives the one-pass message reader on an event object given as its own bytes, as the frame decoder
/// drives it on its reader.</summary>
public static class FastPath
{
    /// <summary>Whether the one-pass reader takes the event object in <paramref name="data"/>, and how much of it it consumed.</summary>
    internal static bool TryRead(ReadOnlySpan<byte> data, DecodeCache? cache, [NotNullWhen(true)] out MessageEvent? item, out int consumed)
    {
        consumed = 0;
        item = null;
        Utf8JsonReader reader;
        try
        {
            reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 128 });
            if (!reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (!MessageEventReader.TryRead(ref reader, cache, out item))
        {
            return false;
        }

        consumed = (int)reader.BytesConsumed;
        return true;
    }
}
