namespace MiraiClient.OneBot.Internal;

/// <summary>What an inbound frame is.</summary>
internal enum OneBotFrameKind
{
    /// <summary>It has a <c>post_type</c>: an event, decoded in <see cref="OneBotFrame.Event"/>.</summary>
    Event,

    /// <summary>It has no <c>post_type</c> but a <c>status</c> or <c>retcode</c>: an action response, described by <see cref="OneBotFrame.Response"/>.</summary>
    Response,
}

/// <summary>How the response's <c>echo</c> relates to the ids this client sends (decimal strings).</summary>
internal enum OneBotEchoKind
{
    /// <summary>No <c>echo</c> key (LLBot drops a null echo; HTTP bodies have none).</summary>
    Absent,

    /// <summary><c>"echo": null</c> (NapCat, for errors raised before dispatch).</summary>
    Null,

    /// <summary>A string or number whose text is a canonical decimal 64-bit integer: <see cref="OneBotResponse.EchoId"/>.</summary>
    Id,

    /// <summary>Anything else (an empty string, an object, a non-decimal string): never one of ours; its text is <see cref="OneBotResponse.EchoText"/>.</summary>
    Other,
}

/// <summary>NapCat's <c>stream</c> marker.</summary>
internal enum OneBotStreamMarker
{
    /// <summary>No <c>stream</c> key (every implementation but NapCat).</summary>
    None,

    /// <summary><c>normal-action</c>: an ordinary, single response.</summary>
    Normal,

    /// <summary><c>stream-action</c>: one of several frames answering a stream action.</summary>
    Stream,
}

/// <summary>How a response ended, by the rule success ⇔ <c>status == "ok"</c>, accepted-without-data ⇔
/// <c>status == "async"</c> (or <c>retcode</c> 1), anything else a failure.</summary>
internal enum OneBotOutcome
{
    /// <summary><c>status</c> is <c>ok</c>.</summary>
    Ok,

    /// <summary><c>status</c> is <c>async</c>, or <c>retcode</c> is 1 with any status but <c>failed</c>.</summary>
    Async,

    /// <summary>Anything else, including <c>status: failed</c> with <c>retcode</c> 0.</summary>
    Failed,
}

/// <summary>The envelope of an action response. Offsets point into the frame's bytes.</summary>
/// <param name="Status">The <c>status</c> as sent, or <see langword="null"/> when absent or not a string.</param>
/// <param name="RetCode">The <c>retcode</c>, or <see langword="null"/> when absent or not an integer.</param>
/// <param name="DataStart">Where the <c>data</c> value starts, or -1 when there is no <c>data</c> key.</param>
/// <param name="DataLength">The length of the <c>data</c> value.</param>
/// <param name="Message">The <c>message</c> text, if any.</param>
/// <param name="Wording">The <c>wording</c> text, if any.</param>
/// <param name="Msg">The <c>msg</c> code (go-cqhttp), if any.</param>
/// <param name="EchoKind">What the <c>echo</c> is.</param>
/// <param name="EchoId">The id, when <paramref name="EchoKind"/> is <see cref="OneBotEchoKind.Id"/>.</param>
/// <param name="EchoText">The echo's text when <paramref name="EchoKind"/> is <see cref="OneBotEchoKind.Other"/> (a string's value, else compact JSON).</param>
/// <param name="Stream">NapCat's stream marker.</param>
/// <param name="IsFinal">Whether this frame completes the call: false only for a <c>stream-action</c> chunk (<c>data.type == "stream"</c>).</param>
internal readonly record struct OneBotResponse(
    string? Status,
    int? RetCode,
    int DataStart,
    int DataLength,
    string? Message,
    string? Wording,
    string? Msg,
    OneBotEchoKind EchoKind,
    long EchoId,
    string? EchoText,
    OneBotStreamMarker Stream,
    bool IsFinal)
{
    /// <summary>Gets the outcome by the §2.3 rule. Without a <c>status</c>, <c>retcode</c> 0 is success and 1 is async.</summary>
    public OneBotOutcome Outcome => Status switch
    {
        "ok" => OneBotOutcome.Ok,
        "async" => OneBotOutcome.Async,
        "failed" => OneBotOutcome.Failed,
        null => RetCode switch
        {
            0 => OneBotOutcome.Ok,
            1 => OneBotOutcome.Async,
            _ => OneBotOutcome.Failed,
        },
        _ => RetCode == 1 ? OneBotOutcome.Async : OneBotOutcome.Failed,
    };

    /// <summary>Gets the <c>data</c> value's bytes, or <c>null</c> when there is none.</summary>
    public ReadOnlySpan<byte> Data(ReadOnlySpan<byte> frame) => DataStart < 0 ? "null"u8 : frame.Slice(DataStart, DataLength);
}

/// <summary>One classified inbound frame.</summary>
/// <param name="Kind">Event or response.</param>
/// <param name="Event">The decoded event, for <see cref="OneBotFrameKind.Event"/>.</param>
/// <param name="Response">The response envelope, for <see cref="OneBotFrameKind.Response"/>.</param>
internal readonly record struct OneBotFrame(OneBotFrameKind Kind, OneBotEvent? Event, OneBotResponse Response);
