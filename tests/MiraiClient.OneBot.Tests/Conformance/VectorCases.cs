using System.Text;
using System.Text.Json;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>Exercises one vector file by what it is. A file no rule claims fails.</summary>
internal static class VectorCases
{
    /// <summary>Folders another suite exercises: the reverse transports run against the real server endpoints in
    /// tests/MiraiClient.AspNetCore.Tests (Conformance/ReverseVectorTests.cs), which checks that it claims every file
    /// of them; this suite neither enumerates nor skips them.</summary>
    public static IReadOnlyList<string> ServerSuiteFolders { get; } = ["transport/", "mah-reverse-ws/"];

    /// <summary>Gets whether this suite exercises a file (all but the server suite's folders).</summary>
    public static bool IsOwn(string path) => !ServerSuiteFolders.Any(f => path.StartsWith(f, StringComparison.Ordinal));

    /// <summary>Runs the checks for one file.</summary>
    /// <returns>A task that completes when the file was exercised.</returns>
    public static async Task ExerciseAsync(string path)
    {
        var bytes = OneBotVectors.Bytes(path);
        if (path.StartsWith("events/", StringComparison.Ordinal))
        {
            Event(path, bytes);
        }
        else if (path.StartsWith("messages/", StringComparison.Ordinal))
        {
            MessageRoundTrip.Check(path, bytes);
        }
        else if (path.StartsWith("actions/errors/", StringComparison.Ordinal))
        {
            await ErrorAsync(bytes);
        }
        else if (path.StartsWith("actions/variants/", StringComparison.Ordinal))
        {
            await VariantCases.ExerciseAsync(path, bytes);
        }
        else if (path.StartsWith("actions/", StringComparison.Ordinal))
        {
            await SpecActionAsync(path, bytes);
        }
        else
        {
            Assert.Fail($"No rule exercises {path}.");
        }
    }

    private static void Event(string path, byte[] bytes)
    {
        var frame = OneBotFrameReader.Read(bytes);
        Assert.Equal(OneBotFrameKind.Event, frame.Kind);
        var e = frame.Event!;
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        Assert.Equal(root.GetProperty("time").GetInt64(), e.Time);
        Assert.Equal(root.GetProperty("self_id").GetInt64(), e.SelfId);
        Assert.Equal(root.GetProperty("post_type").GetString(), e.PostType);
        Assert.IsNotType<OneBotUnknownEvent>(e);
        switch (e)
        {
            case OneBotMessageEvent m:
                Assert.Equal(root.GetProperty("message_type").GetString(), m.MessageType);
                Assert.Equal(root.GetProperty("sub_type").GetString(), m.SubType);
                Assert.Equal(root.GetProperty("message_id").GetInt64(), m.MessageId);
                Assert.Equal(root.GetProperty("user_id").GetInt64(), m.UserId);
                Assert.Equal(root.GetProperty("raw_message").GetString(), m.RawMessage);

                // The one-pass reader decides every message vector exactly as the serializer alone does.
                Assert.True(OneBotFrameReader.TryReadMessageEvent(bytes, out var fast), "The one-pass reader declined a vector.");
                Assert.Equal(OneBotEventDecoder.DecodeReference(bytes), fast);
                Assert.Equal(fast, e);
                break;
            case OneBotNoticeEvent n:
                Assert.Equal(root.GetProperty("notice_type").GetString(), n.NoticeType);
                Assert.Equal(root.TryGetProperty("sub_type", out var sub) ? sub.GetString() : "", n.SubType);
                break;
            case OneBotRequestEvent r:
                Assert.Equal(root.GetProperty("request_type").GetString(), r.RequestType);
                Assert.Equal(root.GetProperty("flag").GetString(), r.Flag);
                break;
            case OneBotMetaEvent meta:
                Assert.Equal(root.GetProperty("meta_event_type").GetString(), meta.MetaEventType);
                break;
        }

        Assert.True(EventExpectations.All.TryGetValue(path, out var expect), $"No expectation is written for {path}.");
        expect!(e);
    }

