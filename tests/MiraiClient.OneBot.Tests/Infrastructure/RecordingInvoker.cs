using System.Text;
using System.Text.Json.Serialization.Metadata;
using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot.Tests.Infrastructure;

/// <summary>An invoker with no socket: it encodes each call with the real encoder, records the frame,
/// and answers with a response frame decoded by the real frame reader and reply shape.</summary>
internal sealed class RecordingInvoker : IOneBotActionInvoker
{
    private long _nextId;

    public RecordingInvoker(long firstId = 1, Func<string, long, byte[]>? respond = null)
    {
        _nextId = firstId;
        Respond = respond ?? ((_, id) => Encoding.UTF8.GetBytes($"{{\"status\":\"ok\",\"retcode\":0,\"data\":null,\"echo\":\"{id}\"}}"));
    }

    public Func<string, long, byte[]> Respond { get; set; }

    public List<RecordedCall> Calls { get; } = [];

    public OneBotActions Actions => new(this);

    public Task<T> InvokeAsync<TParams, T>(string action, TParams? parameters, JsonTypeInfo<TParams>? parametersInfo, OneBotReplyShape<T> reply, OneBotActionKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = _nextId++;
        var frame = OneBotRequestEncoder.Encode(id, action, parameters, parametersInfo);
        try
        {
            Calls.Add(new RecordedCall(action, Encoding.UTF8.GetString(frame.Memory.Span), kind, id));
        }
        finally
        {
            frame.Return();
        }

        try
        {
            var response = Respond(action, id);
            var classified = OneBotFrameReader.Read(response);
            Assert.Equal(OneBotFrameKind.Response, classified.Kind);
            return Task.FromResult(reply.Read(action, response, classified.Response));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}

internal sealed record RecordedCall(string Action, string Frame, OneBotActionKind Kind, long Id);
