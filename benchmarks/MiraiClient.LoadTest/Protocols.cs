using System.Globalization;
using System.Text;
using System.Text.Json;
using MiraiClient.Workloads;

namespace MiraiClient.LoadTest;

/// <summary>What the server speaks for one protocol: the frame it greets a connection with, the event
/// frames it streams, and the reply to each request. Adding a protocol means one of these on the server
/// side and one <see cref="Family"/> of contestants on the client side.</summary>
internal abstract class ServerProtocol
{
    /// <summary>Gets the first path segment of this protocol's endpoints.</summary>
    public abstract string Route { get; }

    /// <summary>Gets the frame sent right after the WebSocket handshake.</summary>
    public abstract byte[] Greeting { get; }

    /// <summary>Gets the frame sent right after dialling a contestant that hosts the SDK's server mode, or
    /// <see langword="null"/> when the implementation waits for the bot to speak first.</summary>
    public abstract byte[]? ReverseGreeting { get; }

    /// <summary>Gets the account the implementation names when it dials (<c>X-Self-ID</c>); the replies confirm it.</summary>
    public abstract long Account { get; }

    /// <summary>Gets the event frames, streamed in order and then from the start again.</summary>
    public abstract EventFrames Events { get; }

    /// <summary>Writes the reply to one request into <paramref name="output"/>.</summary>
    /// <param name="counter">Per-connection state: the last message id handed out.</param>
    /// <returns>The reply's length, or 0 to send nothing.</returns>
    public abstract int Reply(ReadOnlySpan<byte> request, byte[] output, ref int counter);

    /// <summary>Whether this request starts a stream (the ones before it are only answered): a client's own
    /// handshake call must not start the clock before the client is ready to measure.</summary>
    public virtual bool StartsStream(ReadOnlySpan<byte> request) => true;

    public static ServerProtocol For(string route) => route switch
    {
        "m" => MiraiProtocol.Instance,
        "o" => OneBotProtocol.Instance,
        _ => throw new ArgumentException($"unknown protocol route {route}"),
    };
}

/// <summary>mirai-api-http v2 over WebSocket: requests and replies correlated by <c>syncId</c>, events
/// with <c>syncId</c> "-1".</summary>
internal sealed class MiraiProtocol : ServerProtocol
{
    public static readonly MiraiProtocol Instance = new();

    public override string Route => "m";

    public override byte[] Greeting => Workload.Handshake;

    /// <summary>mirai-api-http's reverse-ws adapter says nothing until the bot sends <c>verify</c>.</summary>
    public override byte[]? ReverseGreeting => null;

    public override long Account => 10001;

    public override EventFrames Events => Workload.Mirai;

    /// <summary>Any command but <c>verify</c>, which the SDK's server mode sends as its handshake on every
    /// socket the implementation opens.</summary>
    public override bool StartsStream(ReadOnlySpan<byte> request) => request.IndexOf("\"command\":\"verify\""u8) < 0;

    public override int Reply(ReadOnlySpan<byte> request, byte[] output, ref int counter)
    {
        var reader = new Utf8JsonReader(request);
        string syncId = "", command = "";
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("syncId"u8))
            {
                reader.Read();
                syncId = reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("command"u8))
            {
                reader.Read();
                command = reader.GetString() ?? "";
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var text = command switch
        {
            "about" => "{\"syncId\":\"" + syncId + "\",\"data\":{\"code\":0,\"msg\":\"\",\"data\":{\"version\":\"2.10.0\"}}}",

            // Reverse-ws: the session handshake comes as the reply to verify, enveloped with its sync id.
            "verify" => "{\"syncId\":\"" + syncId + "\",\"data\":{\"code\":0,\"session\":\"LoadTestSession\"}}",
            _ => "{\"syncId\":\"" + syncId + "\",\"data\":{\"code\":0,\"msg\":\"success\",\"messageId\":" + (++counter).ToString(CultureInfo.InvariantCulture) + "}}",
        };
        return Encoding.UTF8.GetBytes(text, output);
    }
}

/// <summary>OneBot v11 on a forward WebSocket's universal path: actions answered in NapCat's response
/// shape with the request's <c>echo</c> copied back as it was sent (any JSON value), events pushed
/// between them.</summary>
internal sealed class OneBotProtocol : ServerProtocol
{
    public static readonly OneBotProtocol Instance = new();

    public override string Route => "o";

    public override byte[] Greeting => Workload.OneBotGreeting;

    /// <summary>Implementations send the same lifecycle event when they dial the bot.</summary>
    public override byte[]? ReverseGreeting => Workload.OneBotGreeting;

    /// <summary>The <c>user_id</c> of the <c>get_login_info</c> reply, which server mode checks against <c>X-Self-ID</c>.</summary>
    public override long Account => 10001000;

    public override EventFrames Events => Workload.OneBot;

    /// <summary>Any action but <c>get_login_info</c>, which the SDK's connection calls as its handshake on every
    /// new socket; the hand-written contestants start the stream with <c>get_status</c>.</summary>
    public override bool StartsStream(ReadOnlySpan<byte> request)
    {
        var reader = new Utf8JsonReader(request);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    return !reader.ValueTextEquals("get_login_info"u8);
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return true;
    }

    public override int Reply(ReadOnlySpan<byte> request, byte[] output, ref int counter)
    {
        var reader = new Utf8JsonReader(request);
        var action = "";
        ReadOnlySpan<byte> echo = default;
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    action = reader.GetString() ?? "";
                }
                else if (reader.ValueTextEquals("echo"u8))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    echo = request[start..(int)reader.BytesConsumed];
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // As NapCat: an unparsable frame gets 1400 with a null echo.
            return Write(output, "{\"status\":\"failed\",\"retcode\":1400,\"data\":null,\"message\":\"bad request\",\"wording\":\"bad request\",\"echo\":null}", default);
        }

        var head = action switch
        {
            "send_group_msg" or "send_msg" => "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"message_id\":" + (1_600_000_000 + ++counter).ToString(CultureInfo.InvariantCulture) + "},\"message\":\"\",\"wording\":\"\",\"echo\":",
            "get_login_info" => "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"user_id\":10001000,\"nickname\":\"LoadTestBot\"},\"message\":\"\",\"wording\":\"\",\"echo\":",
            "get_status" => "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"online\":true,\"good\":true},\"message\":\"\",\"wording\":\"\",\"echo\":",
            _ => "{\"status\":\"failed\",\"retcode\":1404,\"data\":null,\"message\":\"unknown action\",\"wording\":\"unknown action\",\"echo\":",
        };
        return Write(output, head, echo);
    }

    private static int Write(byte[] output, string head, ReadOnlySpan<byte> echo)
    {
        var length = Encoding.UTF8.GetBytes(head, output);
        if (head.EndsWith(':'))
        {
            // NapCat answers "" for a request that carried no echo.
            var value = echo.IsEmpty ? "\"\""u8 : echo;
            value.CopyTo(output.AsSpan(length));
            length += value.Length;
            length += Encoding.UTF8.GetBytes(",\"stream\":\"normal-action\"}", output.AsSpan(length));
        }

        return length;
    }
}