    private static async Task SpecActionAsync(string path, byte[] bytes)
    {
        var file = Path.GetFileName(path);
        var isRequest = file.EndsWith(".request.json", StringComparison.Ordinal);
        var name = file[..file.IndexOf('.', StringComparison.Ordinal)];
        var action = name == "handle_quick_operation" ? ".handle_quick_operation" : name;
        Assert.True(ActionCases.Spec.TryGetValue(action, out var spec), $"No case for action {action}.");
        var requestPath = $"actions/{name}.request.json";
        var responsePath = $"actions/{name}.response.json";
        using var request = JsonDocument.Parse(OneBotVectors.Bytes(requestPath));
        var echo = long.Parse(request.RootElement.GetProperty("echo").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var response = OneBotVectors.Bytes(responsePath);
        var invoker = new RecordingInvoker(echo, (_, _) => response);

        var result = await spec!.Call(invoker.Actions);
        var call = Assert.Single(invoker.Calls);
        Assert.Equal(action, call.Action);
        Assert.Equal(spec.Kind, call.Kind);
        if (!isRequest)
        {
            spec.Check(result);
            return;
        }

        switch (action)
        {
            case "send_msg":
                // The typed method never sends auto_escape (it only matters for CQ strings sent as text);
                // the encoder reproduces the vector, auto_escape included, from the parameter record.
                JsonAssert.Equivalent(Encoding.UTF8.GetString(bytes), Encode(echo, action, new SendMessageParams("group", null, 100100, OneBotMessage.FromCqString("[CQ:face,id=178]收到"), false), OneBotJsonContext.Default.SendMessageParams));
                JsonAssert.Equivalent(Without(bytes, "auto_escape"), call.Frame);
                break;
            case "get_forward_msg":
                // The typed method also sends message_id for go-cqhttp; the encoder reproduces the spec
                // vector from the parameter record without it.
                JsonAssert.Equivalent(Encoding.UTF8.GetString(bytes), Encode(echo, action, new ForwardIdParams("7512345678901234567", null), OneBotJsonContext.Default.ForwardIdParams));
                JsonAssert.Equivalent(With(bytes, "message_id", "7512345678901234567"), call.Frame);
                break;
            default:
                JsonAssert.Equivalent(Encoding.UTF8.GetString(bytes), call.Frame);
                break;
        }
    }

    private static async Task ErrorAsync(byte[] bytes)
    {
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        var frame = OneBotFrameReader.Read(bytes);
        Assert.Equal(OneBotFrameKind.Response, frame.Kind);
        Assert.Equal(OneBotOutcome.Failed, frame.Response.Outcome);
        Assert.Equal(
            !root.TryGetProperty("echo", out var echo) ? OneBotEchoKind.Absent : echo.ValueKind == JsonValueKind.Null ? OneBotEchoKind.Null : OneBotEchoKind.Id,
            frame.Response.EchoKind);

        // Every reply shape turns a failure into the typed exception, the raw call included.
        var invoker = new RecordingInvoker(1, (_, _) => bytes);
        var error = await Assert.ThrowsAsync<OneBotApiException>(() => invoker.Actions.CallAsync("some_action"));
        await Assert.ThrowsAsync<OneBotApiException>(() => invoker.Actions.Messages.SendGroupMessageAsync(1, "x"));
        await Assert.ThrowsAsync<OneBotApiException>(() => invoker.Actions.Messages.DeleteMessageAsync(1));
        Assert.Equal("some_action", error.Action);
        Assert.Equal(root.GetProperty("status").GetString(), error.Status);
        Assert.Equal(root.GetProperty("retcode").GetInt32(), error.RetCode);
        var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
        var wording = root.TryGetProperty("wording", out var w) ? w.GetString() : null;
        var msg = root.TryGetProperty("msg", out var c) ? c.GetString() : null;
        Assert.Equal((message, wording, msg), (error.ServerMessage, error.Wording, error.ErrorCode));
        Assert.Equal(wording ?? message ?? msg, error.Text);
        Assert.Equal(error.RetCode is 404 or 1404, error.IsUnsupportedAction);
        Assert.Equal(error.RetCode == 1403, error.IsAuthenticationFailure);
        if (error.Text is { } text)
        {
            Assert.Contains(text, error.Message, StringComparison.Ordinal);
        }
    }

    public static string Encode<TParams>(long id, string action, TParams parameters, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TParams> info)
    {
        var frame = OneBotRequestEncoder.Encode(id, action, parameters, info);
        try
        {
            return Encoding.UTF8.GetString(frame.Memory.Span);
        }
        finally
        {
            frame.Return();
        }
    }

    private static string Without(byte[] request, string parameter)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(request)!;
        node["params"]!.AsObject().Remove(parameter);
        return node.ToJsonString();
    }

    private static string With(byte[] request, string parameter, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(request)!;
        node["params"]![parameter] = value;
        return node.ToJsonString();
    }
}
