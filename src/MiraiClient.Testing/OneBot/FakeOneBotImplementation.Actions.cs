using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MiraiClient.OneBot;

namespace MiraiClient.Testing.OneBot;

/// <summary>Actions: parsing request frames, deciding the answer (handler, built-in table, unknown), and
/// writing it in the profile's response envelope.</summary>
/// <remarks>Every action frame is answered on its own task, as every implementation does, so a slow
/// answer lets later ones overtake it (ONEBOT11.md §2.5).</remarks>
public sealed partial class FakeOneBotImplementation
{
    private const int RememberedMessages = 5000;
    private readonly Dictionary<long, RememberedMessage> _messages = [];
    private readonly Queue<long> _messageOrder = new();
    private int _nextMessageId = 1000;

    /// <summary>The built-in answers, by action name. A handler set with <c>Handle</c> replaces an entry;
    /// the profile's <see cref="OneBotProfileRules.MissingActions"/> and <see cref="OneBotProfileRules.ExtraActions"/>
    /// take entries away or add them.</summary>
    private static readonly Dictionary<string, Func<FakeOneBotImplementation, ReceivedAction, ActionReply>> BuiltIn = BuildBuiltIn();

    /// <summary>Actions only some profiles have; the others answer them as unknown.</summary>
    private static readonly HashSet<string> ProfileOnly = new(StringComparer.Ordinal) { ".handle_quick_operation", "test_download_stream" };

    private static Dictionary<string, Func<FakeOneBotImplementation, ReceivedAction, ActionReply>> BuildBuiltIn()
    {
        var none = ActionReply.Ok();
        var empty = ActionReply.Ok("[]");
        var table = new Dictionary<string, Func<FakeOneBotImplementation, ReceivedAction, ActionReply>>(StringComparer.Ordinal)
        {
            ["get_login_info"] = static (fake, _) => ActionReply.Ok(Json(w =>
            {
                w.WriteNumber("user_id", fake.SelfId);
                w.WriteString("nickname", fake._nickname);
            })),
            ["get_status"] = static (fake, _) => ActionReply.Ok(Encoding.UTF8.GetString(OneBotWire.Write(w => OneBotWire.WriteStatus(w, fake.CurrentStatus())))),
            ["get_version_info"] = static (fake, _) => ActionReply.Ok(
                $"{{\"app_name\":\"{fake._rules.AppName}\",\"app_version\":\"{fake._rules.AppVersion}\",\"protocol_version\":\"v11\"{fake._rules.VersionExtras}}}"),
            ["send_msg"] = static (fake, action) => fake.SendReply(action),
            ["send_private_msg"] = static (fake, action) => fake.SendReply(action),
            ["send_group_msg"] = static (fake, action) => fake.SendReply(action),
            ["get_msg"] = static (fake, action) => fake.GetMessageReply(action),
            ["get_forward_msg"] = static (fake, _) => ActionReply.Ok(fake._rules.Profile is FakeOneBotProfile.NapCat or FakeOneBotProfile.GoCqhttp ? "{\"messages\":[]}" : "{\"message\":[]}"),
            ["get_stranger_info"] = static (_, action) => ActionReply.Ok(Json(w =>
            {
                var user = action.GetInt64("user_id") ?? 0;
                w.WriteNumber("user_id", user);
                w.WriteString("nickname", $"user{user}");
                w.WriteString("sex", "unknown");
                w.WriteNumber("age", 0);
            })),
            ["get_group_info"] = static (_, action) => ActionReply.Ok(Json(w =>
            {
                var group = action.GetInt64("group_id") ?? 0;
                w.WriteNumber("group_id", group);
                w.WriteString("group_name", $"group{group}");
                w.WriteNumber("member_count", 1);
                w.WriteNumber("max_member_count", 200);
            })),
            ["get_group_member_info"] = static (_, action) => ActionReply.Ok(Json(w =>
            {
                var user = action.GetInt64("user_id") ?? 0;
                w.WriteNumber("group_id", action.GetInt64("group_id") ?? 0);
                w.WriteNumber("user_id", user);
                w.WriteString("nickname", $"user{user}");
                w.WriteString("card", "");
                w.WriteString("sex", "unknown");
                w.WriteNumber("age", 0);
                w.WriteString("area", "");
                w.WriteNumber("join_time", 0);
                w.WriteNumber("last_sent_time", 0);
                w.WriteString("level", "1");
                w.WriteString("role", "member");
                w.WriteBoolean("unfriendly", false);
                w.WriteString("title", "");
                w.WriteNumber("title_expire_time", 0);
                w.WriteBoolean("card_changeable", false);
            })),
            ["get_group_honor_info"] = static (_, action) => ActionReply.Ok(Json(w => w.WriteNumber("group_id", action.GetInt64("group_id") ?? 0))),
            ["get_cookies"] = static (_, _) => ActionReply.Ok("{\"cookies\":\"\"}"),
            ["get_csrf_token"] = static (_, _) => ActionReply.Ok("{\"token\":0}"),
            ["get_credentials"] = static (_, _) => ActionReply.Ok("{\"cookies\":\"\",\"csrf_token\":0}"),
            ["get_record"] = static (_, action) => ActionReply.Ok(Json(w => w.WriteString("file", action.GetString("file") ?? ""))),
            ["get_image"] = static (_, action) => ActionReply.Ok(Json(w => w.WriteString("file", action.GetString("file") ?? ""))),
            ["can_send_image"] = static (_, _) => ActionReply.Ok("{\"yes\":true}"),
            ["can_send_record"] = static (_, _) => ActionReply.Ok("{\"yes\":true}"),
            ["set_restart"] = static (_, _) => ActionReply.Async(),

            // NapCat's test stream: three chunks, then the final frame.
            ["test_download_stream"] = static (_, _) => ActionReply.Stream(
                Enumerable.Range(0, 3).Select(i => $"{{\"type\":\"stream\",\"data_type\":\"data_chunk\",\"index\":{i},\"data\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes($"chunk {i}"))}\"}}"),
                "{\"type\":\"response\",\"data_type\":\"data_complete\",\"total_chunks\":3}"),
        };

        foreach (var list in new[] { "get_friend_list", "get_group_list", "get_group_member_list" })
        {
            table[list] = (_, _) => empty;
        }

        foreach (var action in new[]
        {
            "delete_msg", "send_like", "set_group_kick", "set_group_ban", "set_group_anonymous_ban", "set_group_whole_ban",
            "set_group_admin", "set_group_anonymous", "set_group_card", "set_group_name", "set_group_leave",
            "set_group_special_title", "set_friend_add_request", "set_group_add_request", "clean_cache", ".handle_quick_operation",
            "delete_friend", "mark_msg_as_read", "set_essence_msg", "delete_essence_msg", "set_msg_emoji_like",
        })
        {
            table[action] = (_, _) => none;
        }

        return table;
    }

