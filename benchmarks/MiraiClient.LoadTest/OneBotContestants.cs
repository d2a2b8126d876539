using System.Buffers.Text;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MiraiClient.Baselines;
using MiraiClient.Workloads;

namespace MiraiClient.LoadTest;

/// <summary>OneBot v11 over a forward WebSocket's universal path with ClientWebSocket and nothing on top:
/// discard (the physical limit), or STJ source-generated records decoded inline (the best-practice limit).
/// The SDK's own contestant in this family is <see cref="OneBotSdkContestant"/>.</summary>
internal sealed class OneBotRawContestant(bool decode) : Contestant
{
    private static readonly byte[] ResponsePrefix = "{\"status\""u8.ToArray();

    public override string Name => decode ? "stj" : "raw";

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        using var socket = NewSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        await ReceiveAsync(socket, buffer);
        var check = new EventCheck(Workload.OneBot, bytesOnly: !decode);
        var meter = Meter.Start();
        await socket.SendAsync(Encoding.UTF8.GetBytes(Workload.OneBotStatusRequest(0)), WebSocketMessageType.Text, true, CancellationToken.None);
        while (check.Seen < events)
        {
            var count = await ReceiveAsync(socket, buffer);
            var frame = buffer.AsSpan(0, count);
            if (decode)
            {
                // An event is a frame with a post_type key (how NoneBot, aiocqhttp and Koishi split them);
                // implementations put it near the end, so finding it means reading the frame's top level.
                if (!IsEvent(frame))
                {
                    _ = JsonSerializer.Deserialize(frame, ObJson.Default.ObResponse);
                    continue;
                }

                var decoded = JsonSerializer.Deserialize(frame, ObJson.Default.ObGroupMessageEvent)!;
                if (decoded.PostType != "message" || decoded.MessageType != "group")
                {
                    check.Fail($"event {check.Seen} is {decoded.PostType}/{decoded.MessageType}, not a group message");
                }

                if (check.SpotDue)
                {
                    check.Spot(Canonical(decoded));
                }

                check.Add(Print(decoded));
            }
            else
            {
                // The server's responses start with "status"; everything else it sends here is an event.
                if (frame.StartsWith(ResponsePrefix))
                {
                    continue;
                }

                if (check.SpotDue)
                {
                    check.SpotBytes(frame);
                }

                check.Add(count);
            }
        }

        var sample = meter.Stop(Name, "ingest", events, check.Valid(events), check.Note(events));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return sample;
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var socket = NewSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        await ReceiveAsync(socket, new byte[4096]);
        return decode
            ? Correlate(socket, EncodeStj, ReadResponseStj)
            : Correlate(socket, id => Encoded.Rent(Workload.OneBotRequest(id)), ReadResponseRaw);
    }

    /// <summary>Whether the frame's top-level object has a <c>post_type</c> key.</summary>
    private static bool IsEvent(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("post_type"u8))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
    }

    private static Encoded EncodeStj(long id)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new ObRequest("send_group_msg", new ObSendGroupParams(Workload.GroupTarget, [new ObTextSegment("text", new ObText(Workload.ReplyText))]), id.ToString(CultureInfo.InvariantCulture)), ObJson.Default.ObRequest);
        return new Encoded(bytes, bytes.Length, Pooled: false);
    }

    /// <summary>The least a client can do: the echo and the message id, read with the reader; events are skipped.</summary>
    private static (long Id, int MessageId) ReadResponseRaw(ReadOnlySpan<byte> frame)
    {
        if (!frame.StartsWith(ResponsePrefix))
        {
            return (-1, 0);
        }

        var reader = new Utf8JsonReader(frame);
        long id = -1;
        var messageId = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("echo"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || !Utf8Parser.TryParse(reader.ValueSpan, out id, out _))
                    {
                        id = -1;
                    }
                }
                else if (reader.ValueTextEquals("message_id"u8))
                {
                    reader.Read();
                    messageId = reader.GetInt32();
                }
            }
        }

        return (id, messageId);
    }

    /// <summary>Events are told apart by <c>post_type</c>; a response's echo is any JSON value, and only a
    /// string echo this client issued is matched; its data is read as the pending call's result type.</summary>
    private static (long Id, int MessageId) ReadResponseStj(ReadOnlySpan<byte> frame)
    {
        if (IsEvent(frame))
        {
            return (-1, 0);
        }

        var response = JsonSerializer.Deserialize(frame, ObJson.Default.ObResponse)!;
        if (response.Echo is not { ValueKind: JsonValueKind.String } echo || !long.TryParse(echo.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return (-1, 0);
        }

        var messageId = response.Status == "ok" && response.Data is { ValueKind: JsonValueKind.Object } data ? data.Deserialize(ObJson.Default.ObSentMessage)?.MessageId ?? 0 : 0;
        return (id, messageId);
    }

    private static long Print(ObGroupMessageEvent e)
    {
        long sum = 0;
        var segments = e.Message;
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            var data = s.Data!;
            sum += s.Type switch
            {
                "text" => Fingerprint.Text(data.Text!.Length),
                "at" => Fingerprint.At(long.Parse(data.Qq!, CultureInfo.InvariantCulture)),
                "face" => Fingerprint.Face(int.Parse(data.Id!, CultureInfo.InvariantCulture)),
                "image" => Fingerprint.Image(data.Url!.Length, long.Parse(data.FileSize!, CultureInfo.InvariantCulture)),
                "reply" => Fingerprint.Quote(int.Parse(data.Id!, CultureInfo.InvariantCulture), 0),
                _ => 0,
            };
        }

        var sender = e.Sender;
        return OneBotFrames.Print(e.MessageId, e.UserId, e.GroupId, sender.Nickname!, sender.Card!, e.GroupName!, e.RawMessage, segments.Length, sum);
    }

    private static string Canonical(ObGroupMessageEvent e)
    {
        var b = OneBotCanonical.Start(e.Sender.Nickname, e.Sender.Card, e.Sender.Role, e.GroupName);
        foreach (var s in e.Message)
        {
            _ = s.Type switch
            {
                "text" => b.Text(s.Data?.Text),
                "at" => b.At(s.Data?.Qq),
                "face" => b.Face(s.Data?.Id),
                "image" => b.Image(s.Data?.File, s.Data?.Url),
                "reply" => b.Reply(s.Data?.Id),
                _ => b.Other(s.Type),
            };
        }

        return b.ToString();
    }
}
