using System.Diagnostics;
using MiraiClient.Testing;

namespace MiraiClient.Tests.RealServers;

/// <summary>
/// Send pacing through a real connection (the limiter's exact arithmetic is in <c>SendLimiterTests</c>): a burst
/// into one group beyond its allowance waits for the refill, other groups are not held up, a send that would wait
/// too long fails unsent, and only message sends are ever held back.
/// </summary>
public sealed class PacingTests(ITestOutputHelper output) : RealServerTestBase(output)
{
    [Fact]
    public async Task SendGroupMessageAsync_BeyondTheConversationBurst_WaitsForTheRefill_AtDefaultOptions()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));

        // The default allowance is 5 at once, then one a second.
        var clock = Stopwatch.StartNew();
        var finished = new TimeSpan[7];
        for (var i = 0; i < finished.Length; i++)
        {
            await Within(connection.SendGroupMessageAsync(1, $"message {i}", cancellationToken: TestToken));
            finished[i] = clock.Elapsed;
        }

        Output.WriteLine(string.Join(", ", finished.Select((t, i) => $"#{i + 1} {t.TotalMilliseconds:0} ms")));
        Assert.True(finished[4] < TimeSpan.FromSeconds(0.8), $"the burst of five took {finished[4]}");
        Assert.True(finished[5] >= TimeSpan.FromSeconds(0.8), $"the sixth went after {finished[5]}, inside the burst");
        Assert.True(finished[6] >= TimeSpan.FromSeconds(1.8), $"the seventh went after {finished[6]}");
        Assert.True(finished[6] < TimeSpan.FromSeconds(6), $"the seventh waited {finished[6]}");
        Assert.Equal(7, backend.ReceivedCommands.Count(c => c.Command == "sendGroupMessage"));
    }

    [Fact]
    public async Task SendGroupMessageAsync_ToAnotherGroup_IsNotHeldUp_WhileOneGroupWaits()
    {
        var backend = await StartBackendAsync();
        var connection = CreateConnection(DefaultOptions(backend.Uri));
        await Within(connection.ConnectAsync(TestToken));
        for (var i = 0; i < 5; i++)
        {
            await Within(connection.SendGroupMessageAsync(1, $"burst {i}", cancellationToken: TestToken));
        }

        var clock = Stopwatch.StartNew();
        var held = connection.SendGroupMessageAsync(1, "held back", cancellationToken: TestToken);
        await Within(connection.SendGroupMessageAsync(2, "another group", cancellationToken: TestToken));
        var other = clock.Elapsed;
        Assert.False(held.IsCompleted, "the held-back send to the first group finished before the second group's");
        await Within(held);
        var first = clock.Elapsed;

        Output.WriteLine($"group 2 answered after {other.TotalMilliseconds:0} ms; group 1's sixth after {first.TotalMilliseconds:0} ms");
        Assert.True(first >= TimeSpan.FromSeconds(0.5), $"the first group's sixth message went after {first}");
        Assert.True(other < first, "the second group waited for the first");
    }

    [Fact]
    public async Task SendGroupMessageAsync_ThrowsRateLimited_AndSendsNothing_WhenTheWaitWouldExceedMaxWait()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.SendRateLimit = new SendRateLimitOptions { ConversationBurst = 1, ConversationInterval = TimeSpan.FromSeconds(10), MaxWait = TimeSpan.FromSeconds(1) };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        await Within(connection.SendGroupMessageAsync(1, "first", cancellationToken: TestToken));

        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<MiraiRateLimitedException>(() => Within(connection.SendGroupMessageAsync(1, "second", cancellationToken: TestToken)));

        Output.WriteLine($"{refused.Message} (after {clock.ElapsedMilliseconds} ms)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the refusal took {clock.Elapsed}: it should be decided up front");
        Assert.Equal(Conversation.Group(1), refused.Conversation);
        Assert.Equal(SendRateLimitScope.Conversation, refused.Scope);
        Assert.True(refused.RetryAfter > TimeSpan.FromSeconds(8), $"RetryAfter {refused.RetryAfter}");
        Assert.Equal(TimeSpan.FromSeconds(1), refused.AllowedWait);
        await Task.Delay(300, TestToken);
        var sent = Assert.Single(backend.ReceivedCommands, c => c.Command == "sendGroupMessage");
        Assert.Equal("first", sent.SentMessage!.Text);
    }

    [Fact]
    public async Task RecallMuteAndNudge_NeverWait_WhenEveryMessageAllowanceIsSpent()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.SendRateLimit = new SendRateLimitOptions
        {
            AccountBurst = 1,
            AccountInterval = TimeSpan.FromSeconds(30),
            ConversationBurst = 1,
            ConversationInterval = TimeSpan.FromSeconds(30),
            MaxWait = TimeSpan.Zero,
        };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        var id = await Within(connection.SendGroupMessageAsync(1, "the only one", cancellationToken: TestToken));
        await Assert.ThrowsAsync<MiraiRateLimitedException>(() => Within(connection.SendGroupMessageAsync(1, "one too many", cancellationToken: TestToken)));

        var clock = Stopwatch.StartNew();
        await Within(connection.RecallAsync(1, id, TestToken));
        await Within(connection.Groups.MuteAsync(1, 2, TimeSpan.FromMinutes(1), TestToken));
        await Within(connection.Groups.UnmuteAsync(1, 2, TestToken));
        await Within(connection.SendNudgeAsync(2, 1, NudgeKind.Group, TestToken));

        Output.WriteLine($"four non-message commands took {clock.ElapsedMilliseconds} ms with no allowance left");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(["sendGroupMessage", "recall", "mute", "unmute", "sendNudge"], backend.ReceivedCommands.Where(c => c.Command != "about" && c.Command != "botProfile").Select(c => c.Command));
    }

    [Fact]
    public async Task SendGroupMessageAsync_NeverWaits_WhenPacingIsOff()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.SendRateLimit = new SendRateLimitOptions { Enabled = false, ConversationBurst = 1, ConversationInterval = TimeSpan.FromSeconds(30), MaxWait = TimeSpan.Zero };
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));

        var clock = Stopwatch.StartNew();
        await Within(Task.WhenAll(Enumerable.Range(0, 20).Select(i => connection.SendGroupMessageAsync(1, $"unpaced {i}", cancellationToken: TestToken))));

        Output.WriteLine($"20 unpaced sends to one group took {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(20, backend.ReceivedCommands.Count(c => c.Command == "sendGroupMessage"));
    }
}