    private static string Json(Action<Utf8JsonWriter> members) => Encoding.UTF8.GetString(OneBotWire.Write(w =>
    {
        w.WriteStartObject();
        members(w);
        w.WriteEndObject();
    }));

    /// <summary>The status heartbeats and <c>get_status</c> report, in the profile's shape.</summary>
    private OneBotStatus CurrentStatus()
    {
        var online = Online;
        return _rules.Status switch
        {
            StatusShape.OnlineDefaultTrue => new OneBotStatus { Online = online ?? true, Good = true },
            StatusShape.OnlineNullable => new OneBotStatus { Online = online, Good = true },
            StatusShape.AlwaysOnline => new OneBotStatus { AppInitialized = true, AppEnabled = true, AppGood = true, Online = true, Good = true },
            _ => new OneBotStatus
            {
                AppInitialized = true,
                AppEnabled = true,
                AppGood = true,
                Online = online,
                Good = true,
                Stat = new OneBotStatistics { PacketReceived = ReceivedCount(), MessageSent = Volatile.Read(ref _nextMessageId) - 1000 },
            },
        };
    }

    private long ReceivedCount()
    {
        lock (_gate)
        {
            return _received.Count;
        }
    }

    private ActionReply SendReply(ReceivedAction action)
    {
        SentOneBotMessage send;
        try
        {
            send = action.Send!;
        }
        catch (FormatException ex)
        {
            return BadParameters(ex.Message);
        }

        if (send.Message.Count == 0 && _rules.RefusesEmptyMessage)
        {
            return ActionReply.Failed(100, "消息为空", "EMPTY_MSG_ERROR");
        }

        var id = Interlocked.Increment(ref _nextMessageId);
        Remember(id, send.ChatType == OneBotChatType.Group ? "group" : "private", SelfId, _nickname, send.Message);
        return ActionReply.Ok($"{{\"message_id\":{id.ToString(CultureInfo.InvariantCulture)}}}");
    }

