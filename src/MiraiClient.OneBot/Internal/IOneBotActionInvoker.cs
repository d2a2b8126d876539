using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.OneBot.Internal;

/// <summary>How long an action may legitimately take; the invoker maps this to its deadline.</summary>
internal enum OneBotActionKind
{
    /// <summary>An ordinary action: the connection's default deadline.</summary>
    Default,

    /// <summary>An upload, download or file resolution (§2.5: NapCat allows up to 30 minutes for file
    /// work): the connection's longer transfer deadline.</summary>
    Transfer,
}

/// <summary>The one seam through which every action is sent: the connection implements it.</summary>
/// <remarks>
/// An implementation takes a fresh id, encodes the request with
/// <see cref="OneBotRequestEncoder.Encode{TParams}(long, string, TParams, JsonTypeInfo{TParams}?)"/>
/// (echo = the id as a decimal string), sends it, waits for the response frame whose
/// <see cref="OneBotResponse.EchoKind"/> is <see cref="OneBotEchoKind.Id"/> with that id and
/// <see cref="OneBotResponse.IsFinal"/> set (ignoring stream chunks), and returns
/// <c>reply.Read(action, frameBytes, response)</c> while the frame's bytes are still valid. The reply
/// shape throws <see cref="OneBotApiException"/> for failures and <see cref="MiraiProtocolException"/>
/// for malformed data; the invoker adds timeouts, cancellation and
/// connection loss; the deadline follows the call's <see cref="OneBotActionKind"/>.
/// </remarks>
internal interface IOneBotActionInvoker
{
    /// <summary>Sends one action and decodes its response.</summary>
    /// <typeparam name="TParams">The parameter type.</typeparam>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="action">The action name, sent verbatim.</param>
    /// <param name="parameters">The parameters, or <see langword="null"/> to send no <c>params</c> key.</param>
    /// <param name="parametersInfo">How to serialize <paramref name="parameters"/>.</param>
    /// <param name="reply">Turns the response frame into the result or throws.</param>
    /// <param name="kind">Which deadline applies.</param>
    /// <param name="cancellationToken">Abandons the wait (the action may still run).</param>
    /// <returns>The result.</returns>
    Task<T> InvokeAsync<TParams, T>(string action, TParams? parameters, JsonTypeInfo<TParams>? parametersInfo, OneBotReplyShape<T> reply, OneBotActionKind kind, CancellationToken cancellationToken);
}
