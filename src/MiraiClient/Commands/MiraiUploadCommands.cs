using System.Net;
using System.Net.Http.Headers;
using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Which kind of chat an uploaded image, voice or video is meant for.</summary>
public enum UploadTarget
{
    /// <summary>A friend chat.</summary>
    Friend,

    /// <summary>A group.</summary>
    Group,

    /// <summary>A temporary chat.</summary>
    Temp,
}

/// <summary>Uploads over HTTP multipart, which the server offers only over HTTP (PROTOCOL §4.11).</summary>
/// <remarks>
/// Image, voice and short-video uploads go to the WebSocket adapter's own HTTP server (2.10+) at
/// <see cref="MiraiConnectionOptions.UploadUri"/>; group files need the http adapter at
/// <see cref="MiraiConnectionOptions.HttpAdapterUri"/>. The connection's current session key is sent
/// as a form field, never in the address. Content is streamed from the given stream, not buffered.
/// A server that does not offer the route fails with <see cref="MiraiApiException"/> whose code is the
/// HTTP status (404). Each upload is bounded by <see cref="MiraiConnectionOptions.CommandTimeout"/>.
/// </remarks>
public class MiraiUploadCommands : IDisposable
{
    private readonly ConnectionCore<MiraiEvent>? _connection;
    private readonly MiraiSettings? _settings;
    private readonly Lazy<HttpClient>? _http;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiUploadCommands()
    {
    }

