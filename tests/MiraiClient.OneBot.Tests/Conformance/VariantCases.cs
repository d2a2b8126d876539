using System.Globalization;
using System.Text;
using System.Text.Json;
using MiraiClient.OneBot.Internal;
using MiraiClient.OneBot.Tests.Infrastructure;

namespace MiraiClient.OneBot.Tests.Conformance;

/// <summary>Implementation-shaped responses, echo variants and extension actions (<c>actions/variants/</c>).</summary>
internal static class VariantCases
{
    public static async Task ExerciseAsync(string path, byte[] bytes)
    {
        var file = Path.GetFileName(path);
        switch (file)
        {
            // ---- extension action requests: the typed method reproduces the vector ----
            case "get_group_file_url.request.json":
                await RequestAsync(bytes, a => a.Files.GetGroupFileUrlAsync(100100, "/a1b2c3d4-5678-90ab-cdef-1234567890ab", 102), "get_group_file_url", """{"url":"u"}""");
                break;
            case "get_group_msg_history.request.json":
                await RequestAsync(bytes, a => a.Messages.GetGroupMessageHistoryAsync(100100, "88127", 20, reverseOrder: false), "get_group_msg_history");
                break;
            case "mark_msg_as_read.request.json":
                await RequestAsync(bytes, a => a.Messages.MarkMessageAsReadAsync(1633457016), "mark_msg_as_read");
                break;
            case "no-params.request.json":
                await RequestAsync(bytes, a => a.System.GetLoginInfoAsync(), "get_login_info", """{"user_id":1,"nickname":"x"}""");
                break;
            case "set_essence_msg.request.json":
                await RequestAsync(bytes, a => a.Groups.SetEssenceMessageAsync(1633457016), "set_essence_msg");
                break;
            case "set_msg_emoji_like.request.json":
                await RequestAsync(bytes, a => a.Messages.SetMessageEmojiLikeAsync(1633457016, "76"), "set_msg_emoji_like");
                break;
            case "upload_group_file.request.json":
                await RequestAsync(bytes, a => a.Files.UploadGroupFileAsync(100100, "base64://SGVsbG8=", "hello.txt", "/"), "upload_group_file", kind: OneBotActionKind.Transfer);
                break;
            case "send_group_forward_msg.request.json":
            {
                using var json = JsonDocument.Parse(bytes);
                var nodes = OneBotMessage.FromJson(json.RootElement.GetProperty("params").GetProperty("messages").GetRawText());
                await RequestAsync(bytes, a => a.Messages.SendGroupForwardMessageAsync(100100, nodes.Cast<NodeSegment>()), "send_group_forward_msg", """{"message_id":1,"forward_id":"f"}""");
                var custom = Assert.IsType<NodeSegment>(nodes[1]);
                Assert.Equal("自定义节点", custom.Content!.ToPlainText());
                var legacy = Assert.IsType<NodeSegment>(nodes[2]);
                Assert.Equal((12345678L, "旧写法", "go-cqhttp 的字段名"), (legacy.UserId!.Value, legacy.Nickname, legacy.Content!.ToPlainText()));
                break;
            }

            case "get_forward_msg.request.gocq.json":
            {
                // go-cqhttp names the parameter message_id; the typed method sends it beside the spec's id.
                var invoker = new RecordingInvoker(Echo(bytes), (_, id) => Ok(id, """{"messages":[]}"""));
                await invoker.Actions.Messages.GetForwardMessageAsync("7512345678901234567");
                var sent = JsonDocument.Parse(Assert.Single(invoker.Calls).Frame).RootElement.GetProperty("params");
                using var vector = JsonDocument.Parse(bytes);
                foreach (var member in vector.RootElement.GetProperty("params").EnumerateObject())
                {
                    JsonAssert.Equivalent(member.Value, sent.GetProperty(member.Name));
                }

                Assert.Equal("7512345678901234567", sent.GetProperty("id").GetString());
                break;
            }

            case "echo-number.request.json":
            case "echo-object.request.json":
            {
                // Other frameworks' echo types; this SDK sends the same request with its decimal string echo.
                using var vector = JsonDocument.Parse(bytes);
                var root = vector.RootElement;
                var invoker = new RecordingInvoker(42, (_, id) => Ok(id, "null"));
                await invoker.Actions.CallAsync(root.GetProperty("action").GetString()!, root.GetProperty("params").Clone());
                var node = System.Text.Json.Nodes.JsonNode.Parse(bytes)!;
                node["echo"] = "42";
                JsonAssert.Equivalent(node.ToJsonString(), Assert.Single(invoker.Calls).Frame);
                break;
            }

            // ---- responses ----
            case "echo-number.response.json":
            {
                var frame = OneBotFrameReader.Read(bytes);
                Assert.Equal((OneBotEchoKind.Id, 17L), (frame.Response.EchoKind, frame.Response.EchoId));
                var status = await Decode(bytes, a => a.System.GetStatusAsync());
                Assert.Equal(new OneBotStatus { Online = true, Good = true }, status);
                break;
            }

            case "echo-object.response.json":
            {
                var frame = OneBotFrameReader.Read(bytes);
                Assert.Equal((OneBotEchoKind.Other, """{"seq":42}"""), (frame.Response.EchoKind, frame.Response.EchoText));
                Assert.Equal(10001000, (await Decode(bytes, a => a.System.GetLoginInfoAsync())).UserId);
                break;
            }

            case "get_forward_msg.response.gocq-docs.json":
            {
                Assert.Equal(OneBotEchoKind.Absent, OneBotFrameReader.Read(bytes).Response.EchoKind);
                var list = await Decode(bytes, a => a.Messages.GetForwardMessageAsync("x"));
                Assert.Equal(2, list.Count);
                Assert.Equal((10086L, "发送者A", 1595694374L, "合并转发1"), (list[0].UserId, list[0].Nickname, list[0].Time!.Value, list[0].Content.ToPlainText()));
                Assert.Equal("合并转发2", list[1].Content.ToPlainText());
                Assert.Equal("xxxx", Assert.IsType<ImageSegment>(list[1].Content[1]).File);
                break;
            }

            case "get_forward_msg.response.napcat.json":
            {
                var forwarded = Assert.Single(await Decode(bytes, a => a.Messages.GetForwardMessageAsync("x")));
                Assert.Equal((12345678L, "小不点", 1767225600L, "第一条"), (forwarded.UserId, forwarded.Nickname, forwarded.Time!.Value, forwarded.Content.ToPlainText()));
                break;
            }

            case "get_group_file_url.response.json":
                Assert.Equal("https://example.invalid/ftn_handler/abc?fname=", await Decode(bytes, a => a.Files.GetGroupFileUrlAsync(1, "f")));
                break;
            case "get_group_msg_history.response.json":
            {
                var message = Assert.IsType<GroupMessageEvent>(Assert.Single(await Decode(bytes, a => a.Messages.GetGroupMessageHistoryAsync(100100))));
                Assert.Equal((1633457016L, "88127", "你好", 100100L), (message.MessageId, message.RealSeq, message.Message.ToPlainText(), message.GroupId));
                break;
            }

            case "get_status.response.gocq.json":
            {
                var status = await Decode(bytes, a => a.System.GetStatusAsync());
                Assert.Equal((true, true, (bool?)null, 3880L, 37L), (status.Online!.Value, status.AppEnabled!.Value, status.PluginsGood, status.Stat!.PacketSent, status.Stat.MessageSent));
                break;
            }

            case "get_version_info.response.lagrange.json":
                Assert.Equal(new VersionInfo { AppName = "Lagrange.OneBot", AppVersion = "0.0.3", ProtocolVersion = "v11" }, await Decode(bytes, a => a.System.GetVersionInfoAsync()));
                break;
            case "get_version_info.response.napcat.json":
            {
                Assert.Equal(OneBotStreamMarker.Normal, OneBotFrameReader.Read(bytes).Response.Stream);
                Assert.Equal(new VersionInfo { AppName = "NapCat.Onebot", AppVersion = "4.17.55", ProtocolVersion = "v11" }, await Decode(bytes, a => a.System.GetVersionInfoAsync()));
                break;
            }

            case "send_group_forward_msg.response.napcat.json":
                Assert.Equal(new ForwardMessageReceipt { MessageId = 1633457020, ForwardId = "Zm9yd2FyZC1yZXMtaWQ" }, await Decode(bytes, a => a.Messages.SendGroupForwardMessageAsync(1, [NodeSegment.Reference(1)])));
                break;
            case "send_msg.response.gocq.json":
                Assert.Equal(1399532416L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Group, 1, "x")));
                break;
            case "send_msg.response.lagrange.json":
                Assert.Equal(-1718405960L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Group, 1, "x")));
                break;
            case "send_msg.response.llbot.json":
                Assert.Equal(-1233456789L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Group, 1, "x")));
                break;
            case "send_msg.response.napcat.json":
            {
                var frame = OneBotFrameReader.Read(bytes);
                Assert.Equal((OneBotStreamMarker.Normal, true, "", ""), (frame.Response.Stream, frame.Response.IsFinal, frame.Response.Message, frame.Response.Wording));
                Assert.Equal(1633457016L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Private, 1, "x")));
                break;
            }

            case "send_msg.response.no-echo.napcat.json":
            {
                // NapCat answers a request that had no echo with "": never one of this client's ids.
                var frame = OneBotFrameReader.Read(bytes);
                Assert.Equal((OneBotEchoKind.Other, ""), (frame.Response.EchoKind, frame.Response.EchoText));
                Assert.Equal(1633457016L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Private, 1, "x")));
                break;
            }

            case "send_msg_async.response.napcat.json":
                Assert.Equal(1633457019L, await Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Private, 1, "x")));
                break;
            case "send_msg_async.response.spec.json":
            {
                // Accepted without data: fine for an action without a result, an error for one that needs its message id.
                Assert.Equal(OneBotOutcome.Async, OneBotFrameReader.Read(bytes).Response.Outcome);
                var error = await Assert.ThrowsAsync<OneBotApiException>(() => Decode(bytes, a => a.Messages.SendMessageAsync(OneBotChatType.Private, 1, "x")));
                Assert.Equal(("async", 1), (error.Status, error.RetCode));
                await Decode(bytes, async a =>
                {
                    await a.Messages.DeleteMessageAsync(1);
                    return 0;
                });
                Assert.Equal(JsonValueKind.Null, (await Decode(bytes, a => a.CallAsync("send_msg_async"))).ValueKind);
                break;
            }

            case "upload_group_file.response.napcat.json":
                Assert.Equal("e1a2b3c4-d5e6-7f80-91a2-b3c4d5e6f708", await Decode(bytes, a => a.Files.UploadGroupFileAsync(1, "f", "n")));
                break;
            default:
                Assert.Fail($"No case for {path}.");
                break;
        }
    }

    private static long Echo(byte[] request)
    {
        using var json = JsonDocument.Parse(request);
        return long.Parse(json.RootElement.GetProperty("echo").GetString()!, CultureInfo.InvariantCulture);
    }

    private static byte[] Ok(long id, string data) => Encoding.UTF8.GetBytes($$"""{"status":"ok","retcode":0,"data":{{data}},"echo":"{{id}}"}""");

    private static async Task RequestAsync<T>(byte[] bytes, Func<OneBotActions, Task<T>> call, string action, string data = "null", OneBotActionKind kind = OneBotActionKind.Default)
    {
        var invoker = new RecordingInvoker(Echo(bytes), (_, id) => Ok(id, data));
        await call(invoker.Actions);
        var recorded = Assert.Single(invoker.Calls);
        Assert.Equal((action, kind), (recorded.Action, recorded.Kind));
        JsonAssert.Equivalent(Encoding.UTF8.GetString(bytes), recorded.Frame);
    }

    private static Task RequestAsync(byte[] bytes, Func<OneBotActions, Task> call, string action, string data = "null", OneBotActionKind kind = OneBotActionKind.Default) =>
        RequestAsync(bytes, async a =>
        {
            await call(a);
            return 0;
        }, action, data, kind);

    private static Task<T> Decode<T>(byte[] response, Func<OneBotActions, Task<T>> call) =>
        call(new RecordingInvoker(1, (_, _) => response).Actions);
}
