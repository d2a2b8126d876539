namespace MiraiClient.Testing;

/// <summary>The lifecycle of the fake's bot accounts: which <c>Bot</c> instance each account has now,
/// whether it has none (between a logout and a login), and whether its network is down.</summary>
/// <remarks>A session remembers the instance number it was bound to; it is stale once the account's
/// number moved on. The set of accounts is read live from the options, so every account in
/// <see cref="FakeMiraiBackendOptions.Bots"/> starts online with instance 0.</remarks>
internal sealed class BotAccounts(ICollection<long> bots)
{
    private readonly object _gate = new();
    private readonly Dictionary<long, AccountState> _states = [];

    /// <summary>Why a handshake could not bind an account.</summary>
    public enum Binding
    {
        /// <summary>Bound.</summary>
        Bound,

        /// <summary>The QQ is not one of the fake's bots.</summary>
        Unknown,

        /// <summary>The account has no <c>Bot</c> instance right now (inside a relogin's offline window).</summary>
        Offline,
    }

    /// <summary>Gets the configured accounts, in configuration order.</summary>
    public IReadOnlyList<long> Known
    {
        get
        {
            lock (_gate)
            {
                return [.. bots];
            }
        }
    }

    /// <summary>Gets the accounts that have a <c>Bot</c> instance now (what <c>botList</c> answers).</summary>
    public IReadOnlyList<long> Listed
    {
        get
        {
            lock (_gate)
            {
                return [.. bots.Where(qq => !State(qq).Offline)];
            }
        }
    }

    /// <summary>Binds a new session to an account's current instance.</summary>
    /// <param name="qq">The account.</param>
    /// <param name="instance">The instance bound to.</param>
    /// <returns>Whether it worked, and why not.</returns>
    public Binding TryBind(long qq, out int instance)
    {
        lock (_gate)
        {
            instance = 0;
            if (!bots.Contains(qq))
            {
                return Binding.Unknown;
            }

            var state = State(qq);
            instance = state.Instance;
            return state.Offline ? Binding.Offline : Binding.Bound;
        }
    }

    /// <summary>Whether a session bound to <paramref name="instance"/> is stale.</summary>
    /// <param name="qq">The account.</param>
    /// <param name="instance">The instance the session was bound to.</param>
    /// <param name="signature">How its commands fail when stale.</param>
    /// <returns><see langword="true"/> when the account has moved to a newer instance.</returns>
    public bool IsStale(long qq, int instance, out ClosedBotSignature signature)
    {
        lock (_gate)
        {
            var state = State(qq);
            signature = state.Signature;
            return state.Instance != instance;
        }
    }

    /// <summary>Closes the account's instance: every session bound so far becomes stale and the account
    /// has no instance until <see cref="Open"/>.</summary>
    /// <param name="qq">The account.</param>
    /// <param name="signature">How the stale sessions' commands fail.</param>
    public void Close(long qq, ClosedBotSignature signature)
    {
        lock (_gate)
        {
            var state = State(qq);
            state.Instance++;
            state.Offline = true;
            state.Signature = signature;
        }
    }

    /// <summary>Gives the account its new instance.</summary>
    /// <param name="qq">The account.</param>
    public void Open(long qq)
    {
        lock (_gate)
        {
            State(qq).Offline = false;
        }
    }

    /// <summary>Takes the account's network down; the instance and its sessions stay.</summary>
    /// <param name="qq">The account.</param>
    public void Drop(long qq)
    {
        lock (_gate)
        {
            var state = State(qq);
            state.Back ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Brings the account's network back; commands that waited go on.</summary>
    /// <param name="qq">The account.</param>
    public void Resume(long qq)
    {
        TaskCompletionSource? back;
        lock (_gate)
        {
            var state = State(qq);
            back = state.Back;
            state.Back = null;
        }

        back?.TrySetResult();
    }

    /// <summary>Gets a task that completes when the account's network is up.</summary>
    /// <param name="qq">The account.</param>
    /// <returns>The task (already complete when the network is up).</returns>
    public Task WhenNetworkUp(long qq)
    {
        lock (_gate)
        {
            return State(qq).Back?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>Describes the accounts for an error message, for example <c>10001 (offline)</c>.</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        lock (_gate)
        {
            return bots.Count == 0 ? "none" : string.Join(", ", bots.Select(qq => State(qq).Offline ? $"{qq} (offline, inside a relogin)" : $"{qq}"));
        }
    }

    private AccountState State(long qq)
    {
        if (!_states.TryGetValue(qq, out var state))
        {
            state = new AccountState();
            _states[qq] = state;
        }

        return state;
    }

    private sealed class AccountState
    {
        public int Instance { get; set; }

        public bool Offline { get; set; }

        public ClosedBotSignature Signature { get; set; }

        public TaskCompletionSource? Back { get; set; }
    }
}
