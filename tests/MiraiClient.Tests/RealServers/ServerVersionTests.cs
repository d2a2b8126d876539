using System.Diagnostics;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// The server versions users still run (2.0 to 2.10) and single mode, through a real connection: what differs on
/// the wire is read the same way, failures reach the command they belong to, and the account's lifecycle is
/// followed everywhere.
/// </summary>
public sealed class ServerVersionTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    private async Task<(FakeMiraiBackend Backend, MiraiConnection Connection)> ConnectAsync(string version, MiraiConnectionOptions? options = null)
    {
        var backend = await StartBackendAsync(o => o.ServerVersion = Version.Parse(version));
        options ??= DefaultOptions(backend.Uri);
        options.Uri = backend.Uri;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        return (backend, connection);
    }

    [Theory]
    [InlineData("2.0.0")]
    [InlineData("2.10.0")]
    public async Task FileCommands_ReadFoldersAsIsDirectory_EvenWhere20SpellsItIsDictionary(string version)
    {
        var (_, connection) = await ConnectAsync(version);

        var folder = await Within(connection.Files.CreateFolderAsync(22, "", "新建", TestToken));
        var file = await Within(connection.Files.GetInfoAsync(22, "/abc", cancellationToken: TestToken));

        Assert.Equal("新建", folder.Name);
        Assert.True(folder.IsDirectory);
        Assert.False(file.IsDirectory);
        Assert.True(file.IsFile);
    }

    [Fact]
    public async Task FailedCommand_On20_FailsPromptlyWithItsCode_ThoughTheServerSendsABareStatusWithoutSyncId()
    {
        var (backend, connection) = await ConnectAsync("2.0.0");
        backend.Handle("mute", _ => CommandReply.Status(10, "无操作权限"));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.Groups.MuteAsync(1, 2, TimeSpan.FromMinutes(1), TestToken)));

        Output.WriteLine($"{error.Message} after {clock.ElapsedMilliseconds} ms (command timeout 30 s)");
        Assert.Equal(10, error.Code);
        Assert.Equal(MiraiFailureKind.NoPermission, error.FailureKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");

        // The session carries on: the next command is answered normally.
        Assert.Equal("2.0.0", (await Within(connection.AboutAsync(TestToken))).Version);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FailedCommand_On20_FailsTheRightCommand_WhenAnEarlierOneWasAbandoned(bool abandonedOneFails)
    {
        var (backend, connection) = await ConnectAsync("2.0.0");
        backend.Handle("mute", async command =>
        {
            if (command.GetInt64("target") == 1)
            {
                // The earlier command: slow, and failing (a bare status too) or succeeding (with its sync id).
                await Task.Delay(TimeSpan.FromSeconds(1));
                return abandonedOneFails ? CommandReply.Status(10, "无操作权限") : CommandReply.Status(0);
            }

            return CommandReply.Status(20, "Bot被禁言");
        });

        using var giveUp = new CancellationTokenSource();
        var abandoned = connection.Groups.MuteAsync(1, 2, TimeSpan.FromMinutes(1), giveUp.Token);
        await backend.WaitForCommandAsync(c => c.Command == "mute" && c.GetInt64("target") == 1);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(abandoned));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(connection.Groups.MuteAsync(2, 3, TimeSpan.FromMinutes(1), TestToken)));

        Output.WriteLine($"{error.Message} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(20, error.Code);
        Assert.Equal(MiraiFailureKind.BotMuted, error.FailureKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("2.0.0", (await Within(connection.AboutAsync(TestToken))).Version);
    }

    [Theory]
    [InlineData("2.0.0")]
    [InlineData("2.2.0")]
    [InlineData("2.10.0")]
    public async Task WrongVerifyKey_IsATypedHandshakeFailure_WithOrWithoutTheEnvelope(string version)
    {
        var backend = await StartBackendAsync(o =>
        {
            o.ServerVersion = Version.Parse(version);
            o.VerifyKey = AssemblyMonitor.Secret("right-" + Guid.NewGuid().ToString("N"));
        });
        var options = FastOptions(backend.Uri);
        options.VerifyKey = AssemblyMonitor.Secret("wrong-" + Guid.NewGuid().ToString("N"));
        var connection = CreateConnection(options);

        var error = await Assert.ThrowsAsync<MiraiHandshakeException>(() => Within(connection.ConnectAsync(TestToken)));

        Assert.Equal(1, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(ConnectionState.Faulted, connection.State);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Fact]
    public async Task UnknownBot_Before23_IsRetried_AsTheEnvelopedCode2Is()
    {
        var backend = await StartBackendAsync(o => o.ServerVersion = new Version(2, 2, 0));
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 777));
        var states = new StateRecorder(connection);
        _ = StartConnecting(connection);

        var rejected = await states.WaitForAsync(c => c.RetryDelay is not null && c.Attempt == 2);

        Assert.Equal(DisconnectReason.HandshakeRejected, rejected.Reason);
        Assert.Equal(2, Assert.IsType<MiraiHandshakeException>(rejected.Error).Code);
    }

    [Theory]
    [InlineData("2.9.0", false, 400)]
    [InlineData("2.9.0", true, 0)]
    [InlineData("2.10.0", false, 0)]
    public async Task Forward_WithoutDisplay_IsRefusedWith400OnlyBy28To29_AndTheRefusalIsTyped(string version, bool withDisplay, int expectedCode)
    {
        var (backend, connection) = await ConnectAsync(version);
        var forward = new ForwardElement
        {
            Display = withDisplay ? new ForwardDisplay { Title = "聊天记录", Brief = "[聊天记录]", Source = "聊天记录", Preview = ["a: hi"], Summary = "查看1条转发消息" } : null,
            NodeList = [ForwardNode.Create(2, "a", 1_700_000_000, "hi")],
        };
        var send = connection.SendGroupMessageAsync(1, new MessageChain([forward]), cancellationToken: TestToken);

        if (expectedCode == 0)
        {
            Assert.True(await Within(send) > 0);
        }
        else
        {
            var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(send));
            Assert.Equal(expectedCode, error.Code);
        }

        Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
    }

    [Fact]
    public async Task DebugServer_ThatAnswersWithItsFrameLogExtension_IsConnectedTo()
    {
        // debug: true makes every version answer the upgrade with Sec-WebSocket-Extensions: frame-log.
        var backend = await StartBackendAsync(o => o.Debug = true);
        var connection = CreateConnection(FastOptions(backend.Uri));

        await Within(connection.ConnectAsync(TestToken));

        Assert.True(await Within(connection.SendGroupMessageAsync(1, "hello", cancellationToken: TestToken)) > 0);
        Assert.Equal(1, backend.AcceptCount);
    }

    [Theory]
    [InlineData("2.0.0")]
    [InlineData("2.5.0")]
    [InlineData("2.6.0")]
    public async Task SilentRelogin_IsRecovered_OnEveryVersion_WithOrWithoutBotList(string version)
    {
        var options = FastOptions(new Uri("ws://127.0.0.1:1"));
        options.BotLiveness = new BotLivenessOptions { CheckInterval = TimeSpan.FromSeconds(1), RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var (backend, connection) = await ConnectAsync(version, options);
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        var started = Stopwatch.StartNew();
        await Within(backend.ReloginAsync(new FakeRelogin { Announce = false, OfflineWindow = TimeSpan.FromMilliseconds(500) }, TestToken));

        await WaitUntilAsync(() => Recovered(connection, backend), TimeSpan.FromSeconds(30), $"Recovery on {version}");
        Output.WriteLine($"{version}: recovered after {started.ElapsedMilliseconds} ms");
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }

    [Fact]
    public async Task SingleMode_ConnectsWithoutQQ_WarnsOnce_AndReportsTheAccountLearnedFromTheSession()
    {
        var backend = await StartBackendAsync(o => o.SingleMode = true);
        var connection = CreateConnection(FastOptions(backend.Uri, qq: 0));
        var recorder = new BotStateRecorder(connection);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        backend.AbortConnections();
        await WaitUntilAsync(() => backend.HandshakeCount >= 2 && connection.State == ConnectionState.Connected && connection.BotState == BotState.Online);

        var warnings = Logs.Lines.Where(l => l.EventId.Id == 1025).ToList();
        Output.WriteLine(string.Join("\n", warnings));
        var warning = Assert.Single(warnings);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("single mode", warning.Message, StringComparison.Ordinal);
        Assert.All(recorder.Changes.Where(c => c.CurrentState == BotState.Online), c => Assert.Equal(10001, c.Account));
        Assert.Contains("Bot 10001 is Online", Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SingleMode_RecoversFromARelogin_ThoughTheHandshakeIsDroppedWhileTheAccountIsAway()
    {
        var backend = await StartBackendAsync(o => o.SingleMode = true);
        var options = FastOptions(backend.Uri, qq: 0);
        options.BotLiveness = new BotLivenessOptions { RecoveryPollInterval = TimeSpan.FromMilliseconds(200) };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await WaitUntilAsync(() => connection.BotState == BotState.Online);

        await Within(backend.ReloginAsync(new FakeRelogin { OfflineWindow = TimeSpan.FromSeconds(1) }, TestToken));

        await WaitUntilAsync(() => Recovered(connection, backend));
        Assert.True(await Within(connection.SendGroupMessageAsync(1, "works", cancellationToken: TestToken)) > 0);
    }
}
