using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MiraiClient.Internal;

/// <summary>The SDK's metrics and traces. Tags carry command words, event types, states, reasons and
/// status codes only: never a key, a session or message content.</summary>
internal static class MiraiTelemetry
{
    public const string Name = "MiraiClient";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(MiraiTelemetry).Assembly.GetName().Version?.ToString(3));

    private static readonly Meter Meter = new(Name, typeof(MiraiTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Connections per state: +1 on entering a state, −1 on leaving it.</summary>
    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("mirai.connections", "{connection}", "Connections by state.");

    public static readonly Counter<long> ConnectAttempts = Meter.CreateCounter<long>("mirai.connect.attempts", "{attempt}", "Connection attempts by result.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("mirai.reconnects", "{reconnect}", "Drops of an established connection that started a reconnect, by cause.");

    public static readonly Histogram<double> ReconnectDuration = Meter.CreateHistogram<double>("mirai.reconnect.duration", "s", "Time from a drop to being connected again.");

    public static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>("mirai.events.received", "{event}", "Events received, by type.");

    public static readonly Counter<long> EventsDropped = Meter.CreateCounter<long>("mirai.events.dropped", "{event}", "Events a slow subscriber lost, by type.");

    public static readonly Counter<long> CommandsSent = Meter.CreateCounter<long>("mirai.commands.sent", "{command}", "Commands written to the socket, by command word.");

    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>("mirai.command.duration", "s", "Command round-trip time, by command word and outcome.");

    public static readonly Counter<long> CommandErrors = Meter.CreateCounter<long>("mirai.command.errors", "{error}", "Commands the server answered with a non-zero code, by command word and code.");

    public static string StateName(ConnectionState state) => state switch
    {
        ConnectionState.Disconnected => "disconnected",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.Reconnecting => "reconnecting",
        ConnectionState.Faulted => "faulted",
        _ => "disposed",
    };
}
