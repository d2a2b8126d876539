using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests;

// Mostly waits for heartbeat bounds; touches nothing process-wide.
[Collection(RunsBeside.Connection)]
public class ConnectionTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    [Fact]
    public async Task ConnectAsync_ReachesConnectedAfterTheHandshake_AndEventsArriveInOrder()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);
        Assert.Equal(ConnectionState.NotStarted, connection.State);

        var events = connection.GetEventsAsync<GroupMessage>(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal(ConnectionState.Connected, connection.State);
        await states.WaitForStateAsync(ConnectionState.Connected);
        Assert.Equal(ConnectionState.Connecting, states.Changes[0].CurrentState);

        for (var i = 0; i < 20; i++)
        {
            await backend.PushGroupMessageAsync(123456789012, 3_000_000_000, $"message {i}");
        }

        var received = await Within(events.Take(20).ToListAsync(TestToken).AsTask());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"message {i}"), received.Select(m => m.MessageChain.ToPlainText()));
        Assert.All(received, m => Assert.Equal(123456789012, m.Sender.Group.Id));
    }

    [Fact]
    public async Task StartupRace_ClientStartedBeforeTheBackend_ConnectsWhenItComesUp()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);

        var connect = StartConnecting(connection);
        var secondFailure = await states.WaitForAsync(c => c.RetryDelay is not null && c.Attempt >= 2);
        Assert.Equal(ConnectionState.Connecting, secondFailure.CurrentState);
        Assert.Equal(DisconnectReason.ConnectFailed, secondFailure.Reason);
        Assert.False(connect.IsCompleted);

        backend.StartListening();
        await Within(connect);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(1, backend.HandshakeCount);
    }

    [Fact]
    public async Task AbruptAbort_IsClassifiedAsTransportError_ThenReconnects_AndEventsFlowAgain()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);
        var events = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        await backend.PushFriendMessageAsync(1, "before");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("before", events.Current.MessageChain.ToPlainText());

        var started = Stopwatch.GetTimestamp();
        backend.AbortConnections();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.TransportError, drop.Reason);
        Assert.Equal(1, drop.Attempt);
        Assert.InRange(drop.RetryDelay!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        Output.WriteLine($"abort -> connected again in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        await backend.WaitForHandshakesAsync(2);
        await backend.PushFriendMessageAsync(1, "after");
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("after", events.Current.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FrozenServer_IsDetectedWithinTheHeartbeatBound_AndTheConnectionRecovers(bool webSocketPings)
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.UseWebSocketPings = webSocketPings;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        // Let the connection go idle, so detection starts from a quiet socket.
        await Task.Delay(300, TestToken);
        var started = Stopwatch.GetTimestamp();
        backend.Freeze();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting, TimeSpan.FromSeconds(10));
        var detected = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"frozen server detected after {detected.TotalMilliseconds:F0} ms (pings {webSocketPings}, reason {drop.Reason})");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);

        // Interval + timeout + one tick, plus the 300 ms of quiet before freezing and scheduling slack.
        var bound = options.Heartbeat.Interval + options.Heartbeat.Timeout + TimeSpan.FromSeconds(1.5);
        Assert.True(detected <= bound, $"Detection took {detected}, bound {bound}.");

        backend.Thaw();
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
        await Within(connection.AboutAsync(TestToken));
    }

    [Fact]
    public async Task DefaultHeartbeat_DetectsAFrozenServerWithinTwentySeconds()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Heartbeat = new HeartbeatOptions();
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        var started = Stopwatch.GetTimestamp();
        backend.Freeze();
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting, TimeSpan.FromSeconds(30));
        var detected = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"default heartbeat (10 s + 8 s, probe only) detected a frozen server after {detected.TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.HeartbeatTimeout, drop.Reason);
        Assert.InRange(detected, TimeSpan.FromSeconds(17), TimeSpan.FromSeconds(20));
        backend.Thaw();
    }

    [Fact]
    public async Task QuietButHealthyConnection_IsNotDeclaredDead()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        // Nothing but probes for 4 heartbeat periods.
        await Task.Delay(TimeSpan.FromSeconds(4.5), TestToken);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(1, backend.HandshakeCount);
        Assert.True(backend.ReceivedCommands.Count(c => c.Command == "about") >= 2, "the probe should have run");
    }

    [Fact]
    public async Task SlowCommand_DoesNotCauseAFalseDeadConnectionVerdict()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.UseWebSocketPings = false;
        options.CommandTimeout = TimeSpan.FromSeconds(10);
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        // The server runs commands one at a time: probes queue behind this 4 s command.
        backend.Handle("sendGroupMessage", _ => CommandReply.Data("""{"code":0,"msg":"success","messageId":5}""", TimeSpan.FromSeconds(4)));
        var id = await Within(connection.SendGroupMessageAsync(1, "slow", cancellationToken: TestToken));
        Assert.Equal(5, id);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(1, backend.HandshakeCount);
    }

    [Fact]
    public async Task ServerThatNeverSendsTheHandshake_TimesOutAndIsRetried()
    {
        var backend = await StartBackendAsync();
        backend.SendHandshake = false;
        var options = FastOptions(backend.Uri);
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(500);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);

        var connect = StartConnecting(connection);
        var first = await states.WaitForAsync(c => c.RetryDelay is not null);
        Assert.Equal(DisconnectReason.HandshakeTimeout, first.Reason);
        await states.WaitForAsync(c => c.RetryDelay is not null && c.Attempt == 2);
        Assert.False(connect.IsCompleted);

        backend.SendHandshake = true;
        await Within(connect);
        Assert.Equal(ConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task AcceptAndHold_EachAttemptIsBoundedByTheConnectTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                held.Add(await listener.AcceptTcpClientAsync(TestToken));
            }
        }, TestToken);
        var options = FastOptions(new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));
        options.ConnectTimeout = TimeSpan.FromMilliseconds(700);
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);

        var started = Stopwatch.GetTimestamp();
        _ = StartConnecting(connection);
        var first = await states.WaitForAsync(c => c.RetryDelay is not null);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"accept-and-hold attempt ended after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(DisconnectReason.ConnectTimeout, first.Reason);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(650), TimeSpan.FromMilliseconds(2000));
        listener.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => accepting.WaitAsync(Bound, TestToken));
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task WrongVerifyKey_FaultsWithATypedError_WithoutRetrying_AndTheKeyIsNeverLogged()
    {
        var rightKey = AssemblyMonitor.Secret("right-key-" + Guid.NewGuid().ToString("N"));
        var wrongKey = AssemblyMonitor.Secret("wrong-key-" + Guid.NewGuid().ToString("N"));
        var backend = await StartBackendAsync(o => o.VerifyKey = rightKey);
        var options = FastOptions(backend.Uri);
        options.VerifyKey = wrongKey;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);

        var error = await Assert.ThrowsAsync<MiraiHandshakeException>(() => Within(connection.ConnectAsync(TestToken)));
        Assert.Equal(1, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(ConnectionState.Faulted, connection.State);
        Assert.Same(error, connection.LastError);
        await states.WaitForStateAsync(ConnectionState.Faulted);

        // No retry loop: give it time to misbehave, then count connections.
        await Task.Delay(600, TestToken);
        Assert.Equal(1, backend.AcceptCount);
        await Assert.ThrowsAsync<MiraiHandshakeException>(() => Within(connection.RunAsync(TestToken)));
        await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.AboutAsync(TestToken)));

        var text = Logs.AllText + error + options + connection.LastError;
        Assert.Contains("1006", Logs.Lines.Where(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error).Select(l => l.EventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(wrongKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(rightKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingQQ_FaultsWithCode400()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 0));
        var error = await Assert.ThrowsAsync<MiraiHandshakeException>(() => Within(connection.ConnectAsync(TestToken)));
        Assert.Equal(400, error.Code);
        Assert.Equal(ConnectionState.Faulted, connection.State);
        await Task.Delay(300, TestToken);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Fact]
    public async Task UnknownBot_Code2_IsRetriedUntilTheAccountExists()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 777));
        var states = new StateRecorder(connection);
        var connect = StartConnecting(connection);
        var rejected = await states.WaitForAsync(c => c.RetryDelay is not null && c.Attempt == 2);
        Assert.Equal(DisconnectReason.HandshakeRejected, rejected.Reason);
        Assert.Equal(2, Assert.IsType<MiraiHandshakeException>(rejected.Error).Code);
        Assert.False(connect.IsCompleted);
    }

    [Fact]
    public async Task SingleModeServer_AcceptsAConnectionWithoutQQ()
    {
        var backend = await StartBackendAsync(o => o.SingleMode = true);
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 0));
        await Within(connection.ConnectAsync(TestToken));
        Assert.Equal("2.10.0", (await Within(connection.AboutAsync(TestToken))).Version);
    }

    [Fact]
    public async Task ServerClose1000AfterConnecting_IsNotACleanGoodbye_TheClientReconnects()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        await backend.CloseConnectionsAsync(WebSocketCloseStatus.NormalClosure, "");
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.RemoteClosed, drop.Reason);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
    }

    [Fact]
    public async Task MalformedAndUnknownFrames_AreSkipped_AndTheConnectionKeepsRunning()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        await backend.SendRawAsync("this is not json");
        await backend.SendRawAsync("""{"syncId":"-1","data":{"type":"GroupMessage"}}""");
        await backend.SendRawAsync("""{"syncId":"-1","data":[1,2]}""");
        await backend.SendRawAsync("""{"code":400,"msg":"无效参数"}""");
        await backend.SendRawAsync("""{"syncId":"999999","data":{"code":0}}""");
        await backend.PushEventAsync("""{"type":"BrandNewEvent","payload":{"a":1}}""");
        await backend.PushFriendMessageAsync(5, "still alive");

        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        var unknown = Assert.IsType<UnknownEvent>(events.Current);
        Assert.Equal("BrandNewEvent", unknown.Type);
        Assert.Equal(1, unknown.Json.GetProperty("payload").GetProperty("a").GetInt32());
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal("still alive", Assert.IsType<FriendMessage>(events.Current).MessageChain.ToPlainText());
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(1, backend.HandshakeCount);
        Assert.Equal(3, Logs.Lines.Count(l => l.EventId.Name == "MalformedFrame"));
        Assert.Single(Logs.Lines, l => l.EventId.Name == "BareErrorFrame");
        Assert.Single(Logs.Lines, l => l.EventId.Name == "UnknownEvent");
        await events.DisposeAsync();
    }

    [Fact]
    public async Task OversizeMessage_DropsTheConnectionWithAProtocolError_AndReconnects()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.MaxMessageSize = 4096;
        var connection = CreateConnection(options);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        await backend.PushFriendMessageAsync(1, new string('x', 10_000));
        var drop = await states.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Equal(DisconnectReason.ProtocolError, drop.Reason);
        Assert.IsType<MiraiProtocolException>(drop.Error);
        await states.WaitForStateAsync(ConnectionState.Connected, skip: 1);
    }

    [Fact]
    public async Task LargeMessage_UnderTheCap_IsReassembled()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        var text = string.Concat(Enumerable.Repeat("大きい", 300_000));
        await backend.PushFriendMessageAsync(1, text);
        Assert.True(await Within(events.MoveNextAsync().AsTask()));
        Assert.Equal(text, events.Current.MessageChain.ToPlainText());
        await events.DisposeAsync();
    }

    [Fact]
    public async Task SlowSubscriber_NeverStallsTheConnection_AndItsDropsAreCounted()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.EventBufferCapacity = 32;
        options.UseWebSocketPings = false;
        var connection = CreateConnection(options);
        var slow = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        var fast = connection.GetEventsAsync<FriendMessage>(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        var texts = new List<string>();
        var readCount = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var message in fast)
            {
                texts.Add(message.MessageChain.ToPlainText());
                Volatile.Write(ref readCount, texts.Count);
                if (texts.Count == 200)
                {
                    break;
                }
            }
        }, TestToken);

        // Pace the pushes to the fast reader only, so it alone never overflows.
        for (var i = 0; i < 200; i++)
        {
            await backend.PushFriendMessageAsync(1, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if ((i + 1) % 16 == 0)
            {
                var target = i + 1;
                await Within(Task.Run(async () =>
                {
                    while (Volatile.Read(ref readCount) < target)
                    {
                        await Task.Delay(5, TestToken);
                    }
                }, TestToken));
            }
        }

        await Within(reading);

        // The slow subscriber reads nothing for 3 heartbeat periods.
        await Task.Delay(TimeSpan.FromSeconds(3), TestToken);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), texts);
        Assert.Equal(168, connection.DroppedEventCount);
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(1, backend.HandshakeCount);
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "EventsDropped");

        // DropOldest kept the newest 32.
        Assert.True(await slow.MoveNextAsync());
        Assert.Equal("168", Assert.IsType<FriendMessage>(slow.Current).MessageChain.ToPlainText());
        await slow.DisposeAsync();
    }

    [Fact]
    public async Task ATypedSubscription_BuffersOnlyItsType_SoOtherTrafficNeverCrowdsItOut()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.EventBufferCapacity = 4;
        var connection = CreateConnection(options);
        var groups = connection.GetEventsAsync<GroupMessage>(TestToken).GetAsyncEnumerator(TestToken);
        var all = connection.GetEventsAsync(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        // Nobody reads while 3 group messages arrive among 40 friend messages: more events than the
        // capacity, but fewer group messages.
        for (var i = 0; i < 40; i++)
        {
            await backend.PushFriendMessageAsync(1, "f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (i % 20 == 0)
            {
                await backend.PushGroupMessageAsync(2, 3, "g" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await backend.PushGroupMessageAsync(2, 3, "last");
        var seen = new List<string>();
        while (seen.Count < 3 && await Within(groups.MoveNextAsync().AsTask()))
        {
            seen.Add(groups.Current.MessageChain.ToPlainText());
        }

        Assert.Equal(["g0", "g20", "last"], seen);

        // The untyped subscription of the same capacity kept only the newest 4 and counted the rest. It
        // is handed each batch after the typed one, so its count may trail the read above by a moment.
        await Within(Task.Run(async () =>
        {
            while (connection.DroppedEventCount < 43 - 4)
            {
                await Task.Delay(5, TestToken);
            }
        }, TestToken));
        Assert.Equal(43 - 4, connection.DroppedEventCount);
        Assert.True(await Within(all.MoveNextAsync().AsTask()));
        await groups.DisposeAsync();
        await all.DisposeAsync();
    }

    [Fact]
    public async Task ABurstLargerThanTheInitialRing_IsKeptWhole_UpToTheCapacity()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));

        // 3000 events while nobody reads: the default capacity (8192) holds them all, in order.
        const int Burst = 3000;
        for (var i = 0; i < Burst; i++)
        {
            await backend.PushFriendMessageAsync(1, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < Burst; i++)
        {
            Assert.True(await Within(events.MoveNextAsync().AsTask()));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), events.Current.MessageChain.ToPlainText());
        }

        Assert.Equal(0, connection.DroppedEventCount);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task DropNewestPolicy_KeepsTheOldestBufferedEvents()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.EventBufferCapacity = 4;
        options.EventOverflowPolicy = EventOverflowPolicy.DropNewest;
        var connection = CreateConnection(options);
        var slow = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        var all = connection.GetEventsAsync<FriendMessage>(TestToken).GetAsyncEnumerator(TestToken);
        await Within(connection.ConnectAsync(TestToken));
        for (var i = 0; i < 10; i++)
        {
            await backend.PushFriendMessageAsync(1, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await backend.PushFriendMessageAsync(1, "sync");
        var seen = new List<string>();
        while (await Within(slow.MoveNextAsync().AsTask()) && seen.Count < 4)
        {
            seen.Add(slow.Current.MessageChain.ToPlainText());
            if (seen.Count == 4)
            {
                break;
            }
        }

        Assert.Equal(["0", "1", "2", "3"], seen);
        await slow.DisposeAsync();
        await all.DisposeAsync();
    }

    [Fact]
    public async Task Subscription_EndsCleanlyOnItsToken_AndIsRemoved()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        using var cts = new CancellationTokenSource();
        var events = connection.GetEventsAsync(cts.Token);
        Assert.Equal(1, connection.SubscriberCount);
        await Within(connection.ConnectAsync(TestToken));
        var reading = Task.Run(async () =>
        {
            var count = 0;
            await foreach (var unused in events)
            {
                count++;
            }

            return count;
        }, TestToken);
        await backend.PushFriendMessageAsync(1, "one");
        await Task.Delay(200, TestToken);
        await cts.CancelAsync();
        Assert.Equal(1, await Within(reading));
        Assert.Equal(0, connection.SubscriberCount);
    }

    [Fact]
    public async Task Subscription_CanBeEnumeratedOnlyOnce()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        var events = connection.GetEventsAsync(TestToken);
        await using var first = events.GetAsyncEnumerator(TestToken);
        Assert.Throws<InvalidOperationException>(() => events.GetAsyncEnumerator(TestToken));
    }

    [Fact]
    public async Task CrashLoopingServer_DoesNotResetTheSchedule_UntilAConnectionStaysUp()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Reconnect.StableAfter = TimeSpan.FromSeconds(30);
        var connection = CreateConnection(options, random: () => 0.999);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        for (var i = 0; i < 5; i++)
        {
            await states.WaitForStateAsync(ConnectionState.Connected, skip: i);
            await Task.Delay(100, TestToken);
            backend.AbortConnections();
        }

        var retries = (await Task.WhenAll(Enumerable.Range(0, 5).Select(i => states.WaitForAsync(c => c.RetryDelay is not null, skip: i)))).ToList();
        Assert.Equal([1, 2, 3, 4, 5], retries.Select(r => r.Attempt));
        var reconnect = options.Reconnect;
        var expected = new[] { 0.999 * 50, 0.9995 * 100, 0.9995 * 200, 0.9995 * 400, 0.9995 * 400 };
        Assert.Equal(expected.Select(x => Math.Round(x)), retries.Select(r => Math.Round(r.RetryDelay!.Value.TotalMilliseconds)));
        Output.WriteLine("crash-loop retry delays (ms): " + string.Join(", ", retries.Select(r => r.RetryDelay!.Value.TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task StableConnection_ResetsTheSchedule()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Reconnect.StableAfter = TimeSpan.FromMilliseconds(300);
        var connection = CreateConnection(options, random: () => 0.5);
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));

        for (var i = 0; i < 3; i++)
        {
            await states.WaitForStateAsync(ConnectionState.Connected, skip: i);
            await Task.Delay(500, TestToken);
            backend.AbortConnections();
        }

        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => states.WaitForAsync(c => c.RetryDelay is not null, skip: i)));
        Assert.All(retries, r => Assert.Equal(1, r.Attempt));
    }

    [Fact]
    public async Task MaxAttempts_StopsTheConnectionWithATypedError()
    {
        var backend = await StartBackendAsync();
        backend.StopListening();
        var options = FastOptions(backend.Uri);
        options.Reconnect.MaxAttempts = 3;
        var connection = CreateConnection(options);
        var error = await Assert.ThrowsAsync<MiraiConnectionException>(() => Within(connection.ConnectAsync(TestToken)));
        Assert.Equal(DisconnectReason.ConnectFailed, error.Reason);
        Assert.Contains("3 consecutive failed attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Faulted, connection.State);
    }

    [Fact]
    public async Task StateChangedHandlerThatThrows_IsLoggedAndIsolated()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        connection.StateChanged += (_, _) => throw new InvalidOperationException("handler bug");
        var states = new StateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await states.WaitForStateAsync(ConnectionState.Connected);
        Assert.Equal("2.10.0", (await Within(connection.AboutAsync(TestToken))).Version);
        Assert.Contains(Logs.Lines, l => l.EventId.Name == "StateHandlerFailed");
    }

    [Fact]
    public async Task RunAsync_RunsUntilCancelled_ThenDisposes()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(cts.Token);
        await Within(connection.ConnectAsync(TestToken));
        Assert.False(run.IsCompleted);
        await cts.CancelAsync();
        await Within(run, TimeSpan.FromSeconds(5));
        Assert.Equal(ConnectionState.Disposed, connection.State);
        await backend.WaitForConnectionCountAsync(0);
    }

    [Fact]
    public async Task SessionKey_IsHeldButNeverLogged()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(FastOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        var key = AssemblyMonitor.Secret((await Within(connection.GetSessionInfoAsync(TestToken))).SessionKey);
        Assert.Equal(8, key.Length);
        await Within(connection.AboutAsync(TestToken));
        Assert.DoesNotContain(key, Logs.AllText, StringComparison.Ordinal);
    }
}
