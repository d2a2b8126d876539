using System.Text.Json.Serialization.Metadata;
using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>An action call: its name, parameters and how to write them, encoded with the echo when sent.</summary>
internal readonly struct OneBotRequest<TParams>(string action, TParams? parameters, JsonTypeInfo<TParams>? parametersInfo) : IRequest
{
    public string Name => action;

    public RequestFrame Encode(long id) => OneBotRequestEncoder.Encode(id, action, parameters, parametersInfo);
}

/// <summary>The typed actions' way to the connection: every call goes through the engine's
/// <see cref="CommandInvoker{TEvent}"/>, paced when it sends a message, with the transfer timeout for
/// upload and download actions.</summary>
internal sealed class OneBotInvoker(CommandInvoker<OneBotEvent> invoker, OneBotSettings settings) : IOneBotActionInvoker
{
    public Task<T> InvokeAsync<TParams, T>(string action, TParams? parameters, JsonTypeInfo<TParams>? parametersInfo, OneBotReplyShape<T> reply, OneBotActionKind kind, CancellationToken cancellationToken)
    {
        var timeout = kind == OneBotActionKind.Transfer ? settings.TransferTimeout : settings.Connection.CommandTimeout;
        Conversation? pace = parameters switch
        {
            IPacedSend send => send.Conversation,
            System.Text.Json.JsonElement raw => RawConversation(action, raw),
            _ => null,
        };
        return invoker.SendAsync(new OneBotRequest<TParams>(action, parameters, parametersInfo), reply, timeout, pace, cancellationToken);
    }

    /// <summary>The conversation of a raw call to a message-sending action (so raw sends are paced too).</summary>
    private static Conversation? RawConversation(string action, System.Text.Json.JsonElement parameters)
    {
        var name = action.EndsWith("_async", StringComparison.Ordinal) ? action[..^"_async".Length]
            : action.EndsWith("_rate_limited", StringComparison.Ordinal) ? action[..^"_rate_limited".Length]
            : action;
        if (name is not ("send_msg" or "send_group_msg" or "send_private_msg" or "send_forward_msg" or "send_group_forward_msg" or "send_private_forward_msg"))
        {
            return null;
        }

        static long? Id(System.Text.Json.JsonElement json, string key) =>
            json.TryGetProperty(key, out var value) && (value.ValueKind == System.Text.Json.JsonValueKind.Number ? value.TryGetInt64(out var n) : long.TryParse(value.GetString(), out n)) ? n : null;

        var type = parameters.TryGetProperty("message_type", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String ? t.GetString() : null;
        type ??= name.Contains("group", StringComparison.Ordinal) ? "group" : name.Contains("private", StringComparison.Ordinal) ? "private" : null;
        return IPacedSend.Of(type, Id(parameters, "user_id"), Id(parameters, "group_id"));
    }
}
