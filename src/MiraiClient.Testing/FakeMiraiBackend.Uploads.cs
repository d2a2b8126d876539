using System.Globalization;
using System.Text;

namespace MiraiClient.Testing;

/// <summary>The HTTP upload routes: <c>/uploadImage</c>, <c>/uploadVoice</c>, <c>/uploadShortVideo</c>
/// (served by the 2.10 ws adapter itself) and <c>/file/upload</c> (the http adapter's), as multipart
/// requests whose session comes from a <c>sessionKey</c> form field.</summary>
public sealed partial class FakeMiraiBackend
{
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
        var path = target.Split('?')[0];
        var prefix = _options.PathPrefix.TrimEnd('/');
        var route = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : "";
        string status = "200 OK", reply;
        var known = route is "/uploadImage" or "/uploadVoice" or "/uploadShortVideo" or "/file/upload";
        if (!_options.ServeUploads || !known)
        {
            await WriteNotFoundAsync(stream, cancellationToken).ConfigureAwait(false);
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
                _ => $"{{\"code\":0,\"msg\":\"\",\"data\":{FileJson(UploadedName(files), "/" + id, "/" + UploadedName(files), isFile: true, long.TryParse(fields.GetValueOrDefault("target"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var group) ? group : 0, files.Values.FirstOrDefault().Item2?.Length ?? 0)}}}",
            };
        }

        var bytes = Encoding.UTF8.GetBytes(reply);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string UploadedName(Dictionary<string, (string Name, byte[] Content)> files) => files.Values.FirstOrDefault().Name ?? "file";
}