    internal MiraiUploadCommands(ConnectionCore<MiraiEvent> connection, MiraiSettings settings)
    {
        _connection = connection;
        _settings = settings;
        _http = new Lazy<HttpClient>(() => new HttpClient(new SocketsHttpHandler { ConnectTimeout = settings.Connection.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan });
    }

    private MiraiSettings Settings => _settings ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Uploads an image (<c>POST /uploadImage</c>).</summary>
    /// <param name="content">The image; read to its end, not disposed.</param>
    /// <param name="fileName">The file name to report.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The image id to send.</returns>
    public virtual Task<ImageUploadResult> UploadImageAsync(Stream content, string fileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadImage", Settings.UploadUri, target, [("img", content, fileName)], MiraiJsonContext.Default.ImageUploadResult, cancellationToken);

    /// <summary>Uploads a voice message (<c>POST /uploadVoice</c>).</summary>
    /// <param name="content">The audio (amr or silk); read to its end, not disposed.</param>
    /// <param name="fileName">The file name to report.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The voice id to send.</returns>
    public virtual Task<VoiceUploadResult> UploadVoiceAsync(Stream content, string fileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadVoice", Settings.UploadUri, target, [("voice", content, fileName)], MiraiJsonContext.Default.VoiceUploadResult, cancellationToken);

    /// <summary>Uploads a short video with its thumbnail (<c>POST /uploadShortVideo</c>).</summary>
    /// <param name="video">The video; read to its end, not disposed.</param>
    /// <param name="videoFileName">The video's file name.</param>
    /// <param name="thumbnail">The thumbnail image; read to its end, not disposed.</param>
    /// <param name="thumbnailFileName">The thumbnail's file name.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The video id to send.</returns>
    public virtual Task<ShortVideoUploadResult> UploadShortVideoAsync(Stream video, string videoFileName, Stream thumbnail, string thumbnailFileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadShortVideo", Settings.UploadUri, target, [("video", video, videoFileName), ("thumbnail", thumbnail, thumbnailFileName)], MiraiJsonContext.Default.ShortVideoUploadResult, cancellationToken);

    /// <summary>Uploads a group file (<c>POST /file/upload</c>, http adapter only).</summary>
    /// <param name="group">The group.</param>
    /// <param name="folderId">The destination folder id (<c>""</c> for the root).</param>
    /// <param name="content">The file; read to its end, not disposed.</param>
    /// <param name="fileName">The file name.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded file.</returns>
    /// <exception cref="InvalidOperationException"><see cref="MiraiConnectionOptions.HttpAdapterUri"/> is not set.</exception>
    public virtual async Task<RemoteFile> UploadGroupFileAsync(long group, string folderId, Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        var baseUri = Settings.HttpAdapterUri ?? throw new InvalidOperationException("Group file upload needs the server's http adapter: set MiraiConnectionOptions.HttpAdapterUri.");
        var fields = new[] { ("type", "group"), ("target", group.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("path", folderId ?? "") };
        var reply = await PostAsync("file/upload", baseUri, fields, [("file", content, fileName)], cancellationToken).ConfigureAwait(false);
        return Replies.Restful("file_upload", reply, MiraiJsonContext.Default.RemoteFile);
    }

    /// <summary>Releases the HTTP client.</summary>
    [Obsolete("The connection owns its uploads and releases them when it is disposed; calling this does nothing.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Does nothing: the connection releases the uploads' HTTP client when it is disposed.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Releases the HTTP client; called by the connection when it is disposed.</summary>
    internal void Release()
    {
        if (_http is { IsValueCreated: true })
        {
            _http.Value.Dispose();
        }
    }

    private static string TargetName(UploadTarget target) => target switch
    {
        UploadTarget.Friend => "friend",
        UploadTarget.Group => "group",
        UploadTarget.Temp => "temp",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown upload target."),
    };

    private async Task<T> UploadAsync<T>(string route, Uri baseUri, UploadTarget target, (string Name, Stream Content, string FileName)[] files, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, CancellationToken cancellationToken)
    {
        var reply = await PostAsync(route, baseUri, [("type", TargetName(target))], files, cancellationToken).ConfigureAwait(false);
        return Replies.Bare(route, reply, info);
    }

    private async Task<byte[]> PostAsync(string route, Uri baseUri, (string Name, string Value)[] fields, (string Name, Stream Content, string FileName)[] files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file.Content, file.Name);
            ArgumentException.ThrowIfNullOrEmpty(file.FileName, file.Name + "FileName");
        }

        var settings = Settings.Connection;
        using var timeout = new CancellationTokenSource(settings.CommandTimeout, settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _connection!.Lifetime);
        var sessionKey = await GetSessionKeyAsync(linked.Token, cancellationToken).ConfigureAwait(false);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(sessionKey), "sessionKey");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        foreach (var (name, content, fileName) in files)
        {
            var part = new StreamContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, name, fileName);
        }

        var address = new Uri(baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/"), route);
        try
        {
            using var response = await _http!.Value.PostAsync(address, form, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new MiraiApiException(route, 404, $"The server does not offer /{route} at {baseUri} (HTTP 404): uploads need mirai-api-http 2.10+ on the WebSocket port, or the http adapter.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new MiraiApiException(route, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return body;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MiraiTimeoutException(route, settings.CommandTimeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && _connection.Lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MiraiConnectionException(DisconnectReason.Stopped, "The connection was disposed while an upload was in progress.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new MiraiConnectionException(DisconnectReason.ConnectFailed, $"The upload to {baseUri} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Waits for the connection and gets the current session key, which the HTTP upload routes need.</summary>
    private async Task<string> GetSessionKeyAsync(CancellationToken token, CancellationToken callerToken)
    {
        _connection!.ThrowIfDisposed();
        try
        {
            var session = await _connection.GetSessionAsync(token).ConfigureAwait(false);
            return MiraiProtocol.SessionKeyOf(session) ?? throw new MiraiProtocolException("The server's handshake carried no session key, which uploads need.");
        }
        catch (OperationCanceledException ex) when (_connection.Lifetime.IsCancellationRequested && !callerToken.IsCancellationRequested)
        {
            throw new MiraiConnectionException(DisconnectReason.Stopped, "The connection was disposed while an upload was waiting for it.", ex);
        }
    }
}
