using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>Builds server-shaped event JSON for tests (field order and nulls as the 2.10 server writes them).</summary>
public static class EventJson
{
    /// <summary>A <c>GroupMessage</c> with one text element.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The event object as JSON.</returns>
    public static string GroupMessage(int messageId, long group, long sender, string text) =>
        $$$"""{"type":"GroupMessage","messageChain":[{"type":"Source","id":{{{messageId}}},"time":1700000000},{"type":"Plain","text":{{{Quote(text)}}}}],"sender":{"id":{{{sender}}},"memberName":"member{{{sender}}}","specialTitle":"","permission":"MEMBER","joinTimestamp":1600000000,"lastSpeakTimestamp":1700000000,"muteTimeRemaining":0,"group":{"id":{{{group}}},"name":"group{{{group}}}","permission":"MEMBER"},"active":null}}""";

    /// <summary>A <c>FriendMessage</c> with one text element.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The event object as JSON.</returns>
    public static string FriendMessage(int messageId, long friend, string text) =>
        $$$"""{"type":"FriendMessage","messageChain":[{"type":"Source","id":{{{messageId}}},"time":1700000000},{"type":"Plain","text":{{{Quote(text)}}}}],"sender":{"id":{{{friend}}},"nickname":"friend{{{friend}}}","remark":""}}""";

    private static string Quote(string text) => JsonSerializer.Serialize(text, TestingJsonContext.Default.String);
}