    private ActionReply GetMessageReply(ReceivedAction action)
    {
        var id = action.GetInt64("message_id");
        RememberedMessage? found = null;
        lock (_gate)
        {
            if (id is { } key && _messages.TryGetValue(key, out var message))
            {
                found = message;
            }
        }

        if (found is not { } m)
        {
            return ActionReply.Error("消息不存在");
        }

        return ActionReply.Ok(Json(w =>
        {
            w.WriteNumber("time", m.Time);
            w.WriteString("message_type", m.MessageType);
            w.WriteNumber("message_id", id!.Value);
            w.WriteNumber("real_id", id.Value);
            w.WriteStartObject("sender");
            w.WriteNumber("user_id", m.UserId);
            w.WriteString("nickname", m.Nickname);
            w.WriteEndObject();
            w.WritePropertyName("message");
            OneBotWire.WriteMessage(w, m.Message, _shape.Format);
        }));
    }

    /// <summary>Remembers a message for <c>get_msg</c>; like NapCat, only the latest ids resolve.</summary>
    private void Remember(long id, string messageType, long userId, string nickname, OneBotMessage message)
    {
        lock (_gate)
        {
            if (_messages.TryAdd(id, new RememberedMessage(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), messageType, userId, nickname, message)))
            {
                _messageOrder.Enqueue(id);
            }

            while (_messageOrder.Count > RememberedMessages)
            {
                _messages.Remove(_messageOrder.Dequeue());
            }
        }
    }

    /// <summary>A parameter problem: NapCat and LLBot validate first (1400), the others fail in the handler.</summary>
    private ActionReply BadParameters(string text) =>
        _rules.BadFrame is BadFrameRule.Reply1400EchoNull or BadFrameRule.Reply1400RecoverEcho ? ActionReply.Failed(1400, text) : ActionReply.Error(text);

    /// <summary>Handles one text frame read from an action-capable socket.</summary>
    private void OnActionFrame(OneBotLink link, string text)
    {
        var action = Parse(link, text, out var echoJson);
        if (action is null)
        {
            _ = Track(AnswerBadFrameAsync(link, text, echoJson));
            return;
        }

        lock (_gate)
        {
            action.Sequence = ++_nextSequence;
            _received.Add(action);
        }

        Signal();
        _ = Track(AnswerAsync(link, action));
    }

    private static ReceivedAction? Parse(OneBotLink link, string text, out string? echoJson)
    {
        echoJson = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("echo", out var echo))
            {
                echoJson = echo.GetRawText();
            }

            if (!root.TryGetProperty("action", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var parameters = root.TryGetProperty("params", out var p) ? p.Clone() : default;
            return new ReceivedAction(link.Id, link.Endpoint, name.GetString()!, parameters, echoJson, text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A frame that is no action: the profile's answer (ONEBOT11.md §2.3).</summary>
    private async Task AnswerBadFrameAsync(OneBotLink link, string text, string? echoJson)
    {
        switch (_rules.BadFrame)
        {
            case BadFrameRule.Reply1400EchoNull:
                await link.SendAsync(Envelope("failed", 1400, "null", "json解析失败,请检查数据格式", null, new EchoValue(true, "null"), "normal-action")).ConfigureAwait(false);
                break;
            case BadFrameRule.Reply1400RecoverEcho:
                var recovered = echoJson ?? RecoverEcho(text);
                await link.SendAsync(Envelope("failed", 1400, "null", "json parse failed", null, recovered is null || recovered == "null" ? EchoValue.Omitted : new EchoValue(true, recovered), null)).ConfigureAwait(false);
                break;
            case BadFrameRule.Lenient:
                if (ActionPattern().Match(text) is { Success: true } match)
                {
                    var action = new ReceivedAction(link.Id, link.Endpoint, match.Groups[1].Value, default, echoJson ?? RecoverEcho(text), text);
                    lock (_gate)
                    {
                        action.Sequence = ++_nextSequence;
                        _received.Add(action);
                    }

                    Signal();
                    await AnswerAsync(link, action).ConfigureAwait(false);
                }

                break;
            default:
                // Lagrange answers nothing; the call times out.
                break;
        }
    }

    private static string? RecoverEcho(string text) => EchoPattern().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("\"echo\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+)")]
    private static partial Regex EchoPattern();

    [GeneratedRegex("\"action\"\\s*:\\s*\"([^\"\\\\]*)\"")]
    private static partial Regex ActionPattern();

    private async Task AnswerAsync(OneBotLink link, ReceivedAction action)
    {
        ActionReply reply;
        var unknown = false;
        try
        {
            var answer = Decide(action);
            unknown = answer is null;
            reply = answer is null ? ActionReply.Unsupported() : await answer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A handler that throws is what the implementation reports as a handler error.
            reply = ActionReply.Error(ex.Message);
        }

        try
        {
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, _lifetime.Token).ConfigureAwait(false);
            }

            var echo = EchoFor(action.EchoJson, beforeDispatch: unknown || reply.Kind == ActionReply.ReplyKind.Unsupported);
            await WriteReplyAsync([link], reply, action.Action, echo).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The fake is stopping; the connection goes with it.
        }
    }

    /// <summary>Finds the answer: a handler (by the exact name, then by the name the profile resolves a
    /// suffix to), then the built-in table; null when the profile does not know the action.</summary>
    private Task<ActionReply>? Decide(ReceivedAction action)
    {
        if (_handlers.TryGetValue(action.Action, out var exact))
        {
            return exact(action);
        }

        var name = Resolve(action.Action);
        if (name is null)
        {
            return null;
        }

        if (_handlers.TryGetValue(name, out var handler))
        {
            return handler(action);
        }

        if (BuiltIn.TryGetValue(name, out var builtIn)
            && !_rules.MissingActions.Contains(name)
            && (!ProfileOnly.Contains(name) || _rules.ExtraActions.Contains(name)))
        {
            return Task.FromResult(builtIn(this, action));
        }

        return null;
    }

    /// <summary>The action a name runs under the profile's suffix rule, or null when the suffix is not recognised.</summary>
    private string? Resolve(string action)
    {
        var isAsync = action.EndsWith("_async", StringComparison.Ordinal);
        var isRateLimited = action.EndsWith("_rate_limited", StringComparison.Ordinal);
        if (!isAsync && !isRateLimited)
        {
            return action;
        }

        return _rules.Suffixes switch
        {
            SuffixRule.BothAliases => ReceivedAction.Strip(action),
            SuffixRule.AsyncOnly when isAsync => ReceivedAction.Strip(action),
            _ => null,
        };
    }

    /// <summary>The echo a response carries under the profile's rule (ONEBOT11.md §2.2).</summary>
    private EchoValue EchoFor(string? requestEcho, bool beforeDispatch) => _rules.Echo switch
    {
        EchoRule.EmptyWhenAbsent => new EchoValue(true, requestEcho ?? (beforeDispatch ? "null" : "\"\"")),
        EchoRule.OmittedWhenNull => requestEcho is null or "null" ? EchoValue.Omitted : new EchoValue(true, requestEcho),
        EchoRule.NullWhenAbsent => new EchoValue(true, requestEcho ?? "null"),
        _ => requestEcho is null ? EchoValue.Omitted : new EchoValue(true, requestEcho),
    };

    /// <summary>Writes a reply's frames to the given links.</summary>
    private async Task WriteReplyAsync(IReadOnlyList<OneBotLink> links, ActionReply reply, string action, EchoValue echo)
    {
        async Task SendAsync(byte[] frame)
        {
            foreach (var link in links)
            {
                await link.SendAsync(frame).ConfigureAwait(false);
            }
        }

        switch (reply.Kind)
        {
            case ActionReply.ReplyKind.None:
                return;
            case ActionReply.ReplyKind.Raw:
                await SendAsync(Encoding.UTF8.GetBytes(reply.RawFrame!)).ConfigureAwait(false);
                return;
            case ActionReply.ReplyKind.Unsupported:
                await SendAsync(Envelope("failed", _rules.UnknownActionRetCode, "null", _rules.UnknownActionText(action), _rules.Text == ResponseText.GoCqhttp ? "API_NOT_FOUND" : null, echo, Marker(stream: false))).ConfigureAwait(false);
                return;
            case ActionReply.ReplyKind.HandlerError:
                await SendAsync(Envelope("failed", _rules.HandlerErrorRetCode, "null", reply.Message, _rules.Text == ResponseText.GoCqhttp ? "API_ERROR" : null, echo, Marker(stream: false))).ConfigureAwait(false);
                return;
            case ActionReply.ReplyKind.Stream:
                foreach (var chunk in reply.Chunks)
                {
                    await SendAsync(Envelope("ok", 0, chunk, null, null, echo, Marker(stream: true))).ConfigureAwait(false);
                    if (reply.ChunkInterval > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.ChunkInterval, _lifetime.Token).ConfigureAwait(false);
                    }
                }

                await SendAsync(Envelope("ok", 0, reply.DataJson, null, null, echo, Marker(stream: true))).ConfigureAwait(false);
                return;
            default:
                var failed = reply.Status is not ("ok" or "async");
                await SendAsync(Envelope(reply.Status, reply.RetCode, reply.DataJson, failed ? reply.Message : null, reply.ErrorCode, echo, Marker(stream: false))).ConfigureAwait(false);
                return;
        }
    }

    private string? Marker(bool stream) => _rules.StreamMarker ? (stream ? "stream-action" : "normal-action") : null;

    /// <summary>Writes a response frame in the profile's envelope: field set and order as the implementation writes them.</summary>
    /// <param name="status">The status.</param>
    /// <param name="retCode">The retcode.</param>
    /// <param name="dataJson">The data as JSON.</param>
    /// <param name="failureText">The failure text, or null for a success.</param>
    /// <param name="errorCode">go-cqhttp's <c>msg</c> code, if any.</param>
    /// <param name="echo">The echo to write, or omitted.</param>
    /// <param name="stream">NapCat's stream marker, if the profile has one.</param>
    private byte[] Envelope(string status, int retCode, string dataJson, string? failureText, string? errorCode, EchoValue echo, string? stream)
    {
        var text = failureText ?? "";
        return OneBotWire.Write(w =>
        {
            w.WriteStartObject();
            if (_rules.Text == ResponseText.GoCqhttp)
            {
                // go-cqhttp writes a Go map: keys in alphabetical order.
                w.WritePropertyName("data");
                w.WriteRawValue(dataJson);
                WriteEcho(w, echo);
                w.WriteString("message", text);
                if (failureText is not null && errorCode is not null)
                {
                    w.WriteString("msg", errorCode);
                }

                w.WriteNumber("retcode", retCode);
                w.WriteString("status", status);
                if (failureText is not null)
                {
                    w.WriteString("wording", text);
                }
            }
            else
            {
                w.WriteString("status", status);
                w.WriteNumber("retcode", retCode);
                w.WritePropertyName("data");
                w.WriteRawValue(dataJson);
                if (_rules.Text == ResponseText.MessageAndWording)
                {
                    w.WriteString("message", text);
                    w.WriteString("wording", text);
                }

                WriteEcho(w, echo);
                if (stream is not null)
                {
                    w.WriteString("stream", stream);
                }
            }

            w.WriteEndObject();
        });

        static void WriteEcho(Utf8JsonWriter w, EchoValue echo)
        {
            if (echo.Present)
            {
                w.WritePropertyName("echo");
                w.WriteRawValue(echo.Json!);
            }
        }
    }

    /// <summary>Sends a response frame with an echo no client sent to every socket that takes actions, as an
    /// implementation confused by a restart or a duplicate might (a client must ignore it).</summary>
    /// <param name="echoJson">The echo as raw JSON, for example <c>"\"999\""</c>.</param>
    /// <param name="reply">The reply to write (default: a success with <c>data: null</c>).</param>
    /// <returns>A task that completes when written.</returns>
    /// <exception cref="ArgumentException"><paramref name="echoJson"/> is not one valid JSON value.</exception>
    public Task SendUnsolicitedReplyAsync(string echoJson, ActionReply? reply = null)
    {
        ArgumentNullException.ThrowIfNull(echoJson);
        try
        {
            using var document = JsonDocument.Parse(echoJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The echo is not one valid JSON value: {ex.Message}", nameof(echoJson), ex);
        }

        var links = _links.Values.Where(l => l.Reads == LinkReads.Execute).ToList();
        return WriteReplyAsync(links, reply ?? ActionReply.Ok(), "unknown", new EchoValue(true, echoJson));
    }

    /// <summary>An echo to write: present with its JSON, or left out.</summary>
    private readonly record struct EchoValue(bool Present, string? Json)
    {
        public static EchoValue Omitted => default;
    }

    /// <summary>A message remembered for <c>get_msg</c>.</summary>
    private readonly record struct RememberedMessage(long Time, string MessageType, long UserId, string Nickname, OneBotMessage Message);
}
