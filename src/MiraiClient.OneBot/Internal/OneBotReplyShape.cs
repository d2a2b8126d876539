using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.OneBot.Internal;

/// <summary>Reads the <c>data</c> of a successful response.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="action">The action, for error messages.</param>
/// <param name="data">The <c>data</c> value's bytes (<c>null</c> when absent).</param>
/// <returns>The result.</returns>
internal delegate T OneBotDataReader<T>(string action, ReadOnlySpan<byte> data);

/// <summary>Turns a response frame into an action's result, or throws.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <remarks>Failure rule (§2.3): success ⇔ <c>status == "ok"</c>; <c>status == "async"</c> (or
/// <c>retcode</c> 1) ⇔ accepted without data; anything else throws <see cref="OneBotApiException"/>.
/// An accepted-without-data answer is a result only for shapes that need no data; the others throw
/// <see cref="OneBotApiException"/> with status <c>async</c>.</remarks>
internal sealed class OneBotReplyShape<T> : MiraiClient.Internal.ReplyShape<T>
{
    private readonly OneBotDataReader<T> _read;
    private readonly Func<T>? _whenAccepted;

    public OneBotReplyShape(OneBotDataReader<T> read, Func<T>? whenAccepted = null)
    {
        _read = read;
        _whenAccepted = whenAccepted;
    }

    /// <summary>Decodes a whole response frame, as the connection hands it over.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="reply">The whole response frame.</param>
    /// <returns>The result.</returns>
    public override T Decode(string name, byte[] reply)
    {
        var frame = OneBotFrameReader.Read(reply);
        return frame.Kind == OneBotFrameKind.Response
            ? Read(name, reply, frame.Response)
            : throw new MiraiProtocolException($"The reply to '{name}' is an event, not an action response.");
    }

    /// <summary>Decodes the result.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="frame">The whole response frame.</param>
    /// <param name="response">Its envelope, from <see cref="OneBotFrameReader"/>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="OneBotApiException">The action failed (or was only accepted and this shape needs data).</exception>
    /// <exception cref="MiraiProtocolException">The data does not have the expected shape.</exception>
    public T Read(string action, ReadOnlySpan<byte> frame, in OneBotResponse response)
    {
        switch (response.Outcome)
        {
            case OneBotOutcome.Ok:
                return _read(action, response.Data(frame));
            case OneBotOutcome.Async when _whenAccepted is not null:
                return _whenAccepted();
            default:
                throw OneBotReplyShape.Failure(action, response);
        }
    }
}

/// <summary>The reply shapes of the typed actions.</summary>
internal static class OneBotReplyShape
{
    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>No data expected (whatever is sent is ignored); <see langword="true"/> when done, <see langword="false"/> when only accepted.</summary>
    public static OneBotReplyShape<bool> Completion { get; } = new(static (_, _) => true, static () => false);

    /// <summary>The data as raw JSON (JSON null when absent or when only accepted): the raw call.</summary>
    public static OneBotReplyShape<JsonElement> Raw { get; } = new(static (action, data) => ParseElement(action, data), static () => NullElement);

    /// <summary><c>{"message_id": n}</c>, read in place.</summary>
    public static OneBotReplyShape<long> MessageId { get; } = new(ReadMessageId);

    /// <summary>Non-null data of one type.</summary>
    public static OneBotReplyShape<TData> Data<TData>(JsonTypeInfo<TData> info)
        where TData : class =>
        new((action, data) => Deserialize(action, data, info) ?? throw new MiraiProtocolException($"The response to '{action}' has no data."));

    /// <summary>A list, never null (a null <c>data</c> reads as empty, as go-cqhttp sends for "none").</summary>
    public static OneBotReplyShape<IReadOnlyList<TItem>> List<TItem>(JsonTypeInfo<List<TItem>> info) =>
        new((action, data) => (IReadOnlyList<TItem>?)Deserialize(action, data, info) ?? []);

    /// <summary>One field of a small data object.</summary>
    public static OneBotReplyShape<TResult> Field<TWire, TResult>(JsonTypeInfo<TWire> info, Func<TWire, TResult?> select, string field)
        where TWire : class =>
        new((action, data) =>
        {
            var wire = Deserialize(action, data, info) ?? throw new MiraiProtocolException($"The response to '{action}' has no data.");
            return select(wire) ?? throw new MiraiProtocolException($"The response to '{action}' has no '{field}'.");
        });

    /// <summary>A custom reader.</summary>
    public static OneBotReplyShape<TResult> Custom<TResult>(OneBotDataReader<TResult> read) => new(read);

    /// <summary>Builds the error for a response that is not a success.</summary>
    public static OneBotApiException Failure(string action, in OneBotResponse response) =>
        new(action, response.Status ?? (response.Outcome == OneBotOutcome.Async ? "async" : "failed"), response.RetCode ?? -1, response.Message, response.Wording, response.Msg);

    public static TData? Deserialize<TData>(string action, ReadOnlySpan<byte> data, JsonTypeInfo<TData> info)
    {
        try
        {
            return JsonSerializer.Deserialize(data, info);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' has the wrong shape: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' has the wrong shape: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' has the wrong shape: {ex.Message}", ex);
        }
    }

    public static JsonElement ParseElement(string action, ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            return JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static long ReadMessageId(string action, ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                long? id = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("message_id"u8);
                    reader.Read();
                    if (isId)
                    {
                        id = reader.TokenType switch
                        {
                            JsonTokenType.Number when reader.TryGetInt64(out var number) => number,
                            JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
                            _ => throw new MiraiProtocolException($"The response to '{action}' has a message_id that is not an integer."),
                        };
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                if (id is { } found)
                {
                    return found;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The response to '{action}' is not valid JSON: {ex.Message}", ex);
        }

        throw new MiraiProtocolException($"The response to '{action}' has no message_id.");
    }
}
