using System.Diagnostics;
using System.Net.WebSockets;
using MiraiClient.AspNetCore.Tests.Infrastructure;
using MiraiClient.OneBot;
using MiraiClient.Testing.OneBot;

namespace MiraiClient.AspNetCore.Tests;

/// <summary>The OneBot v11 reverse WebSocket endpoint against the fake implementation's reverse client mode.</summary>
public sealed class OneBotReverseServerTests
{
    private const string Token = "s3cret-T0ken-value";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly FakeOneBotDialOptions NoRedial = new() { ReconnectInterval = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task MapOneBotReverseWebSocket_AnswersStatusPerToken_WhenAccessTokenIsSet()
    {
        await using var server = await TestServer.StartAsync(o => o.AccessToken = Token);
        var uri = server.OneBotUri;
        static Dictionary<string, string> Headers(string? authorization, long self = 20001)
        {
            var headers = new Dictionary<string, string> { ["X-Self-ID"] = self.ToString(System.Globalization.CultureInfo.InvariantCulture), ["X-Client-Role"] = "Universal" };
            if (authorization is not null)
            {
                headers["Authorization"] = authorization;
            }

            return headers;
        }

        var missing = await RawUpgrade.TryAsync(uri, Headers(null));
        var emptyBearer = await RawUpgrade.TryAsync(uri, Headers("Bearer "));
        var wrongHeader = await RawUpgrade.TryAsync(uri, Headers("Bearer nope"));
        var wrongQuery = await RawUpgrade.TryAsync(new Uri(uri + "?access_token=nope"), Headers(null));
        var rightBearer = await RawUpgrade.TryAsync(uri, Headers("Bearer " + Token, 20002));
        var rightToken = await RawUpgrade.TryAsync(uri, Headers("Token " + Token, 20003));
        var rightQuery = await RawUpgrade.TryAsync(new Uri(uri + "?access_token=" + Token), Headers(null, 20004));
        var trailingSlash = await RawUpgrade.TryAsync(new Uri(uri + "/"), Headers("Bearer " + Token, 20005));

        Assert.Equal(401, missing.Status);
        Assert.Equal(401, emptyBearer.Status);
        Assert.Equal(403, wrongHeader.Status);
        Assert.Equal(403, wrongQuery.Status);
        Assert.Equal(101, rightBearer.Status);
        Assert.Equal(101, rightToken.Status);
        Assert.Equal(101, rightQuery.Status);
        Assert.Equal(101, trailingSlash.Status);
        foreach (var socket in new[] { rightBearer.Socket, rightToken.Socket, rightQuery.Socket, trailingSlash.Socket })
        {
            socket!.Abort();
            socket.Dispose();
        }

        // Refusals are logged once per caller and reason at Warning, and the token never reaches a log.
        var warnings = server.Logs.Lines.Where(l => l.EventId == 5001).ToList();
        Assert.Contains(warnings, l => l.Text.Contains("no access token", StringComparison.Ordinal) && l.Text.Contains("HTTP 401", StringComparison.Ordinal));
        Assert.Contains(warnings, l => l.Text.Contains("wrong access token", StringComparison.Ordinal) && l.Text.Contains("HTTP 403", StringComparison.Ordinal));
        Assert.Equal(2, warnings.Count);
        Assert.DoesNotContain(Token, server.Logs.OwnText, StringComparison.Ordinal);
        Assert.DoesNotContain("nope", server.Logs.OwnText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapOneBotReverseWebSocket_AnswersUpgradeAtOnce_WhenTheAccountNeverAnswers()
    {
        await using var server = await TestServer.StartAsync();
        var times = new List<TimeSpan>();
        var sockets = new List<ClientWebSocket>();
        for (var i = 0; i < 5; i++)
        {
            var (status, elapsed, socket) = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Self-ID"] = (30001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Equal(101, status);
            times.Add(elapsed);
            sockets.Add(socket!);
        }

        // NapCat and LLBot abandon an upgrade after 2 s; no I/O happens before the 101.
        Assert.All(times, t => Assert.True(t < TimeSpan.FromSeconds(2), $"upgrade took {t.TotalMilliseconds:0} ms"));
        sockets.ForEach(s => s.Abort());
    }

    [Fact]
    public async Task MapOneBotReverseWebSocket_RefusesBadIdentity_WithBadRequest()
    {
        await using var server = await TestServer.StartAsync();
        var noSelf = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Client-Role"] = "Universal" });
        var badSelf = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Self-ID"] = "abc" });
        var badRole = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Self-ID"] = "40001", ["X-Client-Role"] = "Admin" });
        var lowerRole = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Self-ID"] = "40002", ["X-Client-Role"] = "universal" });

        Assert.Equal(400, noSelf.Status);
        Assert.Equal(400, badSelf.Status);
        Assert.Equal(400, badRole.Status);
        Assert.Equal(101, lowerRole.Status);
        lowerRole.Socket!.Abort();
    }

    [Fact]
    public async Task OneBotAccounts_CarriesTypedCallsAndEvents_WhenNapCatDialsUniversal()
    {
        await using var server = await TestServer.StartAsync(o => o.AccessToken = Token);
        var merged = server.OneBot.GetEventsAsync(TestContext.Current.CancellationToken);
        var changes = new List<ReverseAccountChangedEventArgs>();
        server.OneBot.AccountChanged += (_, e) => { lock (changes) { changes.Add(e); } };
        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { Profile = FakeOneBotProfile.NapCat, SelfId = 50001, AccessToken = Token });
        await using var dialer = await fake.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 50001);

        var login = await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken);
        Assert.Equal(50001, login.UserId);
        Assert.Equal(50001, connection.SelfId);
        Assert.Equal([50001L], server.OneBot.Accounts);

        await fake.PushPrivateMessageAsync(777, "hello from napcat");
        var item = await FirstAsync(merged, e => e is PrivateMessageEvent);
        Assert.Equal(50001, item.SelfId);
        Assert.Equal(777, ((PrivateMessageEvent)item).UserId);
        await Wait.UntilAsync(() => { lock (changes) { return changes.Any(c => c.Account == 50001 && c.IsConnected); } }, Bound, () => "no AccountChanged(connected)");
    }

