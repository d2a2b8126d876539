using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MiraiClient.Hosting;

/// <summary>
/// Owns the connection's life inside the host: connects on start, dispatches events to handlers with
/// bounded concurrency and per-conversation order, and on stop (1) stops taking events, (2) lets running
/// handlers finish within the host's shutdown timeout, (3) disposes the connection, which is bounded itself.
/// </summary>
/// <remarks>Not disposable on purpose: a handler abandoned at shutdown may still finish later, and the
/// token sources and semaphore it touches must stay usable (none holds an unmanaged resource).</remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "See remarks: abandoned handlers may still use them.")]
internal sealed partial class MiraiBotService : IHostedService
{
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(1);
    private static readonly ActivitySource ActivitySource = new("MiraiClient.Hosting");

    private readonly IMiraiConnection _connection;
    private readonly HandlerRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly MiraiBotOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _dispatchStop = new();
    private readonly CancellationTokenSource _handlersStop = new();
    private readonly CancellationTokenSource _connectionStop = new();
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<ConversationKey, Task> _tails = [];
    private readonly HashSet<Task> _running = [];
    private Task _dispatcher = Task.CompletedTask;
    private Task _runner = Task.CompletedTask;

    public MiraiBotService(
        IMiraiConnection connection,
        IEnumerable<HandlerRegistration> registrations,
        IServiceScopeFactory scopes,
        IOptions<MiraiBotOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<MiraiBotService> logger)
    {
        _connection = connection;
        _registrations = registrations.ToArray();
        _scopes = scopes;
        _options = options.Value;
        _lifetime = lifetime;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentHandlers, _options.MaxConcurrentHandlers);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before connecting so no event is missed; do not block the host on the server being up.
        var events = _connection.GetEventsAsync(_dispatchStop.Token);
        _dispatcher = Task.Run(() => DispatchAsync(events), CancellationToken.None);
        _runner = Task.Run(RunConnectionAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        await _dispatchStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _dispatcher.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: cancel the handlers, give them a moment, move on.
            Log.HandlersAbandoned(_logger, RunningCount());
            await _handlersStop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(_dispatcher, Task.Delay(AbandonGrace, CancellationToken.None)).ConfigureAwait(false);
        }

        await _connectionStop.CancelAsync().ConfigureAwait(false);

        // RunAsync disposes the connection on cancellation, within the connection's own dispose bound.
        await _runner.ConfigureAwait(false);
    }

    private static ConversationKey? KeyOf(MiraiEvent item) => item switch
    {
        GroupMessage group => new ConversationKey(1, group.Sender.Group.Id, 0),
        FriendMessage friend => new ConversationKey(2, friend.Sender.Id, 0),
        TempMessage temp => new ConversationKey(3, temp.Sender.Group.Id, temp.Sender.Id),
        _ => null,
    };

    private async Task RunConnectionAsync()
    {
        try
        {
            await _connection.RunAsync(_connectionStop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // RunAsync only throws when the connection cannot recover; its messages never carry secrets.
            Log.FatalStop(_logger, ex.Message, _options.FatalExitCode);
            Environment.ExitCode = _options.FatalExitCode;
            _lifetime.StopApplication();
        }
    }

    private int RunningCount()
    {
        lock (_running)
        {
            return _running.Count;
        }
    }

    private async Task DispatchAsync(IAsyncEnumerable<MiraiEvent> events)
    {
        try
        {
            await foreach (var item in events.ConfigureAwait(false))
            {
                var handlers = Array.FindAll(_registrations, r => r.EventType.IsInstanceOfType(item));
                if (handlers.Length == 0)
                {
                    continue;
                }

                await _slots.WaitAsync(_handlersStop.Token).ConfigureAwait(false);
                Start(item, handlers);
            }
        }
        catch (OperationCanceledException) when (_handlersStop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.DispatcherFailed(_logger, ex);
        }

        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private void Start(MiraiEvent item, HandlerRegistration[] handlers)
    {
        var key = _options.OrderPerConversation ? KeyOf(item) : null;
        lock (_running)
        {
            var previous = key is { } k && _tails.TryGetValue(k, out var tail) ? tail : Task.CompletedTask;
            var task = InvokeAsync(item, handlers, previous);
            _running.Add(task);
            if (key is { } k2)
            {
                _tails[k2] = task;
            }

            _ = task.ContinueWith(
                (done, state) => Finished(done, (ConversationKey?)state),
                key,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void Finished(Task task, ConversationKey? key)
    {
        lock (_running)
        {
            _running.Remove(task);
            if (key is { } k && _tails.TryGetValue(k, out var tail) && tail == task)
            {
                _tails.Remove(k);
            }
        }
    }

    /// <summary>Runs every matching handler for one event, after the previous event of the same
    /// conversation. Never throws: a failing handler is logged and isolated.</summary>
    private async Task InvokeAsync(MiraiEvent item, HandlerRegistration[] handlers, Task previous)
    {
        try
        {
            await previous.ConfigureAwait(false);

            // Commands a handler sends become children of this activity: a reply is traced to its event.
            using var activity = ActivitySource.StartActivity("mirai.event " + item.Type, ActivityKind.Consumer);
            activity?.SetTag("mirai.event", item is UnknownEvent ? "Unknown" : item.Type);
            foreach (var handler in handlers)
            {
                try
                {
                    var scope = _scopes.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        await handler.Invoke(scope.ServiceProvider, item, _connection, _handlersStop.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (_handlersStop.IsCancellationRequested)
                {
                    Log.HandlerCancelled(_logger, handler.Name, item.Type);
                }
                catch (Exception ex)
                {
                    Log.HandlerFailed(_logger, handler.Name, item.Type, ex);
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private readonly record struct ConversationKey(int Kind, long A, long B);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler {Handler} failed on a {EventType} event; other events are not affected")]
        public static partial void HandlerFailed(ILogger logger, string handler, string eventType, Exception exception);

        [LoggerMessage(EventId = 2002, EventName = "FatalStop", Level = LogLevel.Critical, Message = "The Mirai connection cannot recover: {Cause} Stopping the host with exit code {ExitCode}.")]
        public static partial void FatalStop(ILogger logger, string cause, int exitCode);

        [LoggerMessage(EventId = 2003, EventName = "HandlersAbandoned", Level = LogLevel.Warning, Message = "{Count} handler invocation(s) did not finish within the shutdown timeout and were cancelled")]
        public static partial void HandlersAbandoned(ILogger logger, int count);

        [LoggerMessage(EventId = 2004, EventName = "Stopping", Level = LogLevel.Information, Message = "Stopping the bot: no new events are dispatched; waiting for running handlers")]
        public static partial void Stopping(ILogger logger);

        [LoggerMessage(EventId = 2005, EventName = "HandlerCancelled", Level = LogLevel.Debug, Message = "Handler {Handler} was cancelled by shutdown while handling a {EventType} event")]
        public static partial void HandlerCancelled(ILogger logger, string handler, string eventType);

        [LoggerMessage(EventId = 2006, EventName = "DispatcherFailed", Level = LogLevel.Error, Message = "The event dispatcher failed unexpectedly")]
        public static partial void DispatcherFailed(ILogger logger, Exception exception);
    }
}
