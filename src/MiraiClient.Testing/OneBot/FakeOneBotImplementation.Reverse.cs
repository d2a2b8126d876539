using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MiraiClient.Testing.OneBot;

/// <summary>Reverse WebSocket: the fake dials a server, with a hand-written upgrade so the request carries
/// exactly the profile's headers and the socket runs over the same freezable stream as forward ones.</summary>
public sealed partial class FakeOneBotImplementation
{
    private static readonly TimeSpan DialWait = TimeSpan.FromSeconds(10);

    /// <summary>Starts dialling a reverse-WebSocket server and waits (up to 10 s) until every socket is open.</summary>
    /// <param name="uri">The server's URL (<c>ws://</c>), for example <c>ws://127.0.0.1:8080/onebot/v11/ws</c>.</param>
    /// <param name="options">Roles, event URL, reconnect interval and upgrade deadline (default: the profile's, Universal).</param>
    /// <param name="cancellationToken">Cancels the wait (the dialling is stopped then).</param>
    /// <returns>The running reverse client; it keeps redialling after drops until disposed.</returns>
    /// <exception cref="ArgumentException">The URL is not <c>ws://</c>.</exception>
    /// <exception cref="NotSupportedException">Split roles were asked of a profile that dials Universal only (NapCat, LLBot).</exception>
    /// <exception cref="TimeoutException">The sockets did not open within 10 s; the message lists the attempts.
    /// Use <see cref="StartDialing"/> to watch failing attempts instead.</exception>
    public async Task<FakeOneBotReverseClient> DialAsync(Uri uri, FakeOneBotDialOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = StartDialing(uri, options);
        try
        {
            await client.WaitForConnectedAsync(DialWait).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.StopAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    /// <summary>Starts dialling a reverse-WebSocket server without waiting, for tests that watch attempts
    /// fail (wrong token, slow upgrade) or a server that starts later.</summary>
    /// <param name="uri">The server's URL (<c>ws://</c>).</param>
    /// <param name="options">Roles, event URL, reconnect interval and upgrade deadline (default: the profile's, Universal).</param>
    /// <returns>The running reverse client.</returns>
    /// <exception cref="ArgumentException">A URL is not <c>ws://</c>.</exception>
    /// <exception cref="NotSupportedException">Split roles were asked of a profile that dials Universal only (NapCat, LLBot).</exception>
    public FakeOneBotReverseClient StartDialing(Uri uri, FakeOneBotDialOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
        options ??= new FakeOneBotDialOptions();
        CheckScheme(uri, nameof(uri));
        var split = options.Roles == FakeOneBotReverseRoles.ApiAndEvent;
        if (split && _rules.ApiRole is null)
        {
            throw new NotSupportedException($"{_rules.Profile} dials one Universal socket only; split API and Event sockets are a Lagrange and go-cqhttp feature.");
        }

        var eventUri = split ? options.EventUri ?? uri : null;
        if (eventUri is not null)
        {
            CheckScheme(eventUri, nameof(options));
        }

        var deadline = options.UpgradeTimeout is { } given ? (given == Timeout.InfiniteTimeSpan ? (TimeSpan?)null : given) : _rules.UpgradeDeadline;
        var client = new FakeOneBotReverseClient(this, uri, eventUri, options.Roles, options.ReconnectInterval ?? _rules.DefaultReconnect, deadline);
        lock (_gate)
        {
            _dialers.Add(client);
        }

        if (split)
        {
            client.AddLoop(Track(DialLoopAsync(client, uri, _rules.ApiRole!, FakeOneBotEndpoint.Api, carriesEvents: false, LinkReads.Execute)));
            client.AddLoop(Track(DialLoopAsync(client, eventUri!, "Event", FakeOneBotEndpoint.Event, carriesEvents: true, LinkReads.Ignore)));
        }
        else
        {
            client.AddLoop(Track(DialLoopAsync(client, uri, "Universal", FakeOneBotEndpoint.Universal, carriesEvents: true, LinkReads.Execute)));
        }

        return client;
    }

    private static void CheckScheme(Uri uri, string parameter)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "http"))
        {
            throw new ArgumentException($"The fake dials plain ws:// URLs only, not '{uri}'.", parameter);
        }
    }

    /// <summary>Closes a stopped client's sockets and forgets it.</summary>
    internal async Task StopDialerAsync(FakeOneBotReverseClient client)
    {
        lock (_gate)
        {
            _dialers.Remove(client);
        }

        await Task.WhenAll(_links.Values.Where(l => l.Dialer == client).Select(l => l.CloseAsync(WebSocketCloseStatus.NormalClosure, ""))).ConfigureAwait(false);
        Signal();
    }

    private async Task DialLoopAsync(FakeOneBotReverseClient client, Uri uri, string role, FakeOneBotEndpoint endpoint, bool carriesEvents, LinkReads reads)
    {
        var stop = client.Stopping;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // A frozen or restarting implementation dials nothing.
                await UpAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var (link, attempt) = await AttemptAsync(client, uri, role, endpoint, carriesEvents, reads, stop).ConfigureAwait(false);
            if (attempt is not null)
            {
                client.Record(attempt);
                Signal();
            }

            if (link is not null)
            {
                client.Opened();
                try
                {
                    await RunLinkAsync(link, reverse: true).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The server dropped the socket, or the fake is stopping: redial below (or stop).
                }
                catch (Exception ex)
                {
                    RecordUnexpected(ex);
                }
                finally
                {
                    client.Closed();
                    link.Transport.Dispose();
                    link.Dispose();
                    Signal();
                }
            }

            try
            {
                await Task.Delay(client.ReconnectInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One attempt: TCP connect and upgrade within the deadline. Never throws; a stop returns no attempt.</summary>
    private async Task<(OneBotLink? Link, FakeOneBotDialAttempt? Attempt)> AttemptAsync(
        FakeOneBotReverseClient client, Uri uri, string role, FakeOneBotEndpoint endpoint, bool carriesEvents, LinkReads reads, CancellationToken stop)
    {
        var tcp = new TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (client.UpgradeTimeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        FakeOneBotDialAttempt Failed(int status, string error) => new(role, uri, Elapsed, status, error);
        try
        {
            await tcp.ConnectAsync(uri.Host, uri.Port, deadline.Token).ConfigureAwait(false);
            tcp.NoDelay = true;
            var stream = new FreezableStream(tcp.GetStream(), Gate);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(UpgradeRequest(uri, role, key)), deadline.Token).ConfigureAwait(false);
            var (status, headers) = await ReadResponseHeadAsync(stream, deadline.Token).ConfigureAwait(false);
            if (status != 101)
            {
                tcp.Dispose();
                return (null, Failed(status, $"the server answered HTTP {status.ToString(CultureInfo.InvariantCulture)}"));
            }

            // RFC 6455 fixes SHA-1 for the accept key; it is not used for security here.
#pragma warning disable CA5350
            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
#pragma warning restore CA5350
            if (headers.GetValueOrDefault("Sec-WebSocket-Accept") != expected)
            {
                tcp.Dispose();
                return (null, Failed(101, "the server's Sec-WebSocket-Accept is wrong"));
            }

            var transport = new FakeConnection(tcp, stream)
            {
                Socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero }),
            };
            var link = new OneBotLink(Interlocked.Increment(ref _nextLinkId), transport, stream, endpoint, carriesEvents, reads, client);
            return (link, new FakeOneBotDialAttempt(role, uri, Elapsed, 101, null));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            tcp.Dispose();
            return (null, null);
        }
        catch (OperationCanceledException)
        {
            tcp.Dispose();
            return (null, Failed(0, $"the upgrade did not complete within {client.UpgradeTimeout!.Value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms (opening handshake timed out)"));
        }
        catch (Exception ex)
        {
            // Refused, reset, unresolvable or garbled: every failure is an attempt the test can read.
            tcp.Dispose();
            return (null, Failed(0, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <summary>The upgrade request with the profile's headers (ONEBOT11.md §1.4; vectors <c>transport/</c>).</summary>
    private string UpgradeRequest(Uri uri, string role, string key)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"GET {uri.PathAndQuery} HTTP/1.1\r\n");
        builder.Append(CultureInfo.InvariantCulture, $"Host: {uri.Authority}\r\n");
        builder.Append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        builder.Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n");
        builder.Append(CultureInfo.InvariantCulture, $"X-Self-ID: {SelfId.ToString(CultureInfo.InvariantCulture)}\r\n");
        builder.Append(CultureInfo.InvariantCulture, $"{_rules.RoleHeader}: {role}\r\n");
        if (_token is not null || _rules.AlwaysSendsAuthorization)
        {
            // NapCat, LLBot and Lagrange send "Bearer " even without a token.
            builder.Append(CultureInfo.InvariantCulture, $"Authorization: {_rules.AuthScheme} {_token}\r\n");
        }

        builder.Append(CultureInfo.InvariantCulture, $"User-Agent: {_rules.UserAgent}\r\n\r\n");
        return builder.ToString();
    }

    /// <summary>Reads the response head one byte at a time, so a frame sent right after the 101 stays in the stream.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadResponseHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (head.Count >= 16 * 1024)
            {
                throw new FormatException("The server's response head is longer than 16 KiB.");
            }

            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("The server closed the connection before answering the upgrade.");
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var statusLine = lines[0].Split(' ');
        if (statusLine.Length < 2 || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new FormatException($"The server's status line is not HTTP: {lines[0]}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (status, headers);
    }
}
