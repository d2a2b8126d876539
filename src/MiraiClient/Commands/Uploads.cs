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
public sealed class MiraiUploadCommands : IDisposable
{
    private readonly ConnectionCore _connection;
    private readonly ConnectionSettings _settings;
    private readonly Lazy<HttpClient> _http;

    internal MiraiUploadCommands(ConnectionCore connection, ConnectionSettings settings)
    {
        _connection = connection;
        _settings = settings;
        _http = new Lazy<HttpClient>(() => new HttpClient(new SocketsHttpHandler { ConnectTimeout = settings.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Uploads an image (<c>POST /uploadImage</c>).</summary>
    /// <param name="content">The image; read to its end, not disposed.</param>
    /// <param name="fileName">The file name to report.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The image id to send.</returns>
    public Task<ImageUploadResult> UploadImageAsync(Stream content, string fileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadImage", _settings.UploadUri, target, [("img", content, fileName)], MiraiJsonContext.Default.ImageUploadResult, cancellationToken);

    /// <summary>Uploads a voice message (<c>POST /uploadVoice</c>).</summary>
    /// <param name="content">The audio (amr or silk); read to its end, not disposed.</param>
    /// <param name="fileName">The file name to report.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The voice id to send.</returns>
    public Task<VoiceUploadResult> UploadVoiceAsync(Stream content, string fileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadVoice", _settings.UploadUri, target, [("voice", content, fileName)], MiraiJsonContext.Default.VoiceUploadResult, cancellationToken);

    /// <summary>Uploads a short video with its thumbnail (<c>POST /uploadShortVideo</c>).</summary>
    /// <param name="video">The video; read to its end, not disposed.</param>
    /// <param name="videoFileName">The video's file name.</param>
    /// <param name="thumbnail">The thumbnail image; read to its end, not disposed.</param>
    /// <param name="thumbnailFileName">The thumbnail's file name.</param>
    /// <param name="target">The kind of chat it is for.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The video id to send.</returns>
    public Task<ShortVideoUploadResult> UploadShortVideoAsync(Stream video, string videoFileName, Stream thumbnail, string thumbnailFileName, UploadTarget target, CancellationToken cancellationToken = default) =>
        UploadAsync("uploadShortVideo", _settings.UploadUri, target, [("video", video, videoFileName), ("thumbnail", thumbnail, thumbnailFileName)], MiraiJsonContext.Default.ShortVideoUploadResult, cancellationToken);

    /// <summary>Uploads a group file (<c>POST /file/upload</c>, http adapter only).</summary>
    /// <param name="group">The group.</param>
    /// <param name="folderId">The destination folder id (<c>""</c> for the root).</param>
    /// <param name="content">The file; read to its end, not disposed.</param>
    /// <param name="fileName">The file name.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded file.</returns>
    /// <exception cref="InvalidOperationException"><see cref="MiraiConnectionOptions.HttpAdapterUri"/> is not set.</exception>
    public async Task<RemoteFile> UploadGroupFileAsync(long group, string folderId, Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        var baseUri = _settings.HttpAdapterUri ?? throw new InvalidOperationException("Group file upload needs the server's http adapter: set MiraiConnectionOptions.HttpAdapterUri.");
        var fields = new[] { ("type", "group"), ("target", group.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("path", folderId ?? "") };
        var reply = await PostAsync("file/upload", baseUri, fields, [("file", content, fileName)], cancellationToken).ConfigureAwait(false);
        return Replies.Restful("file_upload", reply, MiraiJsonContext.Default.RemoteFile);
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose()
    {
        if (_http.IsValueCreated)
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

        using var timeout = new CancellationTokenSource(_settings.CommandTimeout, _settings.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var sessionKey = await _connection.GetSessionKeyAsync(linked.Token).ConfigureAwait(false);
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
            using var response = await _http.Value.PostAsync(address, form, linked.Token).ConfigureAwait(false);
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
            throw new MiraiTimeoutException(route, _settings.CommandTimeout);
        }
        catch (HttpRequestException ex)
        {
            throw new MiraiConnectionException(DisconnectReason.ConnectFailed, $"The upload to {baseUri} failed: {ex.Message}", ex);
        }
    }
}
