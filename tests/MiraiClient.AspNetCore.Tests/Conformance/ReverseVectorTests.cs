using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using MiraiClient.AspNetCore.Tests.Infrastructure;
using MiraiClient.OneBot;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MiraiClient.AspNetCore.Tests.Conformance;

/// <summary>
/// The shared vectors of the reverse transports (folders <c>transport/</c> and <c>mah-reverse-ws/</c> of
/// ../shared/onebot/vectors), replayed against the real endpoints on Kestrel: every upgrade descriptor with its own
/// path and headers (accepted, account joined, split roles merged, a wrong or missing token refused with its status),
/// and mirai-api-http's reverse-ws frames played by a peer against <c>MapMiraiReverseWebSocket</c> (the verify the
/// SDK sends matches the vector's shape; each verify response gives its documented outcome). The SDK has no HTTP POST
/// receiver: what those vectors carry that also travels over WebSocket (the event body, the quick operation, the
/// webhook's command) is exercised there, and each test says what does not apply. The OneBot suite's enumeration test
/// checks that these folders are claimed here.
/// </summary>
public sealed class ReverseVectorTests
{
    /// <summary>The folders this suite owns.</summary>
    public static readonly string[] Folders = ["transport/", "mah-reverse-ws/"];

    private const string VerifyFlow = nameof(MapMiraiReverseWebSocket_FollowsTheVectors_WhenMiraiApiHttpVerifiesOk);
    private const string VerifyFailure = nameof(MapMiraiReverseWebSocket_EndsWithTypedHandshakeFailure_ForEachFailureVariant);
    private const string Upgrade = nameof(MapOneBotReverseWebSocket_AcceptsAndJoins_WhenReplayingAnUpgradeDescriptor);
    private const string HttpPost = nameof(HttpPostVectors_TheirEventAndQuickOperation_TravelOverAReverseSocket);
    private const string Destination = nameof(MapMiraiReverseWebSocket_AcceptsTheDefaultDestination_WhenTheAccountIsKnown);

