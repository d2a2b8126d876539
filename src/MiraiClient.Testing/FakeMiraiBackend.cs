using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MiraiClient.Testing;

/// <summary>
/// An in-process fake mirai-api-http v2 WebSocket server on 127.0.0.1, for testing bots without a
/// real server or QQ account.
/// </summary>
/// <remarks>
/// <para>It behaves as the 2.10 server does where a client can tell: the upgrade always answers 101;
/// the verify key and <c>qq</c> are checked afterwards and a failure is reported in a handshake
/// frame followed by Close 1000; events carry the reserved sync id; replies echo the request's sync
/// id as a string; an undecodable request gets a bare <c>{"code":400}</c> with no sync id; unknown
/// commands get code 6; commands on one connection are handled one at a time.</para>
/// <para>Script it from a test: <see cref="PushEventAsync"/> sends events, <c>Handle</c>
/// sets replies, <see cref="ReceivedCommands"/> shows what arrived, and the fault methods
/// (<see cref="AbortConnections"/>, <see cref="CloseConnectionsAsync"/>, <see cref="Freeze"/>,
/// <see cref="StopListening"/>, <see cref="RestartAsync"/>, <see cref="SendHandshake"/>) break things.</para>
/// </remarks>
public sealed class FakeMiraiBackend : IAsyncDisposable
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly TimeSpan UpgradeTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeMiraiBackendOptions _options;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly ConcurrentDictionary<string, Func<ReceivedCommand, Task<CommandReply>>> _handlers = new(StringComparer.Ordinal);
    private readonly List<ReceivedCommand> _received = [];
    private readonly List<TimeSpan> _acceptTimes = [];
    private readonly List<ReceivedUpload> _uploads = [];
    private readonly object _gate = new();
    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _thawed = Background.OpenGate();
    private readonly RestartableListener _listening;
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextConnectionId;
    private int _nextMessageId;
    private int _handshakes;

    private FakeMiraiBackend(FakeMiraiBackendOptions options)
    {
        _options = options;
        _listening = new RestartableListener(options.Address, options.Port);
    }

    /// <summary>Gets the port the backend listens on.</summary>
    public int Port => _listening.Port;

    /// <summary>Gets the address to give a client, for example <c>ws://127.0.0.1:12345</c>.</summary>
    public Uri Uri => new($"{(_options.Certificate is null ? "ws" : "wss")}://{_options.Address}:{Port}");

    /// <summary>Gets the number of open, authenticated connections.</summary>
    public int ConnectionCount => _connections.Values.Count(c => c.Authenticated);

    /// <summary>Gets the number of TCP connections accepted so far.</summary>
    public int AcceptCount
    {
        get
        {
            lock (_gate)
            {
                return _acceptTimes.Count;
            }
        }
    }

    /// <summary>Gets the number of successful handshakes so far.</summary>
    public int HandshakeCount => Volatile.Read(ref _handshakes);

    /// <summary>Gets when each TCP connection was accepted, measured from the backend's start.</summary>
    public IReadOnlyList<TimeSpan> AcceptTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _acceptTimes];
            }
        }
    }

    /// <summary>Gets every request received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedCommand> ReceivedCommands
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Gets or sets whether the backend sends the handshake frame after authenticating
    /// (default: <see langword="true"/>). <see langword="false"/> imitates a server that upgrades
    /// the socket and then says nothing.</summary>
    public bool SendHandshake { get; set; } = true;

    /// <summary>Gets or sets a delay applied before every reply (default: none).</summary>
    public TimeSpan ReplyDelay { get; set; }

    /// <summary>Starts a backend on 127.0.0.1.</summary>
    /// <param name="options">The configuration (default: no verify key, one bot 10001, ephemeral port).</param>
    /// <returns>The running backend.</returns>
    public static Task<FakeMiraiBackend> StartAsync(FakeMiraiBackendOptions? options = null)
    {
        var backend = new FakeMiraiBackend(options ?? new FakeMiraiBackendOptions());
        backend.StartListening();
        return Task.FromResult(backend);
    }

    /// <summary>Forgets the requests and uploads received so far (long-running tests keep memory flat this way).</summary>
    public void ClearReceived()
    {
        lock (_gate)
        {
            _received.Clear();
            _uploads.Clear();
        }
    }

    /// <summary>Sets how one command is answered, replacing the built-in answer.</summary>
    /// <param name="command">The command word; for commands with a sub-command, <c>command.sub</c> (for example <c>groupConfig.get</c>).</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string command, Func<ReceivedCommand, CommandReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[command] = c => Task.FromResult(handler(c));
    }

    /// <summary>Sets how one command is answered, with an asynchronous handler.</summary>
    /// <param name="command">The command word (or <c>command.sub</c>).</param>
    /// <param name="handler">Makes the reply from the request.</param>
    public void Handle(string command, Func<ReceivedCommand, Task<CommandReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[command] = handler;
    }

    /// <summary>Starts accepting connections (again) on <see cref="Port"/>.</summary>
    public void StartListening()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            if (_listening.Start(AcceptLoopAsync) is { } loop)
            {
                _acceptLoop = Track(loop);
            }
        }
    }

    /// <summary>Stops accepting connections; new ones are refused. Open connections stay open.</summary>
    public void StopListening() => _listening.Stop();

    /// <summary>Drops every connection with a TCP reset, as a crashed server does (clients see 1006).</summary>
    public void AbortConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }

    /// <summary>Closes every connection with the given close status.</summary>
    /// <param name="status">The close status.</param>
    /// <param name="reason">The close reason.</param>
    /// <returns>A task that completes when the close frames were sent.</returns>
    public Task CloseConnectionsAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        return Task.WhenAll(_connections.Values.Select(c => c.CloseAsync(status, reason)));
    }

    /// <summary>Crashes and restarts: resets every connection, refuses connections for
    /// <paramref name="downtime"/>, then listens on the same port again.</summary>
    /// <param name="downtime">How long the backend is down.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the backend listens again.</returns>
    public async Task RestartAsync(TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        StopListening();
        AbortConnections();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime, cancellationToken).ConfigureAwait(false);
        }

        StartListening();
    }

    /// <summary>Freezes every connection, as a stopped process would be: nothing is read, written or
    /// answered (not even WebSocket pings) until <see cref="Thaw"/>. New connections are frozen too.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends a <see cref="Freeze"/>.</summary>
    public void Thaw()
    {
        lock (_gate)
        {
            _thawed.TrySetResult();
        }
    }

    /// <summary>Pushes an event to every authenticated connection, wrapped in the event envelope.</summary>
    /// <param name="eventJson">The event object, for example <c>{"type":"BotOnlineEvent","qq":1}</c>.</param>
    /// <returns>A task that completes when the event was written to every connection.</returns>
    public Task PushEventAsync(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        var frame = $"{{\"syncId\":{JsonSerializer.Serialize(_options.ReservedSyncId, TestingJsonContext.Default.String)},\"data\":{eventJson}}}";
        return SendRawAsync(frame);
    }

    /// <summary>Pushes a group message with one text element.</summary>
    /// <param name="group">The group number.</param>
    /// <param name="sender">The sender's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message id given to it.</returns>
    public async Task<int> PushGroupMessageAsync(long group, long sender, string text)
    {
        var id = Interlocked.Increment(ref _nextMessageId);
        await PushEventAsync(EventJson.GroupMessage(id, group, sender, text)).ConfigureAwait(false);
        return id;
    }

    /// <summary>Pushes a friend message with one text element.</summary>
    /// <param name="friend">The friend's QQ number.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message id given to it.</returns>
    public async Task<int> PushFriendMessageAsync(long friend, string text)
    {
        var id = Interlocked.Increment(ref _nextMessageId);
        await PushEventAsync(EventJson.FriendMessage(id, friend, text)).ConfigureAwait(false);
        return id;
    }

    /// <summary>Sends a text frame as is to every authenticated connection (for malformed-frame tests).</summary>
    /// <param name="text">The frame text.</param>
    /// <returns>A task that completes when it was written to every connection.</returns>
    public Task SendRawAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Task.WhenAll(_connections.Values.Where(c => c.Authenticated).Select(c => c.SendAsync(bytes)));
    }

    /// <summary>Waits until a request matching <paramref name="predicate"/> has arrived.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitUntilAsync(() => ReceivedCommands.FirstOrDefault(predicate), timeout, "a matching command");
    }

    /// <summary>Waits up to 10 s until a request matching <paramref name="predicate"/> has arrived.</summary>
    /// <param name="predicate">The condition.</param>
    /// <returns>The first matching request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(Func<ReceivedCommand, bool> predicate) =>
        WaitForCommandAsync(predicate, TimeSpan.FromSeconds(10));

    /// <summary>Waits up to 10 s until a request with the given command word has arrived.</summary>
    /// <param name="command">The command word.</param>
    /// <returns>The first such request.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public Task<ReceivedCommand> WaitForCommandAsync(string command) =>
        WaitForCommandAsync(c => c.Command == command, TimeSpan.FromSeconds(10));

    /// <summary>Waits until at least <paramref name="count"/> handshakes have succeeded in total.</summary>
    /// <param name="count">The number of handshakes.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForHandshakesAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => HandshakeCount >= count ? (object)true : null, timeout, $"{count} handshakes");

    /// <summary>Waits until exactly <paramref name="count"/> authenticated connections are open.</summary>
    /// <param name="count">The number of connections.</param>
    /// <param name="timeout">How long to wait (default: 10 s).</param>
    /// <returns>A task that completes when reached.</returns>
    public Task WaitForConnectionCountAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ConnectionCount == count ? (object)true : null, timeout, $"{count} open connections");

    /// <summary>Stops the backend and drops every connection.</summary>
    /// <returns>A task that completes when every connection task has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        StopListening();
        Thaw();
        AbortConnections();
        await Background.WaitBoundedAsync(_tasks.Keys).ConfigureAwait(false);

        _lifetime.Dispose();
    }

    private static string NewSessionKey()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(8, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static string Handshake(int code, string? session, string? message) =>
        code == 0
            ? $"{{\"syncId\":\"\",\"data\":{{\"code\":0,\"session\":\"{session}\"}}}}"
            : $"{{\"syncId\":\"\",\"data\":{{\"code\":{code},\"msg\":{JsonSerializer.Serialize(message ?? "", TestingJsonContext.Default.String)}}}}}";

    private Task Gate()
    {
        lock (_gate)
        {
            return _thawed.Task;
        }
    }

    private Task Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        _ = task.ContinueWith(t => _tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private async Task<T> WaitUntilAsync<T>(Func<T?> probe, TimeSpan? timeout, string what)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (probe() is { } found)
            {
                return found;
            }

            var left = TimeSpan.FromSeconds((deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The fake backend did not see {what} within {limit.TotalSeconds:0.###} s.");
            }

            // A state change signals; the short cap also covers counts that drop without a signal.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_lifetime.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            lock (_gate)
            {
                _acceptTimes.Add(System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt));
            }

            _ = Track(ServeAsync(id, client));
        }
    }

    private async Task ServeAsync(int id, TcpClient client)
    {
        client.NoDelay = true;
        Stream transport = client.GetStream();
        using var connection = new Connection(client, transport);
        _connections[id] = connection;
        try
        {
            if (_options.Certificate is { } certificate)
            {
                var tls = new System.Net.Security.SslStream(transport, leaveInnerStreamOpen: false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                handshake.CancelAfter(UpgradeTimeout);
                await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }, handshake.Token).ConfigureAwait(false);
                transport = tls;
            }

            var stream = new FreezableStream(transport, Gate);
            var request = await ReadUpgradeAsync(stream).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            connection.Socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            var (code, message) = Authenticate(request);
            if (code != 0)
            {
                await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(code, null, message))).ConfigureAwait(false);
                await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, message).ConfigureAwait(false);
                return;
            }

            connection.Authenticated = true;
            connection.SessionKey = NewSessionKey();

            // Count before sending: a client may act on the frame before this method resumes.
            Interlocked.Increment(ref _handshakes);
            Signal();
            if (SendHandshake)
            {
                await connection.SendAsync(Encoding.UTF8.GetBytes(Handshake(0, connection.SessionKey, null))).ConfigureAwait(false);
            }

            await CommandLoopAsync(id, connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The peer went away, refused our certificate, or the backend is stopping: all end this connection quietly.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            Signal();
        }
    }

    private async Task<UpgradeRequest?> ReadUpgradeAsync(Stream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(UpgradeTimeout);
        var buffer = new byte[16 * 1024];
        var count = 0;
        int end;
        while ((end = buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (count == buffer.Length)
            {
                return null;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(count), timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            count += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        if (requestLine.Length >= 2 && requestLine[0] == "POST")
        {
            var leftover = buffer.AsSpan(end + 4, count - end - 4).ToArray();
            await ServeHttpAsync(stream, requestLine[1], headers, leftover, timeout.Token).ConfigureAwait(false);
            return null;
        }

        if (requestLine.Length < 2 || requestLine[0] != "GET" || !headers.TryGetValue("Sec-WebSocket-Key", out var key))
        {
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            return null;
        }

        var target = requestLine[1];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question >= 0 ? target[..question] : target;
        var query = question >= 0 ? ParseQuery(target[(question + 1)..]) : [];
        if (!(path.EndsWith("/all", StringComparison.Ordinal) || path.EndsWith("/message", StringComparison.Ordinal) || path.EndsWith("/event", StringComparison.Ordinal)))
        {
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            return null;
        }

        // RFC 6455 fixes SHA-1 for the accept key; it is not used for security here.
#pragma warning disable CA5350
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
#pragma warning restore CA5350
        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token).ConfigureAwait(false);
        return new UpgradeRequest(path, headers, query);
    }

    /// <summary>Gets every HTTP upload received so far.</summary>
    public IReadOnlyList<ReceivedUpload> ReceivedUploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _uploads];
            }
        }
    }

    private static async Task<byte[]> ReadBodyAsync(Stream stream, Dictionary<string, string> headers, byte[] leftover, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        body.Write(leftover);
        var buffer = new byte[64 * 1024];
        if (headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length))
        {
            while (body.Length < length)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                body.Write(buffer, 0, read);
            }

            return body.ToArray();
        }

        // Chunked: read until the terminating zero-length chunk, then decode.
        while (body.Length < 5 || !body.GetBuffer().AsSpan(0, (int)body.Length).EndsWith("0\r\n\r\n"u8))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            body.Write(buffer, 0, read);
        }

        var raw = body.ToArray();
        var decoded = new MemoryStream();
        var position = 0;
        while (position < raw.Length)
        {
            var lineEnd = raw.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = int.Parse(Encoding.ASCII.GetString(raw, position, lineEnd).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            decoded.Write(raw, position, size);
            position += size + 2;
        }

        return decoded.ToArray();
    }

    private static (Dictionary<string, string> Fields, Dictionary<string, (string, byte[])> Files) ParseMultipart(byte[] body, string contentType)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        var boundaryAt = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (boundaryAt < 0)
        {
            return (fields, files);
        }

        var delimiter = Encoding.ASCII.GetBytes("--" + contentType[(boundaryAt + 9)..].Trim('"'));
        var position = body.AsSpan().IndexOf(delimiter);
        while (position >= 0)
        {
            var start = position + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8))
            {
                break;
            }

            start += 2;
            var next = body.AsSpan(start).IndexOf(delimiter);
            if (next < 0)
            {
                break;
            }

            var part = body.AsSpan(start, next - 2);
            var headEnd = part.IndexOf("\r\n\r\n"u8);
            var head = Encoding.UTF8.GetString(part[..headEnd]);
            var content = part[(headEnd + 4)..].ToArray();
            string? Attribute(string name)
            {
                var at = head.IndexOf(name + "=", StringComparison.OrdinalIgnoreCase);
                if (at < 0)
                {
                    return null;
                }

                var value = head[(at + name.Length + 1)..];
                var stop = value.IndexOfAny([';', '\r', '\n']);
                return (stop < 0 ? value : value[..stop]).Trim().Trim('"');
            }

            if (Attribute("name") is { } field)
            {
                if (Attribute("filename") is { } fileName)
                {
                    files[field] = (fileName, content);
                }
                else
                {
                    fields[field] = Encoding.UTF8.GetString(content);
                }
            }

            position = start + next;
        }

        return (fields, files);
    }

    private async Task ServeHttpAsync(Stream stream, string target, Dictionary<string, string> headers, byte[] leftover, CancellationToken cancellationToken)
    {
        var route = target.Split('?')[0];
        string status = "200 OK", reply;
        var known = route is "/uploadImage" or "/uploadVoice" or "/uploadShortVideo" or "/file/upload";
        if (!_options.ServeUploads || !known)
        {
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(stream, headers, leftover, cancellationToken).ConfigureAwait(false);
        var (fields, files) = ParseMultipart(body, headers.GetValueOrDefault("Content-Type") ?? "");
        lock (_gate)
        {
            _uploads.Add(new ReceivedUpload(route, fields, files.ToDictionary(f => f.Key, f => f.Value)));
        }

        Signal();
        var sessionKey = fields.GetValueOrDefault("sessionKey");
        var id = Guid.NewGuid().ToString("N").ToUpperInvariant();
        if (sessionKey is null || !_connections.Values.Any(c => c.SessionKey == sessionKey))
        {
            reply = "{\"code\":3,\"msg\":\"Session失效或不存在\"}";
        }
        else
        {
            reply = route switch
            {
                "/uploadImage" => $"{{\"imageId\":\"{{{id}}}.mirai\",\"url\":\"http://127.0.0.1/{id}\"}}",
                "/uploadVoice" => $"{{\"voiceId\":\"{id}.amr\"}}",
                "/uploadShortVideo" => $"{{\"videoId\":\"{id}\"}}",
                _ => $"{{\"code\":0,\"msg\":\"\",\"data\":{{\"name\":\"{files.Values.FirstOrDefault().Item1}\",\"id\":\"/{id}\",\"path\":\"/{files.Values.FirstOrDefault().Item1}\",\"parent\":null,\"contact\":{{\"id\":{fields.GetValueOrDefault("target") ?? "0"},\"name\":\"g\",\"permission\":\"MEMBER\"}},\"isFile\":true,\"isDictionary\":false,\"isDirectory\":false,\"size\":{files.Values.FirstOrDefault().Item2?.Length ?? 0}}}}}",
            };
        }

        var bytes = Encoding.UTF8.GetBytes(reply);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return result;
    }

    private (int Code, string? Message) Authenticate(UpgradeRequest request)
    {
        string? Parameter(string name) =>
            request.Headers.TryGetValue(name, out var header) ? header : request.Query.GetValueOrDefault(name);

        if (_options.VerifyKey is { } expected && Parameter("verifyKey") != expected)
        {
            return (1, "Auth Key错误");
        }

        if (_options.SingleMode)
        {
            return (0, null);
        }

        if (!long.TryParse(Parameter("qq"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var qq))
        {
            return (400, "无效参数");
        }

        return _options.Bots.Contains(qq) ? (0, null) : (2, "指定Bot不存在");
    }

    private async Task CommandLoopAsync(int id, Connection connection)
    {
        var socket = connection.Socket!;
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Echo the client's close, as the server does.
                    await connection.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "").ConfigureAwait(false);
                    return;
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            var command = Parse(id, text);
            if (command is null)
            {
                await connection.SendAsync("{\"code\":400,\"msg\":\"无效参数\"}"u8.ToArray()).ConfigureAwait(false);
                continue;
            }

            lock (_gate)
            {
                _received.Add(command);
            }

            Signal();
            var reply = MissingKeys(command) ?? await AnswerAsync(command, connection).ConfigureAwait(false);
            var delay = ReplyDelay + reply.Delay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
            }

            if (reply.DataJson is { } data)
            {
                var syncId = command.SyncId is null ? "null" : JsonSerializer.Serialize(command.SyncId, TestingJsonContext.Default.String);
                await connection.SendAsync(Encoding.UTF8.GetBytes($"{{\"syncId\":{syncId},\"data\":{data}}}")).ConfigureAwait(false);
            }
        }
    }

    private static ReceivedCommand? Parse(int connectionId, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("syncId", out var syncId)
                || !root.TryGetProperty("command", out var command)
                || command.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var syncIdText = syncId.ValueKind switch
            {
                JsonValueKind.String => syncId.GetString(),
                JsonValueKind.Number => syncId.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw new JsonException("syncId"),
            };
            var subCommand = root.TryGetProperty("subCommand", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
            var content = root.TryGetProperty("content", out var c) ? c.Clone() : default;
            return new ReceivedCommand(connectionId, syncIdText, command.GetString()!, subCommand, content, text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The keys the 2.10 server requires even when their value may be null; a missing one gets 400.</summary>
    private static readonly Dictionary<string, string[]> RequiredKeys = new(StringComparer.Ordinal)
    {
        ["roamingMessages"] = ["timeStart", "timeEnd", "target", "qq", "group"],
        ["latestMemberList"] = ["target", "memberIds"],
        ["setEssence"] = ["target", "messageId"],
        ["messageFromId"] = ["target", "messageId"],
        ["recall"] = ["target", "messageId"],
        ["resp_newFriendRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["resp_memberJoinRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["resp_botInvitedJoinGroupRequestEvent"] = ["eventId", "fromId", "groupId", "operate", "message"],
        ["sendFriendMessage"] = ["messageChain"],
        ["sendGroupMessage"] = ["messageChain"],
        ["sendTempMessage"] = ["messageChain"],
        ["sendNudge"] = ["target", "subject", "kind"],
        ["sessionInfo"] = [],
    };

    private static CommandReply? MissingKeys(ReceivedCommand command)
    {
        if (!RequiredKeys.TryGetValue(command.Command, out var keys))
        {
            return null;
        }

        if (command.Content.ValueKind != JsonValueKind.Object)
        {
            // sessionInfo without content: the server nests the error inside a success.
            return command.Command == "sessionInfo"
                ? CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":{\"code\":400,\"msg\":\"无效参数\"}}")
                : CommandReply.Status(400, "无效参数");
        }

        return keys.All(k => command.Content.TryGetProperty(k, out _)) ? null : CommandReply.Status(400, "无效参数");
    }

    private async Task<CommandReply> AnswerAsync(ReceivedCommand command, Connection connection)
    {
        var key = command.SubCommand is null ? command.Command : $"{command.Command}.{command.SubCommand}";
        if (_handlers.TryGetValue(key, out var handler) || _handlers.TryGetValue(command.Command, out handler))
        {
            return await handler(command).ConfigureAwait(false);
        }

        return command.Command switch
        {
            "about" => CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":{\"version\":\"2.10.0\"}}"),
            "botList" => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":[{string.Join(",", _options.Bots)}]}}"),
            "sendFriendMessage" or "sendGroupMessage" or "sendTempMessage" or "sendOtherClientMessage" =>
                CommandReply.Data($"{{\"code\":0,\"msg\":\"success\",\"messageId\":{Interlocked.Increment(ref _nextMessageId)}}}"),
            "sessionInfo" => CommandReply.Data($"{{\"code\":0,\"msg\":\"\",\"data\":{{\"sessionKey\":\"{connection.SessionKey}\",\"qq\":{{\"id\":{_options.Bots.FirstOrDefault()},\"nickname\":\"bot\",\"remark\":\"\"}}}}}}"),
            "friendList" or "groupList" or "memberList" or "latestMemberList" or "anno_list" or "file_list" or "roamingMessages" =>
                CommandReply.Data("{\"code\":0,\"msg\":\"\",\"data\":[]}"),
            "botProfile" or "friendProfile" or "memberProfile" or "userProfile" =>
                CommandReply.Data("{\"nickname\":\"someone\",\"email\":\"\",\"age\":0,\"level\":1,\"sign\":\"\",\"sex\":\"UNKNOWN\"}"),
            "recall" or "sendNudge" or "deleteFriend" or "mute" or "unmute" or "kick" or "quit" or "muteAll" or "unmuteAll" or "setEssence"
                or "memberAdmin" or "anno_delete" or "file_delete" or "file_move" or "file_rename" or "cmd_execute" or "cmd_register"
                or "resp_newFriendRequestEvent" or "resp_memberJoinRequestEvent" or "resp_botInvitedJoinGroupRequestEvent" => CommandReply.Status(0),
            "groupConfig" when command.SubCommand == "update" => CommandReply.Status(0),
            "memberInfo" when command.SubCommand == "update" => CommandReply.Status(0),
            _ => CommandReply.Status(6, "指定操作不支持"),
        };
    }

    private sealed record UpgradeRequest(string Path, Dictionary<string, string> Headers, Dictionary<string, string> Query);

    private sealed class Connection(TcpClient client, Stream stream) : IDisposable
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public WebSocket? Socket { get; set; }

        public string? SessionKey { get; set; }

        public volatile bool Authenticated;

        public async Task SendAsync(byte[] frame)
        {
            if (Socket is not { State: WebSocketState.Open } socket)
            {
                return;
            }

            await _sendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The connection is gone (a reset can surface as a cancellation); the command loop cleans up.
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public async Task CloseAsync(WebSocketCloseStatus status, string? reason)
        {
            if (Socket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
            {
                await _sendLock.WaitAsync().ConfigureAwait(false);
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // Best effort; the TCP connection is dropped below either way.
                }
                finally
                {
                    _sendLock.Release();
                }
            }

            // Give the peer a moment to read the close frame, then drop the TCP connection.
            await Task.Delay(100).ConfigureAwait(false);
            client.Close();
        }

        public void Abort()
        {
            // The connection may be closing on its own at the same moment; either way it ends up reset or closed.
            try
            {
                if (client.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }

            client.Close();
        }

        public void Dispose()
        {
            Socket?.Dispose();
            stream.Dispose();
            client.Dispose();
        }
    }
}
