namespace MiraiClient.Internal;

/// <summary>Classifies one socket's inbound mirai-api-http frames: the handshake, pushed events, replies by
/// sync id, and the bare status frames of old servers.</summary>
internal sealed class MiraiFrameHandler : FrameHandler<MiraiEvent>
{
    private readonly IFrameSink<MiraiEvent> _sink;
    private readonly byte[] _reservedSyncId;
    private readonly DecodeCache _decodeCache = new();

    public MiraiFrameHandler(IFrameSink<MiraiEvent> sink, string reservedSyncId)
    {
        _sink = sink;
        _reservedSyncId = System.Text.Encoding.UTF8.GetBytes(reservedSyncId);
    }

    /// <summary>Gets the server-assigned session key. Held only in memory; never logged.</summary>
    public string? SessionKey { get; private set; }

    /// <summary>Gets the watcher of the session's bot account.</summary>
    public MiraiAccountSupervisor Supervisor { get; } = new();

    /// <summary>Gets or sets the account learned in single mode (0 until learned).</summary>
    public long Account { get; set; }

    public override void Handle(ReadOnlySpan<byte> message, bool isCheckedUtf8)
    {
        var logger = _sink.Logger;
        FrameInfo frame;
        try
        {
            frame = MiraiFrameDecoder.Decode(message, _reservedSyncId, _decodeCache);
        }
        catch (MiraiProtocolException ex)
        {
            Log.MalformedFrame(logger, message.Length, ex.Message, ex);
            return;
        }

        var data = frame.DataStart >= 0 ? message.Slice(frame.DataStart, frame.DataLength) : default;
        switch (frame.Kind)
        {
            case FrameKind.Event when frame.EventError is { } invalid:
                Log.MalformedFrame(logger, message.Length, invalid.Message, invalid);
                break;
            case FrameKind.Event:
                var item = frame.Event!;
                if (!frame.KnownEvent)
                {
                    Log.UnknownEvent(logger, item.Type);
                }
                else if (item is MessageEvent packet)
                {
                    LogUnknownElements(packet);
                }
                else if (SignalOf(item) is { } signal)
                {
                    Supervisor.Signal(signal);
                }

                _sink.Deliver(item);
                break;
            case FrameKind.Response when frame.RequestId == HandshakeRequestId && HandshakeRequestId >= 0 && !_sink.HandshakeCompleted:
                // Reverse-ws: the reply to the verify this side sent is the handshake, enveloped with its sync id.
                HandleHandshake(data, message.Length);
                break;
            case FrameKind.Response:
                _sink.Reply(frame.RequestId, data);
                break;
            case FrameKind.Handshake:
                HandleHandshake(data, message.Length);
                break;
            case FrameKind.BareStatus:
                if (!_sink.HandshakeCompleted)
                {
                    // Servers before 2.3.0 sent the handshake failure without an envelope.
                    _sink.RejectHandshake(new MiraiHandshakeException(frame.Code!.Value, frame.Message));
                }
                else if (!_sink.ReplyToOldest(message))
                {
                    // Servers before 2.1.0 answer a failed command this way; one answering in order owes it to the
                    // oldest command still waiting, and when nobody waits it is only logged.
                    Log.BareErrorFrame(logger, frame.Code!.Value, frame.Message);
                }

                break;
        }
    }

    /// <summary>What a bot lifecycle event says about the session's account.</summary>
    private static AccountSignal? SignalOf(MiraiEvent item) => item switch
    {
        BotOfflineEventActive or BotOfflineEventForce => AccountSignal.Closed,
        BotOfflineEventDropped => AccountSignal.Dropped,
        BotOnlineEvent or BotReloginEvent => AccountSignal.Online,
        _ => null,
    };

    private void LogUnknownElements(MessageEvent message)
    {
        // By index: the chain's enumerator is an object, and this runs for every event.
        var chain = message.MessageChain;
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i] is UnknownElement unknown)
            {
                Log.UnknownElement(_sink.Logger, unknown.Type, message.Type);
            }
        }
    }

    private void HandleHandshake(ReadOnlySpan<byte> data, int length)
    {
        try
        {
            var (code, session, message) = MiraiFrameDecoder.ReadHandshake(data);
            if (code == 0)
            {
                SessionKey = session;
                _sink.AcceptHandshake();
            }
            else
            {
                _sink.RejectHandshake(new MiraiHandshakeException(code, message));
            }
        }
        catch (MiraiProtocolException ex)
        {
            Log.MalformedFrame(_sink.Logger, length, ex.Message, ex);
        }
    }
}
