using System.Text.Json;

namespace MiraiClient.Testing.OneBot;

/// <summary>What the fake implementation answers to one action: a result, a failure, several stream
/// frames, a raw frame, or nothing. The envelope (<c>status</c>, <c>retcode</c>, <c>message</c>,
/// <c>wording</c>, <c>msg</c>, <c>echo</c>, <c>stream</c>) is written the way the fake's profile writes it.</summary>
/// <remarks>Replies are immutable; <see cref="Delayed"/> makes a copy that waits first. Actions are
/// answered concurrently, as every implementation does, so a delayed reply lets later actions overtake it.</remarks>
public sealed class ActionReply
{
    private ActionReply(ReplyKind kind)
    {
        Kind = kind;
    }

    /// <summary>What the reply is.</summary>
    internal enum ReplyKind
    {
        /// <summary>One response frame with a status, retcode and data.</summary>
        Result,

        /// <summary>No response at all.</summary>
        None,

        /// <summary>A frame written exactly as given.</summary>
        Raw,

        /// <summary>NapCat stream frames with the same echo.</summary>
        Stream,

        /// <summary>The profile's unknown-action answer.</summary>
        Unsupported,

        /// <summary>The profile's answer for a handler that failed.</summary>
        HandlerError,
    }

    /// <summary>Gets a reply that never comes: the implementation swallowed the action.</summary>
    public static ActionReply None { get; } = new(ReplyKind.None);

    /// <summary>Gets how long the fake waits before answering (default: not at all).</summary>
    public TimeSpan Delay { get; private init; }

    internal ReplyKind Kind { get; }

    internal string Status { get; private init; } = "ok";

    internal int RetCode { get; private init; }

    internal string DataJson { get; private init; } = "null";

    internal string? Message { get; private init; }

    internal string? ErrorCode { get; private init; }

    internal string? RawFrame { get; private init; }

    internal IReadOnlyList<string> Chunks { get; private init; } = [];

    internal TimeSpan ChunkInterval { get; private init; }

    /// <summary>A success (<c>status: ok</c>, <c>retcode</c> 0).</summary>
    /// <param name="dataJson">The <c>data</c> value as JSON (default: <c>null</c>, what most actions without a result return).</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentException"><paramref name="dataJson"/> is not one valid JSON value.</exception>
    public static ActionReply Ok(string? dataJson = null) => new(ReplyKind.Result) { DataJson = Checked(dataJson ?? "null", nameof(dataJson)) };

    /// <summary>Accepted without a result (<c>status: async</c>, <c>retcode</c> 1, <c>data: null</c>), as the
    /// spec promises for <c>_async</c> actions and <c>set_restart</c>.</summary>
    /// <returns>The reply.</returns>
    public static ActionReply Async() => new(ReplyKind.Result) { Status = "async", RetCode = 1 };

    /// <summary>A failure with the given code and text, written in the profile's envelope (the text goes to
    /// <c>message</c> and <c>wording</c> on NapCat and LLBot, is lost on Lagrange, and is <c>wording</c> with
    /// the <paramref name="errorCode"/> in <c>msg</c> on go-cqhttp).</summary>
    /// <param name="retCode">The <c>retcode</c>, for example 1200 (NapCat handler error) or 100 (go-cqhttp).</param>
    /// <param name="message">The error text (default: empty).</param>
    /// <param name="errorCode">go-cqhttp's machine code for <c>msg</c>, such as <c>GROUP_NOT_FOUND</c> (default: none).</param>
    /// <param name="status">The <c>status</c> (default: <c>failed</c>; Lagrange also sends odd ones).</param>
    /// <returns>The reply.</returns>
    public static ActionReply Failed(int retCode, string? message = null, string? errorCode = null, string status = "failed")
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(ReplyKind.Result) { Status = status, RetCode = retCode, Message = message ?? "", ErrorCode = errorCode };
    }

    /// <summary>What the profile answers when an action's handler throws: NapCat <c>retcode</c> 1200 with
    /// the text, LLBot and Lagrange 200, go-cqhttp 100 with <c>msg</c> <c>API_ERROR</c>. A handler set with
    /// <c>Handle</c> that throws gets this reply with the exception's message.</summary>
    /// <param name="message">The error text, for example <c>cannot ban owner</c>.</param>
    /// <returns>The reply.</returns>
    public static ActionReply Error(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(ReplyKind.HandlerError) { Status = "failed", Message = message };
    }

    /// <summary>What the profile answers to an action it does not have: <c>retcode</c> 1404 on NapCat and
    /// LLBot, 404 on Lagrange and go-cqhttp (with <c>msg</c> <c>API_NOT_FOUND</c>).</summary>
    /// <returns>The reply.</returns>
    public static ActionReply Unsupported() => new(ReplyKind.Unsupported) { Status = "failed" };

    /// <summary>Writes the given text as the response frame, exactly as given (not checked, so it may be
    /// malformed on purpose; the request's echo is not added).</summary>
    /// <param name="frame">The whole frame.</param>
    /// <returns>The reply.</returns>
    public static ActionReply Raw(string frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return new(ReplyKind.Raw) { RawFrame = frame };
    }

    /// <summary>A NapCat stream action's answer: one frame per chunk and a final frame, all with the
    /// request's echo and <c>stream: "stream-action"</c>. NapCat's chunks carry <c>data.type</c>
    /// <c>stream</c> and the final frame <c>response</c> (or <c>error</c>); the data is written as given.</summary>
    /// <param name="chunkDataJson">The <c>data</c> of each chunk frame, as JSON.</param>
    /// <param name="finalDataJson">The <c>data</c> of the final frame, as JSON.</param>
    /// <param name="interval">The pause between frames (default: none).</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentException">A value is not valid JSON.</exception>
    public static ActionReply Stream(IEnumerable<string> chunkDataJson, string finalDataJson, TimeSpan interval = default)
    {
        ArgumentNullException.ThrowIfNull(chunkDataJson);
        var chunks = chunkDataJson.Select(c => Checked(c, nameof(chunkDataJson))).ToArray();
        return new(ReplyKind.Stream) { Chunks = chunks, DataJson = Checked(finalDataJson, nameof(finalDataJson)), ChunkInterval = interval };
    }

    /// <summary>Returns a copy that waits before answering (other actions are answered meanwhile).</summary>
    /// <param name="delay">The wait.</param>
    /// <returns>The delayed reply.</returns>
    public ActionReply Delayed(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(Kind)
        {
            Delay = delay,
            Status = Status,
            RetCode = RetCode,
            DataJson = DataJson,
            Message = Message,
            ErrorCode = ErrorCode,
            RawFrame = RawFrame,
            Chunks = Chunks,
            ChunkInterval = ChunkInterval,
        };
    }

    private static string Checked(string json, string parameter)
    {
        ArgumentNullException.ThrowIfNull(json, parameter);
        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Not one valid JSON value: {ex.Message}", parameter, ex);
        }

        return json;
    }
}