    [Fact]
    public async Task OneBotAccounts_JoinsApiAndEventSockets_WhenLagrangeDialsSplit()
    {
        await using var server = await TestServer.StartAsync();
        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { Profile = FakeOneBotProfile.Lagrange, SelfId = 50002 });
        var merged = server.OneBot.GetEventsAsync(TestContext.Current.CancellationToken);
        await using var dialer = await fake.DialAsync(server.OneBotUri, new FakeOneBotDialOptions { Roles = FakeOneBotReverseRoles.ApiAndEvent, ReconnectInterval = TimeSpan.FromMinutes(10) }, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 50002);
        Assert.Equal([50002L], server.OneBot.Accounts);

        // Calls go over the "Api" socket (Lagrange's spelling), events arrive over the Event socket.
        var login = await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken);
        Assert.Equal(50002, login.UserId);
        var own = connection.GetEventsAsync<GroupMessageEvent>(TestContext.Current.CancellationToken);
        await fake.PushGroupMessageAsync(123456, 888, "split roles");
        var fromConnection = await FirstAsync(own, _ => true);
        Assert.Equal(123456, fromConnection.GroupId);
        var fromMerged = await FirstAsync(merged, e => e is GroupMessageEvent);
        Assert.Equal(50002, fromMerged.SelfId);
        Assert.Contains(server.Logs.Lines, l => l.EventId == 5003 && l.Text.Contains("Api socket", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Lines, l => l.EventId == 5003 && l.Text.Contains("Event socket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewestSocket_FailsTheCallInFlightTyped_AndDoesNotResendIt()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 50003 });
        var never = new TaskCompletionSource<ActionReply>();
        first.Handle("slow_action", _ => never.Task);
        await using var firstDialer = await first.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 50003);
        var call = connection.CallAsync("slow_action", null, TestContext.Current.CancellationToken);
        await first.WaitForActionAsync("slow_action", Bound);

        await using var second = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 50003 });
        await using var secondDialer = await second.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);

        var lost = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal(DisconnectReason.Replaced, lost.Reason);
        Assert.True(server.OneBot.TryGetConnection(50003, out var same));
        Assert.Same(connection, same);
        // Between the old socket's end and the new one's handshake, calls fail at once (no queueing).
        LoginInfo? login = null;
        await Wait.UntilAsync(() => (login = TryLogin(connection)) is not null, Bound, () => $"{connection.State} {connection.LastError}\n{server.Logs.OwnText}");
        Assert.Equal(50003, login!.UserId);
        Assert.DoesNotContain(second.ReceivedActions, a => a.Action == "slow_action");
        Assert.Contains(server.Logs.Lines, l => l.EventId == 5004 && l.Text.Contains("50003", StringComparison.Ordinal));
        never.TrySetResult(ActionReply.Ok());
    }

    [Fact]
    public async Task OldSocketClosingLate_DoesNotRemoveTheNewOne_WhenSplitSocketsAreReplaced()
    {
        await using var server = await TestServer.StartAsync();
        var split = new FakeOneBotDialOptions { Roles = FakeOneBotReverseRoles.ApiAndEvent, ReconnectInterval = TimeSpan.FromMinutes(10) };
        await using var old = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { Profile = FakeOneBotProfile.GoCqhttp, SelfId = 50004 });
        var oldDialer = await old.DialAsync(server.OneBotUri, split, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 50004);

        await using var fresh = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { Profile = FakeOneBotProfile.GoCqhttp, SelfId = 50004 });
        await using var freshDialer = await fresh.DialAsync(server.OneBotUri, split, TestContext.Current.CancellationToken);
        await ConnectedAsync(server, 50004);

        // The old implementation now closes its sockets, after the new ones took over.
        await oldDialer.StopAsync();
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Equal(ConnectionState.Connected, connection.State);
        var events = connection.GetEventsAsync<PrivateMessageEvent>(TestContext.Current.CancellationToken);
        await fresh.PushPrivateMessageAsync(999, "still here");
        var item = await FirstAsync(events, _ => true);
        Assert.Equal(999, item.UserId);
        var login = await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken);
        Assert.Equal(50004, login.UserId);
    }

    [Fact]
    public async Task DeadPeer_IsDroppedWithinBound_AndItsPendingCallFails()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromSeconds(1);
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1);
            o.ConfigureConnection = c => c.Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1) };
        });
        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 50005, HeartbeatInterval = TimeSpan.Zero });
        var never = new TaskCompletionSource<ActionReply>();
        fake.Handle("slow_action", _ => never.Task);
        await using var dialer = await fake.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 50005);
        var call = connection.CallAsync("slow_action", null, TestContext.Current.CancellationToken);
        await fake.WaitForActionAsync("slow_action", Bound);

        var watch = Stopwatch.StartNew();
        fake.Freeze();
        var lost = await Assert.ThrowsAsync<MiraiConnectionLostException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"dropped after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains(lost.Reason, new[] { DisconnectReason.HeartbeatTimeout, DisconnectReason.TransportError });

        // The pending call fails as the session ends; the state moves on right after, from the lifecycle loop.
        await Wait.UntilAsync(() => connection.State != ConnectionState.Connected, Bound, () => $"still {connection.State} after the pending call failed");

        // With its socket gone, a call fails at once instead of waiting for the next socket.
        var quick = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<MiraiConnectionException>(() => connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken));
        Assert.True(quick.Elapsed < TimeSpan.FromSeconds(2));
        fake.Thaw();
        never.TrySetResult(ActionReply.Ok());
    }

    [Fact]
    public async Task FloodOfAttempts_IsAnswered_AndARealAccountStillConnects()
    {
        await using var server = await TestServer.StartAsync(o => o.AccessToken = Token);
        var attempts = Enumerable.Range(0, 150).Select(i => RawUpgrade.TryAsync(server.OneBotUri, (i % 3) switch
        {
            0 => new Dictionary<string, string> { ["X-Self-ID"] = "60001", ["Authorization"] = "Bearer wrong" },
            1 => new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token },
            _ => new Dictionary<string, string> { ["X-Self-ID"] = "60002", ["Authorization"] = "Bearer " + Token },
        })).ToList();
        var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var summary = string.Join(", ", results.GroupBy(r => r.Status).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(results.Count(r => r.Status == 403) == 50, summary);
        Assert.True(results.Count(r => r.Status == 400) == 50, summary);

        // 50 sockets for one account at once: the newest wins, and a socket replaced within microseconds of its 101
        // may be reset before the dialler has read the 101 (status 0); none gets an HTTP error or hangs.
        Assert.True(results.Count(r => r.Status is 101 or 0) == 50 && results.Any(r => r.Status == 101), summary);
        Assert.All(results, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"an attempt took {r.Elapsed.TotalSeconds:0.0} s"));
        foreach (var (_, _, socket) in results)
        {
            socket?.Abort();
        }

        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 60003, AccessToken = Token });
        await using var dialer = await fake.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 60003);
        Assert.Equal(60003, (await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken)).UserId);

        // 50 refusals of one caller for one reason: logged once at Warning, the rest at Debug.
        Assert.Equal(1, server.Logs.Lines.Count(l => l.EventId == 5001 && l.Text.Contains("wrong access token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SlowAccount_DoesNotDelayOthers()
    {
        await using var server = await TestServer.StartAsync();

        // An account whose implementation upgraded and then never answers anything (not even get_login_info).
        var (status, _, stuck) = await RawUpgrade.TryAsync(server.OneBotUri, new Dictionary<string, string> { ["X-Self-ID"] = "70001" });
        Assert.Equal(101, status);

        var watch = Stopwatch.StartNew();
        await using var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 70002 });
        await using var dialer = await fake.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
        var connection = await ConnectedAsync(server, 70002);
        Assert.Equal(70002, (await connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken)).UserId);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(server.OneBot.TryGetConnection(70001, out var slow));
        Assert.NotEqual(ConnectionState.Connected, slow.State);
        stuck!.Abort();
    }

    [Fact]
    public async Task Shutdown_IsBounded_WithAccountsConnected()
    {
        var server = await TestServer.StartAsync();
        var fakes = new List<FakeOneBotImplementation>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var fake = await FakeOneBotImplementation.StartAsync(new FakeOneBotOptions { SelfId = 80001 + i });
                fakes.Add(fake);
                await fake.DialAsync(server.OneBotUri, NoRedial, TestContext.Current.CancellationToken);
            }

            var connections = new List<IOneBotConnection>();
            for (var i = 0; i < 5; i++)
            {
                connections.Add(await ConnectedAsync(server, 80001 + i));
            }

            // One implementation is frozen: it will not answer the close handshake.
            fakes[0].Freeze();
            var watch = Stopwatch.StartNew();
            await server.App.StopAsync(TestContext.Current.CancellationToken);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.All(connections, c => Assert.Equal(ConnectionState.Disposed, c.State));
            Assert.Contains(server.Logs.Lines, l => l.EventId == 5009 && l.Text.Contains("5 reverse", StringComparison.Ordinal));
            fakes[0].Thaw();
        }
        finally
        {
            await server.DisposeAsync();
            foreach (var fake in fakes)
            {
                await fake.DisposeAsync();
            }
        }
    }

    private static LoginInfo? TryLogin(IOneBotConnection connection)
    {
        try
        {
            return connection.System.GetLoginInfoAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        }
        catch (MiraiConnectionException)
        {
            return null;
        }
    }

    internal static async Task<IOneBotConnection> ConnectedAsync(TestServer server, long selfId)
    {
        IOneBotConnection? connection = null;
        await Wait.UntilAsync(() => server.OneBot.TryGetConnection(selfId, out connection) && connection.State == ConnectionState.Connected, Bound, () => $"account {selfId} not connected: {connection?.State} {connection?.LastError?.Message}\n{server.Logs.AllText}");
        return connection!;
    }

    internal static async Task<T> FirstAsync<T>(IAsyncEnumerable<T> events, Func<T, bool> match)
    {
        using var cts = new CancellationTokenSource(Bound);
        await foreach (var item in events.WithCancellation(cts.Token))
        {
            if (match(item))
            {
                return item;
            }
        }

        throw new TimeoutException("The stream ended without a matching event.");
    }
}
