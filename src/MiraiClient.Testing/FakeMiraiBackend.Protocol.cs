using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>The mirai-api-http protocol above the socket: authentication, the handshake frame, the
/// command loop, the keys the server requires, and the built-in replies.</summary>
/// <remarks>Commands on one connection are handled one at a time, as the real server does; a reply
/// delay therefore holds up everything behind it on that connection.</remarks>
public sealed partial class FakeMiraiBackend
{
    /// <summary>The keys the 2.10 server requires even when their value may be null; a missing one gets 400.</summary>
    private static readonly Dictionary<string, string[]> RequiredKeys = new(StringComparer.Ordinal)
    {
        ["roamingMessages"] = ["timeStart", "timeEnd", "target", "qq", "group"],
        ["latestMemberList"] = ["target", "memberIds"],
        ["setEssence"] = ["target", "messageId"],
        ["messageFromId"] = ["target", "messageId"],
        ["recall"] = ["target", "messageId"],
        ["resp_newFriendRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["resp_memberJoinRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["resp_botInvitedJoinGroupRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["sendFriendMessage"] = ["messageChain"],
        ["sendGroupMessage"] = ["messageChain"],
        ["sendTempMessage"] = ["messageChain"],
        ["sendNudge"] = ["target", "subject", "kind"],
        ["sessionInfo"] = [],
    };

    /// <summary>The built-in replies, by command word (or <c>command.sub</c>); anything else gets code 6.
    /// A handler set with <c>Handle</c> replaces an entry.</summary>
    private static readonly Dictionary<string, Func<FakeMiraiBackend, ReceivedCommand, FakeConnection, CommandReply>> DefaultReplies = BuildDefaultReplies();

    private static Dictionary<string, Func<FakeMiraiBackend, ReceivedCommand, FakeConnection, CommandReply>> BuildDefaultReplies()
    {
        var ok = CommandReply.Status(0);
        var emptyList = CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":[]}");
        var profile = CommandReply.Data("{\"nickname\":\"someone\",\"email\":\"\",\"age\":0,\"level\":1,\"sign\":\"\",\"sex\":\"UNKNOWN\"}");
        var table = new Dictionary<string, Func<FakeMiraiBackend, ReceivedCommand, FakeConnection, CommandReply>>(StringComparer.Ordinal)
        {
            ["about"] = static (_, _, _) => CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":{\"version\":\"2.10.0\"}}"),
            ["botList"] = static (backend, _, _) => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":[{string.Join(",", backend._options.Bots)}]}}"),
            ["sessionInfo"] = static (backend, _, connection) => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{{\"sessionKey\":\"{connection.SessionKey}\",\"qq\":{{\"id\":{backend._options.Bots.FirstOrDefault()},\"nickname\":\"bot\",\"remark\":\"\"}}}}}}"),
            ["groupConfig.update"] = (_, _, _) => ok,
            ["memberInfo.update"] = (_, _, _) => ok,
        };

        foreach (var send in new[] { "sendFriendMessage", "sendGroupMessage", "sendTempMessage", "sendOtherClientMessage" })
        {
            table[send] = static (backend, _, _) => CommandReply.Data($"{{\"code\":0,\"msg\":\"success\",\"messageId\":{Interlocked.Increment(ref backend._nextMessageId)}}}");
        }

        foreach (var list in new[] { "friendList", "groupList", "memberList", "latestMemberList", "anno_list", "file_list", "roamingMessages" })
        {
            table[list] = (_, _, _) => emptyList;
        }

        foreach (var query in new[] { "botProfile", "friendProfile", "memberProfile", "userProfile" })
        {
            table[query] = (_, _, _) => profile;
        }

        foreach (var action in new[]
        {
            "recall", "sendNudge", "deleteFriend", "mute", "unmute", "kick", "quit", "muteAll", "unmuteAll", "setEssence",
            "memberAdmin", "anno_delete", "file_delete", "file_move", "file_rename", "cmd_execute", "cmd_register",
            "resp_newFriendRequestEvent", "resp_memberJoinRequestEvent", "resp_botInvitedJoinGroupRequestEvent",
        })
        {
            table[action] = (_, _, _) => ok;
        }

        return table;
    }

