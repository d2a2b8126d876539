namespace MiraiClient.Tests;

/// <summary>
/// The mocking promise of <see cref="IMiraiConnection"/> holds all the way down: a bot's own test can
/// substitute the connection and the command groups it uses, with no server and no internals.
/// </summary>
public sealed class SubstituteTests
{
    /// <summary>Code a user might write: greet every friend whose nickname starts with a prefix, in a group.</summary>
    private static async Task<int> GreetFriendsAsync(IMiraiConnection connection, long group, string prefix, CancellationToken cancellationToken)
    {
        var friends = await connection.Contacts.GetFriendsAsync(cancellationToken);
        var greeted = 0;
        foreach (var friend in friends.Where(f => f.Nickname.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await connection.SendGroupMessageAsync(group, $"hello {friend.Nickname}", cancellationToken: cancellationToken);
            greeted++;
        }

        await connection.Groups.MuteAllAsync(group, cancellationToken);
        return greeted;
    }

    [Fact]
    public async Task CommandGroups_CanBeSubstituted_InAUsersOwnTest()
    {
        var connection = new SubstituteConnection();
        var greeted = await GreetFriendsAsync(connection, 42, "a", TestContext.Current.CancellationToken);

        Assert.Equal(2, greeted);
        Assert.Equal(["42: hello alice", "42: hello anna"], connection.Sent);
        Assert.Equal([42L], connection.SubstituteGroups.MutedAll);
    }

    [Fact]
    public async Task CommandGroup_MadeForASubstitute_ThrowsAClearError_ForMethodsNotOverridden()
    {
        var contacts = new FriendsOnly();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => contacts.GetGroupsAsync(TestContext.Current.CancellationToken));
        Assert.Contains("override the methods", error.Message, StringComparison.Ordinal);
    }

    private sealed class FriendsOnly : MiraiContactCommands
    {
        public override Task<IReadOnlyList<Friend>> GetFriendsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Friend>>(
            [
                new Friend { Id = 1, Nickname = "alice", Remark = "" },
                new Friend { Id = 2, Nickname = "bob", Remark = "" },
                new Friend { Id = 3, Nickname = "anna", Remark = "" },
            ]);
    }

    private sealed class RecordingGroups : MiraiGroupCommands
    {
        public List<long> MutedAll { get; } = [];

        public override Task MuteAllAsync(long group, CancellationToken cancellationToken = default)
        {
            MutedAll.Add(group);
            return Task.CompletedTask;
        }
    }

    private sealed class SubstituteConnection : IMiraiConnection
    {
        public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged
        {
            add { }
            remove { }
        }

        public List<string> Sent { get; } = [];

        public RecordingGroups SubstituteGroups { get; } = new();

        public MiraiMessageCommands Messages => throw new NotSupportedException();

        public MiraiContactCommands Contacts { get; } = new FriendsOnly();

        public MiraiGroupCommands Groups => SubstituteGroups;

        public MiraiFileCommands Files => throw new NotSupportedException();

        public MiraiAnnouncementCommands Announcements => throw new NotSupportedException();

        public MiraiRequestCommands Requests => throw new NotSupportedException();

        public MiraiConsoleCommands Console => throw new NotSupportedException();

        public MiraiUploadCommands Uploads => throw new NotSupportedException();

        public ConnectionState State => ConnectionState.Connected;

        public Exception? LastError => null;

        public long DroppedEventCount => 0;

        public Task ConnectAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public IAsyncEnumerable<MiraiEvent> GetEventsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<TEvent> GetEventsAsync<TEvent>(CancellationToken cancellationToken = default)
            where TEvent : MiraiEvent => throw new NotSupportedException();

        public Task<int> SendFriendMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<int> SendGroupMessageAsync(long target, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default)
        {
            Sent.Add($"{target}: {messageChain.ToPlainText()}");
            return Task.FromResult(Sent.Count);
        }

        public Task<int> SendTempMessageAsync(long qq, long group, MessageChain messageChain, int? quote = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RecallAsync(long target, int messageId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task SendNudgeAsync(long target, long subject, NudgeKind kind, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AboutInfo> AboutAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<long>> GetBotListAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SessionInfo> GetSessionInfoAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
