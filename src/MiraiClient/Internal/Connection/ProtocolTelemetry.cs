using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MiraiClient.Internal;

/// <summary>The instruments of one protocol, all on the shared <c>MiraiClient</c> meter and activity source,
/// named <c>&lt;prefix&gt;.*</c> (for mirai-api-http: <c>mirai.connections</c>, <c>mirai.command.duration</c>, …).</summary>
/// <remarks>Tags whose values come from the peer (event types, error codes) are bounded by the callers:
/// unknown event types are counted as "Unknown".</remarks>
internal sealed class ProtocolTelemetry
{
    /// <summary>The meter's and activity source's name.</summary>
    public const string Name = "MiraiClient";

    /// <summary>The activity source every protocol's requests are traced with.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(ProtocolTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>The meter every protocol's instruments are on.</summary>
    internal static readonly Meter Meter = new(Name, typeof(ProtocolTelemetry).Assembly.GetName().Version?.ToString(3));

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _connectAttempts;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _reconnectDuration;
    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _eventsDropped;
    private readonly Counter<long> _requestsSent;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _requestErrors;
    private readonly UpDownCounter<long> _botStates;
    private readonly string _botStateTag;
    private readonly string _stateTag;
    private readonly string _resultTag;
    private readonly string _causeTag;
    private readonly string _eventTag;
    private readonly string _requestTag;
    private readonly string _outcomeTag;
    private readonly string _codeTag;
    private readonly string _failureTag;
    private readonly string _idTag;
    private readonly string _resultCodeTag;

    /// <param name="prefix">The instruments' and tags' prefix (<c>mirai</c>, <c>onebot</c>).</param>
    /// <param name="request">What the protocol calls a request (<c>command</c>, <c>action</c>).</param>
    /// <param name="requestIdTag">The activity tag of a request's id (<c>mirai.sync_id</c>, <c>onebot.echo</c>).</param>
    public ProtocolTelemetry(string prefix, string request, string requestIdTag)
    {
        _connections = Meter.CreateUpDownCounter<long>($"{prefix}.connections", "{connection}", "Connections by state.");
        _connectAttempts = Meter.CreateCounter<long>($"{prefix}.connect.attempts", "{attempt}", "Connection attempts by result.");
        _reconnects = Meter.CreateCounter<long>($"{prefix}.reconnects", "{reconnect}", "Drops of an established connection that started a reconnect, by cause.");
        _reconnectDuration = Meter.CreateHistogram<double>($"{prefix}.reconnect.duration", "s", "Time from a drop to being connected again.");
        _eventsReceived = Meter.CreateCounter<long>($"{prefix}.events.received", "{event}", "Events received, by type.");
        _eventsDropped = Meter.CreateCounter<long>($"{prefix}.events.dropped", "{event}", "Events a slow subscriber lost, by type.");
        _requestsSent = Meter.CreateCounter<long>($"{prefix}.{request}s.sent", $"{{{request}}}", $"{request}s written to the socket, by name.");
        _requestDuration = Meter.CreateHistogram<double>($"{prefix}.{request}.duration", "s", $"{request} round-trip time, by name and outcome.");
        _requestErrors = Meter.CreateCounter<long>($"{prefix}.{request}.errors", "{error}", $"{request}s the peer answered with a failure, by name, code and failure class.");
        _botStates = Meter.CreateUpDownCounter<long>($"{prefix}.bots", "{bot}", "Bot accounts by state (online, offline, unknown), as the connections see them.");
        _botStateTag = $"{prefix}.bot.state";
        _stateTag = $"{prefix}.state";
        _resultTag = $"{prefix}.result";
        _causeTag = $"{prefix}.cause";
        _eventTag = $"{prefix}.event";
        _requestTag = $"{prefix}.{request}";
        _outcomeTag = $"{prefix}.outcome";
        _codeTag = $"{prefix}.code";
        _failureTag = $"{prefix}.failure";
        _idTag = requestIdTag;
        _resultCodeTag = $"{prefix}.result_code";
        Pacing = new Pacing.SendPacingMetrics(Meter, prefix);
    }

    /// <summary>Gets the send limiter's instruments (<c>&lt;prefix&gt;.send.pacing.*</c>).</summary>
    public Pacing.SendPacingMetrics Pacing { get; }

    public void StateChanged(ConnectionState? previous, ConnectionState? current)
    {
        if (previous is { } from)
        {
            _connections.Add(-1, new KeyValuePair<string, object?>(_stateTag, StateName(from)));
        }

        if (current is { } to)
        {
            _connections.Add(1, new KeyValuePair<string, object?>(_stateTag, StateName(to)));
        }
    }

    public void BotStateChanged(BotState previous, BotState current)
    {
        if (previous != BotState.Unknown)
        {
            _botStates.Add(-1, new KeyValuePair<string, object?>(_botStateTag, previous.ToString()));
        }

        if (current != BotState.Unknown)
        {
            _botStates.Add(1, new KeyValuePair<string, object?>(_botStateTag, current.ToString()));
        }
    }

    public void ConnectAttempt(string result) => _connectAttempts.Add(1, new KeyValuePair<string, object?>(_resultTag, result));

    public void Reconnect(DisconnectReason cause) => _reconnects.Add(1, new KeyValuePair<string, object?>(_causeTag, cause.ToString()));

    public void ReconnectDuration(TimeSpan elapsed) => _reconnectDuration.Record(elapsed.TotalSeconds);

    public void RecordEvent(string tag) => _eventsReceived.Add(1, new KeyValuePair<string, object?>(_eventTag, tag));

    public void RecordDropped(string tag) => _eventsDropped.Add(1, new KeyValuePair<string, object?>(_eventTag, tag));

    public void RecordSent(string name) => _requestsSent.Add(1, new KeyValuePair<string, object?>(_requestTag, name));

    public Activity? StartRequest(string name, long id)
    {
        var activity = ActivitySource.StartActivity(name, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(_requestTag, name);
            activity.SetTag(_idTag, id);
        }

        return activity;
    }

    public void RequestFinished(string name, string outcome, TimeSpan elapsed, Activity? activity)
    {
        activity?.SetTag(_outcomeTag, outcome);
        _requestDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>(_requestTag, name),
            new KeyValuePair<string, object?>(_outcomeTag, outcome));
    }

    public void RequestSucceeded(Activity? activity) => activity?.SetTag(_resultCodeTag, 0);

    public void RequestFailed(string name, int code, string failure, Activity? activity)
    {
        _requestErrors.Add(
            1,
            new KeyValuePair<string, object?>(_requestTag, name),
            new KeyValuePair<string, object?>(_codeTag, code),
            new KeyValuePair<string, object?>(_failureTag, failure));
        if (activity is not null)
        {
            activity.SetTag(_resultCodeTag, code);
            activity.SetStatus(ActivityStatusCode.Error, $"code {code}");
        }
    }

    public static string StateName(ConnectionState state) => state switch
    {
        ConnectionState.NotStarted => "disconnected",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.Reconnecting => "reconnecting",
        ConnectionState.Faulted => "faulted",
        _ => "disposed",
    };
}