    private static string NewSessionKey()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(8, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static string Handshake(int code, string? session, string? message) =>
        code == 0
            ? $"{{\"syncId\":\"\",\"data\":{{\"code\":0,\"session\":\"{session}\"}}}}"
            : $"{{\"syncId\":\"\",\"data\":{{\"code\":{code},\"msg\":{JsonSerializer.Serialize(message ?? "", TestingJsonContext.Default.String)}}}}}";

    private static ReceivedCommand? Parse(int connectionId, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("syncId", out var syncId)
                || !root.TryGetProperty("command", out var command)
                || command.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var syncIdText = syncId.ValueKind switch
            {
                JsonValueKind.String => syncId.GetString(),
                JsonValueKind.Number => syncId.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw new JsonException("syncId"),
            };
            var subCommand = root.TryGetProperty("subCommand", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
            var content = root.TryGetProperty("content", out var c) ? c.Clone() : default;
            return new ReceivedCommand(connectionId, syncIdText, command.GetString()!, subCommand, content, text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CommandReply? MissingKeys(ReceivedCommand command)
    {
        if (!RequiredKeys.TryGetValue(command.Command, out var keys))
        {
            return null;
        }

        if (command.Content.ValueKind != JsonValueKind.Object)
        {
            // sessionInfo without content: the server nests the error inside a success.
            return command.Command == "sessionInfo"
                ? CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":{\"code\":400,\"msg\":\"无效参数\"}}")
                : CommandReply.Status(400, "无效参数");
        }

        return keys.All(k => command.Content.TryGetProperty(k, out _)) ? null : CommandReply.Status(400, "无效参数");
    }

    /// <summary>Authenticates an upgraded connection, sends the handshake frame and runs its commands.</summary>
    private async Task RunSessionAsync(int id, FakeConnection connection, UpgradeRequest request)
    {
        var (code, message) = Authenticate(request);
        if (code != 0)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(code, null, message))).ConfigureAwait(false);
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, message).ConfigureAwait(false);
            return;
        }

        connection.Authenticated = true;
        connection.SessionKey = NewSessionKey();

        // Count before sending: a client may act on the frame before this method resumes.
        Interlocked.Increment(ref _handshakes);
        Signal();
        if (SendHandshake)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(0, connection.SessionKey, null))).ConfigureAwait(false);
        }

        await CommandLoopAsync(id, connection).ConfigureAwait(false);
    }

    private (int Code, string? Message) Authenticate(UpgradeRequest request)
    {
        string? Parameter(string name) =>
            request.Headers.TryGetValue(name, out var header) ? header : request.Query.GetValueOrDefault(name);

        if (_options.VerifyKey is { } expected && Parameter("verifyKey") != expected)
        {
            return (1, "Auth Key错误");
        }

        if (_options.SingleMode)
        {
            return (0, null);
        }

        if (!long.TryParse(Parameter("qq"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var qq))
        {
            return (400, "无效参数");
        }

        return _options.Bots.Contains(qq) ? (0, null) : (2, "指定Bot不存在");
    }

    private async Task CommandLoopAsync(int id, FakeConnection connection)
    {
        var socket = connection.Socket!;
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Echo the client's close, as the server does.
                    await connection.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "").ConfigureAwait(false);
                    return;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            var command = Parse(id, text);
            if (command is null)
            {
                await connection.SendAsync("{\"code\":400,\"msg\":\"无效参数\"}"u8.ToArray()).ConfigureAwait(false);
                continue;
            }

            lock (_gate)
            {
                _received.Add(command);
            }

            Signal();
            var reply = MissingKeys(command) ?? await AnswerAsync(command, connection).ConfigureAwait(false);
            var delay = ReplyDelay + reply.Delay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
            }

            if (reply.DataJson is { } data)
            {
                var syncId = command.SyncId is null ? "null" : JsonSerializer.Serialize(command.SyncId, TestingJsonContext.Default.String);
                await connection.SendAsync(Encoding.UTF8.GetBytes($"{{\"syncId\":{syncId},\"data\":{data}}}")).ConfigureAwait(false);
            }
        }
    }

    private async Task<CommandReply> AnswerAsync(ReceivedCommand command, FakeConnection connection)
    {
        var key = command.SubCommand is null ? command.Command : $"{command.Command}.{command.SubCommand}";
        if (_handlers.TryGetValue(key, out var handler) || _handlers.TryGetValue(command.Command, out handler))
        {
            return await handler(command).ConfigureAwait(false);
        }

        return DefaultReplies.TryGetValue(key, out var reply) || DefaultReplies.TryGetValue(command.Command, out reply)
            ? reply(this, command, connection)
            : CommandReply.Status(6, "指定操作不支持");
    }
}
