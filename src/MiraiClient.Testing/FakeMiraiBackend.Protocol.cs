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

    /// <summary>Before 2.6 the message-id commands took a bare id: <c>{id}</c> for messageFromId and
    /// <c>{target: messageId}</c> for recall and setEssence.</summary>
    private static readonly Dictionary<string, string[]> RequiredKeysBefore26 = new(StringComparer.Ordinal)
    {
        ["messageFromId"] = ["id"],
        ["recall"] = ["target"],
        ["setEssence"] = ["target"],
    };

    /// <summary>The command words the 2.10 ws adapter runs (PROTOCOL.md §4); <c>groupConfig</c> and
    /// <c>memberInfo</c> only with <c>get</c> or <c>update</c>. Any other word is answered with code 6
    /// before the session's bot is touched, so it never shows a stale session.</summary>
    private static readonly HashSet<string> ServerCommands = new(StringComparer.Ordinal)
    {
        "about", "botList", "sessionInfo", "messageFromId", "friendList", "groupList", "memberList", "latestMemberList",
        "botProfile", "friendProfile", "memberProfile", "userProfile", "sendFriendMessage", "sendGroupMessage",
        "sendTempMessage", "sendOtherClientMessage", "sendImageMessage", "sendNudge", "recall", "roamingMessages",
        "file_list", "file_info", "file_mkdir", "file_delete", "file_move", "file_rename", "deleteFriend", "mute",
        "unmute", "kick", "quit", "muteAll", "unmuteAll", "setEssence", "groupConfig.get", "groupConfig.update",
        "memberInfo.get", "memberInfo.update", "memberAdmin", "anno_list", "anno_publish", "anno_delete",
        "resp_newFriendRequestEvent", "resp_memberJoinRequestEvent", "resp_botInvitedJoinGroupRequestEvent",
        "cmd_execute", "cmd_register",
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
            ["about"] = static (backend, _, _) => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{{\"version\":\"{backend._rules.VersionText}\"}}}}"),
            ["botList"] = static (backend, _, _) => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":[{string.Join(",", backend._accounts.Listed)}]}}"),
            ["sessionInfo"] = static (_, _, connection) => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{{\"sessionKey\":\"{connection.SessionKey}\",\"qq\":{{\"id\":{connection.BotQQ},\"nickname\":\"bot\",\"remark\":\"\"}}}}}}"),
            ["file_info"] = static (backend, command, _) => backend.FileInfoReply(command),
            ["file_mkdir"] = static (backend, command, _) => backend.MakeDirectoryReply(command),

            // The fake keeps no message cache, so every id is "not cached".
            ["messageFromId"] = static (_, _, _) => CommandReply.Status(5, ClosedBot.TargetNotFoundMessage),
            ["groupConfig.update"] = (_, _, _) => ok,
            ["memberInfo.update"] = (_, _, _) => ok,
        };

        foreach (var send in new[] { "sendFriendMessage", "sendGroupMessage", "sendTempMessage", "sendOtherClientMessage" })
        {
            table[send] = static (backend, command, _) => backend.SendReply(command);
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

    private string Handshake(int code, string? session, string? message)
    {
        if (code == 0)
        {
            return $"{{\"syncId\":\"\",\"data\":{{\"code\":0,\"session\":\"{session}\"}}}}";
        }

        var status = JsonSerializer.Serialize(new StatusBody(code, message ?? ""), TestingJsonContext.Default.StatusBody);
        return _rules.WrapsHandshakeFailure ? $"{{\"syncId\":\"\",\"data\":{status}}}" : status;
    }

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

    private CommandReply? MissingKeys(ReceivedCommand command)
    {
        if (!(_rules.UsesOldMessageIdContent && RequiredKeysBefore26.TryGetValue(command.Command, out var keys))
            && !RequiredKeys.TryGetValue(command.Command, out keys))
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
        var auth = Authenticate(request);
        if (auth.Code is null)
        {
            // Single mode without a bot instance: the real server throws while connecting and the socket
            // drops without a frame (PROTOCOL.md §10.7).
            RecordRejection(auth.Reason!);
            connection.Abort();
            return;
        }

        if (auth.Code != 0)
        {
            RecordRejection(auth.Reason!);
            await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(auth.Code.Value, null, auth.Message))).ConfigureAwait(false);
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, auth.Message).ConfigureAwait(false);
            return;
        }

        connection.Channel = request.Channel;
        connection.BotQQ = auth.QQ;
        connection.Instance = auth.Instance;
        connection.SessionKey = _options.SingleMode ? "SINGLE_SESSION" : NewSessionKey();
        connection.Authenticated = true;
        _awaitingClient = false;

        // Count before sending: a client may act on the frame before this method resumes.
        Interlocked.Increment(ref _handshakes);
        Signal();
        if (SendHandshake)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(0, connection.SessionKey, null))).ConfigureAwait(false);
        }

        await CommandLoopAsync(id, connection).ConfigureAwait(false);
    }

    /// <summary>Decides a handshake in the server's order (PROTOCOL.md §1.3).</summary>
    private Authentication Authenticate(UpgradeRequest request)
    {
        string? Parameter(string name) =>
            request.Headers.TryGetValue(name, out var header) ? header : request.Query.GetValueOrDefault(name);

        if (_options.VerifyKey is { } expected && Parameter("verifyKey") != expected)
        {
            return new(1, "Auth Key错误", Reason: "the verify key was wrong or missing");
        }

        long qq;
        if (_options.SingleMode)
        {
            if (_accounts.Known.Count == 0)
            {
                return new(null, null, Reason: "single mode, but the fake has no bot");
            }

            qq = _accounts.Known[0];
        }
        else if (!long.TryParse(Parameter("qq"), NumberStyles.Integer, CultureInfo.InvariantCulture, out qq))
        {
            return new(400, "无效参数", Reason: "no qq was given, and the fake is not in single mode");
        }

        return _accounts.TryBind(qq, out var instance) switch
        {
            BotAccounts.Binding.Bound => new(0, null, qq, instance),
            BotAccounts.Binding.Unknown => new(2, "指定Bot不存在", Reason: $"QQ {qq} is not a bot of this fake (known: {string.Join(", ", _accounts.Known)})"),
            _ when _options.SingleMode => new(null, null, Reason: $"single mode while bot {qq} has no Bot instance (inside a relogin's offline window); the socket was dropped without a frame"),
            _ => new(2, "指定Bot不存在", Reason: $"QQ {qq} has no Bot instance right now (inside a relogin's offline window)"),
        };
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
                command.Sequence = ++_nextSequence;
                _received.Add(command);
            }

            Signal();
            var reply = await AnswerAsync(command, connection).ConfigureAwait(false);
            var delay = ReplyDelay + reply.Delay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
            }

            if (reply.DataJson is { } data)
            {
                // Before 2.1 a failed command came back as the bare status, without its sync id.
                var syncId = command.SyncId is null ? "null" : JsonSerializer.Serialize(command.SyncId, TestingJsonContext.Default.String);
                var frame = !_rules.WrapsCommandFailure && IsFailure(data) ? data : $"{{\"syncId\":{syncId},\"data\":{data}}}";
                await connection.SendAsync(Encoding.UTF8.GetBytes(frame)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Answers a command in the server's order: unknown word, undecodable content, then the bot
    /// (a stale session fails here, a dropped network waits here), then the handler or built-in reply.</summary>
    private async Task<CommandReply> AnswerAsync(ReceivedCommand command, FakeConnection connection)
    {
        if (!_rules.Knows(command.Command))
        {
            return CommandReply.Status(6, "指定操作不支持");
        }

        if (MissingKeys(command) is { } missing)
        {
            return missing;
        }

        if (ServerCommands.Contains(command.Key) && !ClosedBot.IsBotIndependent(command.Command))
        {
            if (_accounts.IsStale(connection.BotQQ, connection.Instance, out var signature))
            {
                if (ClosedBot.Reply(command.Command, signature) is { } closed)
                {
                    return closed;
                }
            }
            else
            {
                await _accounts.WhenNetworkUp(connection.BotQQ).WaitAsync(_lifetime.Token).ConfigureAwait(false);
            }
        }

        if (_handlers.TryGetValue(command.Key, out var handler) || _handlers.TryGetValue(command.Command, out handler))
        {
            return await handler(command).ConfigureAwait(false);
        }

        return DefaultReplies.TryGetValue(command.Key, out var reply) || DefaultReplies.TryGetValue(command.Command, out reply)
            ? reply(this, command, connection)
            : CommandReply.Status(6, "指定操作不支持");
    }

    /// <summary>Whether a reply's data is an error status: an object with a non-zero integer <c>code</c>.</summary>
    private static bool IsFailure(string dataJson)
    {
        try
        {
            using var document = JsonDocument.Parse(dataJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt32(out var value)
                && value != 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The outcome of a handshake: a code (null: drop the socket without a frame), the server's
    /// message, the bound account, and for failures a reason a test author can act on.</summary>
    private sealed record Authentication(int? Code, string? Message, long QQ = 0, int Instance = 0, string? Reason = null);
}