    /// <summary>Which test exercises each vector file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Claims = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["transport/reverse-ws.upgrade.spec-api.json"] = Upgrade,
        ["transport/reverse-ws.upgrade.napcat.json"] = Upgrade,
        ["transport/reverse-ws.upgrade.llbot.json"] = Upgrade,
        ["transport/reverse-ws.upgrade.lagrange.universal.json"] = Upgrade,
        ["transport/reverse-ws.upgrade.lagrange.split-api.json"] = Upgrade,
        ["transport/reverse-ws.upgrade.gocq.json"] = Upgrade,
        ["transport/http-post.signature.json"] = HttpPost,
        ["transport/http-post.quick-reply.spec.json"] = HttpPost,
        ["mah-reverse-ws/verify.request.json"] = VerifyFlow,
        ["mah-reverse-ws/verify.request.doc.json"] = VerifyFlow,
        ["mah-reverse-ws/verify.response.ok.json"] = VerifyFlow,
        ["mah-reverse-ws/about.request.json"] = VerifyFlow,
        ["mah-reverse-ws/about.response.json"] = VerifyFlow,
        ["mah-reverse-ws/event.push.json"] = VerifyFlow,
        ["mah-reverse-ws/webhook.delivery.json"] = VerifyFlow,
        ["mah-reverse-ws/webhook.reply.json"] = VerifyFlow,
        ["mah-reverse-ws/verify.response.fail-authkey.json"] = VerifyFailure,
        ["mah-reverse-ws/verify.response.fail-nobot.json"] = VerifyFailure,
        ["mah-reverse-ws/verify.response.fail-session.json"] = VerifyFailure,
        ["mah-reverse-ws/verify.response.fail-invalid.json"] = VerifyFailure,
        ["mah-reverse-ws/destination.defaults.json"] = Destination,
    };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Claims_CoverEveryFileOfTheReverseFolders_WhenVectorsPresent()
    {
        var dir = SharedVectors.Require();
        var files = Folders.SelectMany(f => SharedVectors.In(dir, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Claims.Keys.Order(StringComparer.Ordinal).ToList());
    }

    // ---- OneBot reverse WebSocket: upgrade descriptors ----

    [Theory]
    [InlineData("transport/reverse-ws.upgrade.spec-api.json")]
    [InlineData("transport/reverse-ws.upgrade.napcat.json")]
    [InlineData("transport/reverse-ws.upgrade.llbot.json")]
    [InlineData("transport/reverse-ws.upgrade.lagrange.universal.json")]
    [InlineData("transport/reverse-ws.upgrade.lagrange.split-api.json")]
    [InlineData("transport/reverse-ws.upgrade.gocq.json")]
    public async Task MapOneBotReverseWebSocket_AcceptsAndJoins_WhenReplayingAnUpgradeDescriptor(string file)
    {
        SharedVectors.Require();
        var vector = SharedVectors.Json(file);
        Assert.Equal("GET", vector["method"]!.GetValue<string>());
        var path = vector["path"]!.GetValue<string>();
        var headers = vector["headers"]!.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>())).ToList();
        var selfId = long.Parse(Header(headers, "X-Self-ID")!, CultureInfo.InvariantCulture);
        var authorization = Header(headers, "Authorization");
        var token = TokenOf(authorization);

        // Host, Connection and Upgrade belong to the WebSocket handshake itself: the client socket writes them.
        var sent = headers.Where(h => h.Key is not ("Host" or "Connection" or "Upgrade")).ToList();

        // Lagrange's split client dials Suffix + ApiSuffix and Suffix + EventSuffix; the event suffix is invented.
        var eventPath = path.EndsWith("/api", StringComparison.Ordinal) ? path[..^"/api".Length] + "/event" : null;
        await using var host = await Host.StartAsync(app =>
        {
            app.MapOneBotReverseWebSocket(path, o => o.AccessToken = token);
            if (eventPath is not null)
            {
                app.MapOneBotReverseWebSocket(eventPath, o => o.AccessToken = token);
            }
        });
        var merged = host.OneBot.GetEventsAsync(Ct);

        var (status, elapsed, peer) = await RawPeer.ConnectAsync(host.At(path), sent, ImplementationAnswers(selfId));
        Assert.Equal(101, status);
        await using var api = peer!;
        if (vector["handshake_timeout_ms"] is JsonValue limit)
        {
            // NapCat and LLBot abandon the upgrade after this long.
            Assert.True(elapsed < TimeSpan.FromMilliseconds(limit.GetValue<int>()), $"upgrade took {elapsed.TotalMilliseconds:0} ms");
        }

        // The account joined: the server's connection made its get_login_info handshake over this socket.
        await api.NextAsync(f => f["action"]?.GetValue<string>() == "get_login_info", Bound);
        IOneBotConnection? connection = null;
        await Wait.UntilAsync(() => host.OneBot.TryGetConnection(selfId, out connection) && connection!.State == ConnectionState.Connected, Bound, () => host.Logs.AllText);
        Assert.Equal([selfId], host.OneBot.Accounts);
        Assert.Equal(selfId, (await connection!.System.GetLoginInfoAsync(Ct)).UserId);

        if (eventPath is not null)
        {
            // The Event socket of the same account merges into the same connection.
            var eventHeaders = sent.Select(h => h.Key.Equals("X-Client-Role", StringComparison.OrdinalIgnoreCase) ? KeyValuePair.Create(h.Key, "Event") : h).ToList();
            var own = connection.GetEventsAsync<PrivateMessageEvent>(Ct);
            var (eventStatus, _, eventPeer) = await RawPeer.ConnectAsync(host.At(eventPath), eventHeaders);
            Assert.Equal(101, eventStatus);
            await using var events = eventPeer!;
            await events.SendAsync(PrivateMessage(selfId, "over the event socket"));
            var fromConnection = await FirstAsync(own, _ => true);
            Assert.Equal("over the event socket", fromConnection.Message.ToPlainText());
            var fromMerged = await FirstAsync(merged, e => e is PrivateMessageEvent);
            Assert.Equal(selfId, fromMerged.SelfId);
            Assert.Equal([selfId], host.OneBot.Accounts);
        }

        if (token is not null)
        {
            Assert.DoesNotContain(token, host.Logs.OwnText, StringComparison.Ordinal);
        }

        // The same descriptor against a server that expects another token: a presented token is wrong (403); an
        // absent or empty one ("Bearer " from NapCat and Lagrange with no token set) is missing (401).
        await using var guarded = await Host.StartAsync(app => app.MapOneBotReverseWebSocket(path, o => o.AccessToken = "another-" + (token ?? "token")));
        var refused = await RawPeer.ConnectAsync(guarded.At(path), sent);
        Assert.Null(refused.Peer);
        Assert.Equal(token is null ? 401 : 403, refused.Status);
    }

    // ---- HTTP POST: no receiver in the SDK; what travels over WebSocket too is exercised there ----

    [Fact]
    public async Task HttpPostVectors_TheirEventAndQuickOperation_TravelOverAReverseSocket()
    {
        // The SDK has no HTTP POST receiver, so the X-Signature check (HMAC-SHA1 over the raw body) and the quick
        // reply as an HTTP response body have nothing of the SDK to run against. The body is an ordinary event frame
        // and the quick operation is the same object the WebSocket action .handle_quick_operation carries: both are
        // exercised over a reverse socket here.
        SharedVectors.Require();
        var signature = SharedVectors.Json("transport/http-post.signature.json");
        var body = signature["body_utf8"]!.GetValue<string>();
        var selfId = long.Parse(signature["headers"]!["X-Self-ID"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var quickReply = SharedVectors.Json("transport/http-post.quick-reply.spec.json");

        await using var host = await Host.StartAsync(app => app.MapOneBotReverseWebSocket("/onebot/v11/ws"));
        var merged = host.OneBot.GetEventsAsync(Ct);
        var (status, _, peer) = await RawPeer.ConnectAsync(host.At("/onebot/v11/ws"), [KeyValuePair.Create("X-Self-ID", selfId.ToString(CultureInfo.InvariantCulture)), KeyValuePair.Create("X-Client-Role", "Universal")], ImplementationAnswers(selfId));
        Assert.Equal(101, status);
        await using var implementation = peer!;
        IOneBotConnection? connection = null;
        await Wait.UntilAsync(() => host.OneBot.TryGetConnection(selfId, out connection) && connection!.State == ConnectionState.Connected, Bound, () => host.Logs.AllText);

        // The signed body, sent verbatim as a frame, decodes with the SDK's decoders.
        await implementation.SendAsync(body);
        var item = Assert.IsType<PrivateMessageEvent>(await FirstAsync(merged, e => e is PrivateMessageEvent));
        Assert.Equal((selfId, 12345678L, "你好～"), (item.SelfId, item.UserId, item.Message.ToPlainText()));

        // The quick operation goes out as .handle_quick_operation with the vector's object unchanged.
        using var context = JsonDocument.Parse(body);
        using var operation = JsonDocument.Parse(quickReply.ToJsonString());
        await connection!.System.HandleQuickOperationAsync(context.RootElement, operation.RootElement, Ct);
        var call = await implementation.NextAsync(f => f["action"]?.GetValue<string>() == ".handle_quick_operation", Bound);
        Assert.True(JsonNode.DeepEquals(quickReply, call["params"]!["operation"]), call.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), call["params"]!["context"]), call.ToJsonString());
    }

    // ---- mirai-api-http reverse-ws ----

    [Fact]
    public async Task MapMiraiReverseWebSocket_FollowsTheVectors_WhenMiraiApiHttpVerifiesOk()
    {
        SharedVectors.Require();
        var verifyVector = SharedVectors.Json("mah-reverse-ws/verify.request.json");
        var verifyKey = verifyVector["content"]!["verifyKey"]!.GetValue<string>();
        var qq = verifyVector["content"]!["qq"]!.GetValue<long>();
        await using var host = await Host.StartAsync(app => app.MapMiraiReverseWebSocket("/mah", o => o.VerifyKey = verifyKey));
        await using var merged = host.Mirai.GetEventsAsync(Ct).GetAsyncEnumerator(Ct);
        var (status, _, peer) = await RawPeer.ConnectAsync(host.At("/mah"), [KeyValuePair.Create("X-Self-ID", qq.ToString(CultureInfo.InvariantCulture))]);
        Assert.Equal(101, status);
        await using var mah = peer!;

        // verify.request: the SDK speaks first, with the vector's shape and (configured the same) its values.
        var verify = await mah.NextAsync(_ => true, Bound);
        AssertSameShape(verifyVector, verify);
        Assert.True(JsonNode.DeepEquals(verifyVector["content"], verify["content"]), verify.ToJsonString());
        Assert.Equal("verify", verify["command"]!.GetValue<string>());

        // verify.request.doc: the documentation's example names the same content keys but a sessionKey, which sends
        // mirai-api-http down the existing-session branch (code 3); the SDK asks for a new session (null).
        var docVector = SharedVectors.Json("mah-reverse-ws/verify.request.doc.json");
        Assert.Equal(Keys(docVector["content"]!.AsObject()), Keys(verify["content"]!.AsObject()));
        Assert.Equal(JsonValueKind.String, docVector["content"]!["sessionKey"]!.GetValueKind());
        Assert.Null(verify["content"]!["sessionKey"]);

        // verify.response.ok, enveloped with the verify's syncId: connected.
        await mah.SendAsync(WithSyncId(SharedVectors.Json("mah-reverse-ws/verify.response.ok.json"), verify["syncId"]!));
        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => host.Mirai.TryGetConnection(qq, out connection) && connection!.State == ConnectionState.Connected, Bound, () => host.Logs.AllText);
        var mirai = (MiraiConnection)connection!;

        // about.request / about.response.
        var about = mirai.AboutAsync(Ct);
        var aboutRequest = await mah.NextAsync(f => f["command"]?.GetValue<string>() == "about", Bound);
        // Same keys and kinds, except that the SDK writes a parameterless command's content as null where this
        // vector shows {}: mirai-api-http reads both as "no content" (../shared/protocol/vectors, source-derived
        // about.frame.request.json, "about needs no content").
        var aboutVector = SharedVectors.Json("mah-reverse-ws/about.request.json");
        Assert.Empty(aboutVector["content"]!.AsObject());
        Assert.True(aboutRequest["content"] is null || aboutRequest["content"] is JsonObject { Count: 0 }, aboutRequest.ToJsonString());
        var aboutShape = aboutVector.DeepClone().AsObject();
        aboutShape["content"] = aboutRequest["content"]?.DeepClone();
        AssertSameShape(aboutShape, aboutRequest);
        Assert.True(aboutRequest.ContainsKey("content"), aboutRequest.ToJsonString());
        var aboutResponse = SharedVectors.Json("mah-reverse-ws/about.response.json");
        await mah.SendAsync(WithSyncId(aboutResponse, aboutRequest["syncId"]!));
        Assert.Equal(aboutResponse["data"]!["data"]!["version"]!.GetValue<string>(), (await about.WaitAsync(Bound, Ct)).Version);

        // event.push, verbatim.
        await mah.SendAsync(SharedVectors.Text("mah-reverse-ws/event.push.json"));
        var pushed = Assert.IsType<FriendMessage>((await FirstAsync(merged, e => e.Event is FriendMessage)).Event);
        Assert.Equal((12345678L, "hi"), (pushed.Sender.Id, pushed.MessageChain.ToPlainText()));

        // webhook.delivery: the SDK has no webhook receiver (and names the account by X-Self-ID, not by the
        // webhook's qq/bot headers); its body is the same bare event the reverse-ws push envelopes, so it is
        // pushed here and must decode the same way.
        var delivery = SharedVectors.Json("mah-reverse-ws/webhook.delivery.json");
        await mah.SendAsync(new JsonObject { ["syncId"] = "-1", ["data"] = delivery["body"]!.DeepClone() }.ToJsonString());
        var delivered = await FirstAsync(merged, e => e.Event is FriendMessage);
        Assert.Equal(qq, delivered.QQ);
        var deliveredMessage = Assert.IsType<FriendMessage>(delivered.Event);
        Assert.Equal((12345678L, "hi"), (deliveredMessage.Sender.Id, deliveredMessage.MessageChain.ToPlainText()));

        // webhook.reply: the command a webhook answer runs is the one the SDK sends over the socket for the same call.
        var reply = SharedVectors.Json("mah-reverse-ws/webhook.reply.json");
        var target = reply["content"]!["target"]!.GetValue<long>();
        var text = reply["content"]!["messageChain"]![0]!["text"]!.GetValue<string>();
        var send = mirai.SendFriendMessageAsync(target, text, cancellationToken: Ct);
        var command = await mah.NextAsync(f => f["command"]?.GetValue<string>() == reply["command"]!.GetValue<string>(), Bound);
        // Every field of the vector's content, equal; the SDK also writes the optional quote as null (unset).
        var sentContent = command["content"]!.AsObject();
        foreach (var (key, value) in reply["content"]!.AsObject())
        {
            Assert.True(JsonNode.DeepEquals(value, sentContent[key]), $"{key}: {command.ToJsonString()}");
        }

        Assert.All(sentContent.Where(p => !reply["content"]!.AsObject().ContainsKey(p.Key)), p => Assert.Null(p.Value));
        await mah.SendAsync(new JsonObject { ["syncId"] = command["syncId"]!.DeepClone(), ["data"] = new JsonObject { ["code"] = 0, ["msg"] = "success", ["messageId"] = 4321 } }.ToJsonString());
        Assert.Equal(4321, await send.WaitAsync(Bound, Ct));
        Assert.DoesNotContain(verifyKey, host.Logs.OwnText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mah-reverse-ws/verify.response.fail-authkey.json", false)]
    [InlineData("mah-reverse-ws/verify.response.fail-nobot.json", true)]
    [InlineData("mah-reverse-ws/verify.response.fail-session.json", true)]
    [InlineData("mah-reverse-ws/verify.response.fail-invalid.json", false)]
    public async Task MapMiraiReverseWebSocket_EndsWithTypedHandshakeFailure_ForEachFailureVariant(string file, bool retryable)
    {
        SharedVectors.Require();
        var response = SharedVectors.Json(file);
        var code = response["code"]!.GetValue<int>();
        const long QQ = 12345678;
        await using var host = await Host.StartAsync(app => app.MapMiraiReverseWebSocket("/mah", o => o.VerifyKey = "1234567890"));
        var (status, _, peer) = await RawPeer.ConnectAsync(host.At("/mah"), [KeyValuePair.Create("X-Self-ID", QQ.ToString(CultureInfo.InvariantCulture))]);
        Assert.Equal(101, status);
        await using var mah = peer!;
        var verify = await mah.NextAsync(_ => true, Bound);
        Assert.Equal("verify", verify["command"]!.GetValue<string>());

        // The bare failure frame, verbatim (no syncId, as mirai-api-http sends it).
        await mah.SendAsync(response.ToJsonString());

        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => host.Mirai.TryGetConnection(QQ, out connection) && connection!.LastError is MiraiHandshakeException, Bound, () => host.Logs.AllText);
        var error = Assert.IsType<MiraiHandshakeException>(connection!.LastError);
        Assert.Equal(code, error.Code);
        Assert.Equal(response["msg"]!.GetValue<string>(), error.ServerMessage);
        Assert.Equal(DisconnectReason.HandshakeRejected, error.Reason);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.NotEqual(ConnectionState.Connected, connection.State);

        // The socket is not left hanging: the server closes it.
        var closed = await mah.Closed.WaitAsync(Bound, Ct);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, closed);
    }

    [Fact]
    public async Task MapMiraiReverseWebSocket_AcceptsTheDefaultDestination_WhenTheAccountIsKnown()
    {
        // destination.defaults: mirai-api-http dials protocol://host:port + path with method GET and no extra
        // parameters or headers. Host and port are this test server's (localhost:8080 cannot be bound here), and its
        // reconnectInterval is the client's own redial pacing, which a server cannot observe.
        SharedVectors.Require();
        var destination = SharedVectors.Json("mah-reverse-ws/destination.defaults.json");
        Assert.Equal("GET", destination["method"]!.GetValue<string>());
        Assert.Empty(destination["extraHeaders"]!.AsObject());
        Assert.Empty(destination["extraParameters"]!.AsObject());
        var path = destination["path"]!.GetValue<string>();
        var scheme = destination["protocol"]!.GetValue<string>();
        const long QQ = 12345678;

        // Without extra headers the account is unknown: accepted, then closed 1008 with the remedy in the log.
        await using (var bare = await Host.StartAsync(app => app.MapMiraiReverseWebSocket(path, o => o.VerifyKey = "k")))
        {
            var (status, _, peer) = await RawPeer.ConnectAsync(bare.At(path, scheme), []);
            Assert.Equal(101, status);
            await using var refused = peer!;
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await refused.Closed.WaitAsync(Bound, Ct));
            Assert.Contains(bare.Logs.Lines, l => l.EventId == 5001 && l.Text.Contains("X-Self-ID", StringComparison.Ordinal));
        }

        // With DefaultQQ the same dial is verified for that account.
        await using var host = await Host.StartAsync(app => app.MapMiraiReverseWebSocket(path, o => { o.VerifyKey = "k"; o.DefaultQQ = QQ; }));
        var (okStatus, _, okPeer) = await RawPeer.ConnectAsync(host.At(path, scheme), []);
        Assert.Equal(101, okStatus);
        await using var mah = okPeer!;
        var verify = await mah.NextAsync(_ => true, Bound);
        Assert.Equal(QQ, verify["content"]!["qq"]!.GetValue<long>());
        await mah.SendAsync(new JsonObject { ["syncId"] = verify["syncId"]!.DeepClone(), ["data"] = new JsonObject { ["code"] = 0, ["session"] = "S" } }.ToJsonString());
        IMiraiConnection? connection = null;
        await Wait.UntilAsync(() => host.Mirai.TryGetConnection(QQ, out connection) && connection!.State == ConnectionState.Connected, Bound, () => host.Logs.AllText);
    }

    // ---- helpers ----

    private static string? Header(List<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The token after the scheme of an Authorization value; null when absent or empty.</summary>
    private static string? TokenOf(string? authorization)
    {
        if (authorization is null)
        {
            return null;
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var token = (space < 0 ? authorization : authorization[(space + 1)..]).Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Answers the server's calls as an implementation logged in as <paramref name="selfId"/>.</summary>
    private static Func<RawPeer, JsonObject, Task> ImplementationAnswers(long selfId) => (peer, frame) =>
    {
        if (frame["action"]?.GetValue<string>() is not { } action)
        {
            return Task.CompletedTask;
        }

        var data = action switch
        {
            "get_login_info" => new JsonObject { ["user_id"] = selfId, ["nickname"] = "vector" },
            "get_status" => new JsonObject { ["online"] = true, ["good"] = true },
            _ => null,
        };
        var reply = new JsonObject { ["status"] = "ok", ["retcode"] = 0, ["data"] = data, ["echo"] = frame["echo"]?.DeepClone() };
        return peer.SendAsync(reply.ToJsonString());
    };

    private static string PrivateMessage(long selfId, string text) => new JsonObject
    {
        ["time"] = 1767225600,
        ["self_id"] = selfId,
        ["post_type"] = "message",
        ["message_type"] = "private",
        ["sub_type"] = "friend",
        ["message_id"] = 7,
        ["user_id"] = 12345678,
        ["message"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } }),
        ["raw_message"] = text,
        ["font"] = 0,
        ["sender"] = new JsonObject { ["user_id"] = 12345678, ["nickname"] = "n" },
    }.ToJsonString();

    private static string WithSyncId(JsonObject vector, JsonNode syncId)
    {
        var copy = vector.DeepClone().AsObject();
        copy["syncId"] = syncId.DeepClone();
        return copy.ToJsonString();
    }

    private static List<string> Keys(JsonObject o) => o.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Same keys at every level, same JSON kinds (values may differ).</summary>
    private static void AssertSameShape(JsonNode? expected, JsonNode? actual, string at = "$")
    {
        var expectedKind = expected?.GetValueKind() ?? JsonValueKind.Null;
        var actualKind = actual?.GetValueKind() ?? JsonValueKind.Null;
        if (expectedKind is JsonValueKind.True or JsonValueKind.False)
        {
            Assert.True(actualKind is JsonValueKind.True or JsonValueKind.False, $"{at}: expected a boolean, got {actualKind}");
            return;
        }

        Assert.True(expectedKind == actualKind, $"{at}: expected {expectedKind}, got {actualKind}");
        if (expected is JsonObject o)
        {
            Assert.True(Keys(o).SequenceEqual(Keys(actual!.AsObject())), $"{at}: keys {string.Join(",", Keys(o))} expected, got {string.Join(",", Keys(actual!.AsObject()))}");
            foreach (var (key, value) in o)
            {
                AssertSameShape(value, actual![key], $"{at}.{key}");
            }
        }
    }

    private static async Task<T> FirstAsync<T>(IAsyncEnumerator<T> events, Func<T, bool> match)
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(Bound, Ct))
        {
            if (match(events.Current))
            {
                return events.Current;
            }
        }

        throw new TimeoutException("The stream ended without a matching event.");
    }

    private static async Task<T> FirstAsync<T>(IAsyncEnumerable<T> events, Func<T, bool> match)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(Bound);
        await foreach (var item in events.WithCancellation(cts.Token))
        {
            if (match(item))
            {
                return item;
            }
        }

        throw new TimeoutException("The stream ended without a matching event.");
    }

    /// <summary>A real Kestrel host on 127.0.0.1 with the endpoints a test maps, at the paths the vectors name.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private Host(WebApplication app, LogSink logs, Uri baseUri)
        {
            App = app;
            Logs = logs;
            BaseUri = baseUri;
            OneBot = app.Services.GetRequiredService<OneBotAccounts>();
            Mirai = app.Services.GetRequiredService<MiraiAccounts>();
        }

        public WebApplication App { get; }

        public LogSink Logs { get; }

        public Uri BaseUri { get; }

        public OneBotAccounts OneBot { get; }

        public MiraiAccounts Mirai { get; }

        public static async Task<Host> StartAsync(Action<WebApplication> map)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var logs = new LogSink();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddOneBotReverseWebSocket().AddMiraiReverseWebSocket();
            var app = builder.Build();
            map(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Host(app, logs, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)));
        }

        public Uri At(string path, string scheme = "ws") => new UriBuilder(BaseUri) { Scheme = scheme, Path = path }.Uri;

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await App.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await App.DisposeAsync();
        }
    }
}
