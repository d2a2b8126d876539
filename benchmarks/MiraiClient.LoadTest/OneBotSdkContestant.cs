using MiraiClient.OneBot;
using MiraiClient.Workloads;

namespace MiraiClient.LoadTest;

/// <summary>The SDK's OneBot v11 connection as a bot uses it: <c>await foreach</c> over typed group message
/// events, typed <c>send_group_msg</c> sends. The same proofs as <see cref="MiraiContestant"/>: every event's
/// fingerprint, every 1009th in full, nothing dropped.</summary>
internal sealed class OneBotSdkContestant : Contestant
{
    public override string Name => "onebot";

    public static OneBotConnectionOptions Options(Uri uri)
    {
        var options = new OneBotConnectionOptions { Uri = uri, AccessToken = "load-test" };
        Tune(options);
        return options;
    }

    /// <summary>The load test's settings, for a dialling connection and for each account of server mode alike.</summary>
    public static void Tune(OneBotConnectionOptions options)
    {
        options.EventBufferCapacity = MiraiContestant.Capacity;

        // As for MiraiConnection: the engine is measured, not the send pacing.
        options.SendRateLimit = new() { Enabled = false };
    }

    public override async Task<Sample> IngestAsync(Uri uri, long events)
    {
        await using var connection = new OneBotConnection(Options(uri));
        var subscription = connection.GetEventsAsync<GroupMessageEvent>();

        // The handshake (get_login_info) does not start the stream; the get_status call below does.
        await connection.ConnectAsync();
        return await IngestAsync(Name, connection, subscription, events, connection.DisposeAsync);
    }

    /// <summary>Consumes a stream on a connected connection: measured from the <c>get_status</c> call that starts it.</summary>
    /// <param name="abandon">Ends the enumeration when events went missing; <see langword="null"/> leaves it to
    /// the connection's owner (server mode: the host's shutdown).</param>
    public static async Task<Sample> IngestAsync(string name, IOneBotConnection connection, IAsyncEnumerable<GroupMessageEvent> subscription, long events, Func<ValueTask>? abandon)
    {
        var check = new EventCheck(Workload.OneBot, bytesOnly: false);
        var meter = Meter.Start();
        var consuming = Task.Run(async () =>
        {
            await foreach (var message in subscription)
            {
                if (check.SpotDue)
                {
                    check.Spot(Canonical(message));
                }

                check.Add(Print(message));
                if (check.Seen == events)
                {
                    break;
                }
            }
        });
        await connection.System.GetStatusAsync();

        // Dropped events never arrive: stop once the stream has been quiet for a while, and say so.
        long lastSeen = -1;
        while (!consuming.IsCompleted)
        {
            await Task.WhenAny(consuming, Task.Delay(2000));
            if (check.Seen == lastSeen)
            {
                break;
            }

            lastSeen = check.Seen;
        }

        var dropped = connection.DroppedEventCount;
        var complete = consuming.IsCompleted;
        var valid = complete && check.Valid(events) && dropped == 0;
        var sample = meter.Stop(name, "ingest", events, valid, $"{check.Note(events)}, {dropped} dropped, buffer {MiraiContestant.Capacity}");
        if (!complete && abandon is not null)
        {
            // The enumeration is still waiting; disposing the connection ends it.
            await abandon();
            await consuming;
        }

        return sample;
    }

    public override async Task<(Func<CancellationToken, Task> RoundTrip, Func<Task> Close)> ConnectEchoAsync(Uri uri)
    {
        var connection = new OneBotConnection(Options(uri));
        await connection.ConnectAsync();
        return (RoundTrip(connection), async () => await connection.DisposeAsync());
    }

    /// <summary>The measured call: a typed <c>send_group_msg</c>.</summary>
    public static Func<CancellationToken, Task> RoundTrip(IOneBotConnection connection)
    {
        OneBotMessage message = Workload.ReplyText;
        var messages = connection.Messages;
        return ct => messages.SendGroupMessageAsync(Workload.GroupTarget, message, ct);
    }

    private static long Print(GroupMessageEvent e)
    {
        long sum = 0;
        var segments = e.Message;
        for (var i = 0; i < segments.Count; i++)
        {
            sum += segments[i] switch
            {
                TextSegment text => Fingerprint.Text(text.Text.Length),
                AtSegment at => Fingerprint.At(at.UserId ?? -1),
                FaceSegment face => Fingerprint.Face(face.FaceId ?? -1),
                ImageSegment image => Fingerprint.Image(image.Url?.Length ?? -1, image.FileSize ?? -1),
                ReplySegment reply => Fingerprint.Quote((int)(reply.MessageId ?? -1), 0),
                _ => 0,
            };
        }

        var sender = e.Sender;
        return OneBotFrames.Print(e.MessageId, e.UserId, e.GroupId, sender.Nickname, sender.Card ?? "", e.GroupName ?? "", e.RawMessage, segments.Count, sum);
    }

    private static string Canonical(GroupMessageEvent e)
    {
        var b = OneBotCanonical.Start(e.Sender.Nickname, e.Sender.Card, e.Sender.Role, e.GroupName);
        foreach (var segment in e.Message)
        {
            _ = segment switch
            {
                TextSegment text => b.Text(text.Text),
                AtSegment at => b.At(at.Target),
                FaceSegment face => b.Face(face.Id),
                ImageSegment image => b.Image(image.File, image.Url),
                ReplySegment reply => b.Reply(reply.Id),
                _ => b.Other(segment.Type),
            };
        }

        return b.ToString();
    }
}
