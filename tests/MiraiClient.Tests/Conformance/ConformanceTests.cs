using System.Text;
using System.Text.Json;
using MiraiClient.Internal;
using MiraiClient.Testing;
using MiraiClient.Tests.Infrastructure;

namespace MiraiClient.Tests.Conformance;

/// <summary>
/// The protocol vectors as a conformance suite. Every folder is enumerated, so a new vector is covered
/// without code changes, and <see cref="EveryVectorFile_IsExercisedByACategory"/> fails if a file falls
/// outside every category.
/// </summary>
public class ConformanceTests(ITestOutputHelper output) : ConnectionTestBase(output)
{
    private static readonly HashSet<string> IgnoredRequestKeys = ["sessionKey"];

    /// <summary>Keys a documentation example carries that the 2.10 server ignores (PROTOCOL.md §9).</summary>
    private static readonly Dictionary<string, string[]> DocumentedIgnoredKeys = new()
    {
        ["groupConfig.update"] = ["announcement"],
        ["Face"] = ["superFace"],

        // The doc example lacks the required messageId; the server rejects that exact body (INDEX.md).
        ["setEssence"] = ["messageId"],
    };

    public static TheoryData<string> Files(params string[] patterns)
    {
        var data = new TheoryData<string>();
        var root = ProtocolVectors.Directory;
        if (root is null)
        {
            data.Add("(vectors not found)");
            return data;
        }

        foreach (var pattern in patterns)
        {
            var folder = Path.GetDirectoryName(pattern)!;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
            }
        }

        return data;
    }

    public static TheoryData<string> EventFiles() => Files("events/*.json", "source-derived/events/*.json");

    public static TheoryData<string> ElementFiles() => Files("elements/*.json", "source-derived/elements/*.json");

    public static TheoryData<string> RequestFiles() => Files("commands/*.request.json");

    public static TheoryData<string> ResponseFiles() => Files("commands/*.response.json");

    public static TheoryData<string> FrameFiles() => Files("frames/*.json", "source-derived/frames/*.json");

    public static TheoryData<string> SourceDerivedCommandFiles() => Files("source-derived/commands/*.json");

    public static TheoryData<string> HttpAndCommonFiles() => Files("http/*.json", "common/*.json");

    public static TheoryData<CommandCase> Commands()
    {
        var data = new TheoryData<CommandCase>();
        foreach (var c in CommandCases.All)
        {
            data.Add(c);
        }

        return data;
    }

    private static JsonElement Load(string relative)
    {
        var path = Path.Combine(ProtocolVectors.Require(), relative);
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    private static string KeyOf(string file) => Path.GetFileName(file).Split(".request.json")[0].Split(".response.json")[0];

    [Fact]
    public void EveryVectorFile_IsExercisedByACategory()
    {
        var root = ProtocolVectors.Require();
        var all = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToList();
        var categories = new[] { EventFiles(), ElementFiles(), RequestFiles(), ResponseFiles(), FrameFiles(), SourceDerivedCommandFiles(), HttpAndCommonFiles(), Files("source-derived/errors/*.json") }
            .SelectMany(d => d.Select(row => (string)row.Data))
            .ToList();
        Assert.Equal(categories.Count, categories.Distinct().Count());
        var uncovered = all.Except(categories).ToList();
        Assert.True(uncovered.Count == 0, "Vector files no test exercises: " + string.Join(", ", uncovered));
        Output.WriteLine($"{all.Count} vector files, all exercised");
        Assert.Equal(199, all.Count);
    }

    [Fact]
    public void TheSurface_HasEvery48EventType_And45CommandWords()
    {
        Assert.Equal(48, EventDecoder.KnownTypes.Count);
        Assert.Equal(48, EventDecoder.KnownTypes.Distinct().Count());
        Assert.Equal(45, CommandCases.All.Select(c => c.Command).Distinct().Count());
        Assert.Equal(47, CommandCases.All.Count);
    }

    [Theory]
    [MemberData(nameof(EventFiles))]
    public void EventVectors_DecodeToTheirTypedEvent(string file)
    {
        var json = Load(file);
        var data = json.TryGetProperty("data", out var inner) ? inner : json;
        var decoded = EventDecoder.Decode(Encoding.UTF8.GetBytes(data.GetRawText()), out var known);
        Assert.True(known, $"{file} decoded as UnknownEvent");
        Assert.IsNotType<UnknownEvent>(decoded);
        Assert.Equal(data.GetProperty("type").GetString(), decoded.Type);
        Assert.Equal(decoded.Type, decoded.GetType().Name);
    }

    [Theory]
    [MemberData(nameof(ElementFiles))]
    public void ElementVectors_DecodeToTheirTypedElement_AndSerializeBackEquivalently(string file)
    {
        var json = Load(file);
        var chain = JsonSerializer.Deserialize($"[{json.GetRawText()}]", MiraiJsonContext.Default.MessageChain)!;
        var element = Assert.Single(chain);
        Assert.IsNotType<UnknownElement>(element);
        Assert.Equal(json.GetProperty("type").GetString(), element.Type);

        var written = JsonSerializer.Serialize(chain, MiraiJsonContext.Default.MessageChain);
        using var back = JsonDocument.Parse(written);
        var ignored = DocumentedIgnoredKeys.TryGetValue(element.Type, out var keys) ? keys.ToHashSet() : [];
        var differences = JsonEquivalence.Differences(json, back.RootElement[0], ignored);
        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // Serializing what was read back is stable.
        var again = JsonSerializer.Serialize(JsonSerializer.Deserialize(written, MiraiJsonContext.Default.MessageChain)!, MiraiJsonContext.Default.MessageChain);
        Assert.Equal(written, again);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EachCommand_SendsItsFrame_AndDecodesItsReply(CommandCase command)
    {
        var (backend, connection) = await ConnectedAsync();
        backend.Handle(command.Key, _ => CommandReply.Data(command.CannedReply));
        var result = await Within(command.Invoke(connection, new Args(null)));
        Assert.NotNull(result);

        var sent = Assert.Single(backend.ReceivedCommands, c => c.Command != "about" || command.Command == "about");
        Assert.Equal(command.Command, sent.Command);
        Assert.Equal(command.SubCommand, sent.SubCommand);
        using var expected = JsonDocument.Parse(command.DefaultContent);
        var content = sent.Content.ValueKind == JsonValueKind.Undefined ? JsonDocument.Parse("null").RootElement : sent.Content;
        var differences = JsonEquivalence.Differences(expected.RootElement, content);
        Assert.True(differences.Count == 0, $"{sent.RawJson}\n{string.Join("\n", differences)}");
        Output.WriteLine($"{command.Key}: sent {sent.RawJson} → {result}");
    }

    [Theory]
    [MemberData(nameof(RequestFiles))]
    public async Task RequestVectors_AreWhatTheTypedApiSends(string file)
    {
        var vector = Load(file);
        var command = CommandCases.For(KeyOf(file));
        var (backend, connection) = await ConnectedAsync();
        backend.Handle(command.Key, _ => CommandReply.Data(command.CannedReply));
        await Within(command.Invoke(connection, new Args(vector)));

        var sent = Assert.Single(backend.ReceivedCommands);
        var ignored = new HashSet<string>(IgnoredRequestKeys);
        ignored.UnionWith(DocumentedIgnoredKeys.GetValueOrDefault(command.Key, []));
        var differences = JsonEquivalence.Differences(vector, sent.Content, ignored);
        Assert.True(differences.Count == 0, $"{sent.RawJson}\n{string.Join("\n", differences)}");
    }

    [Theory]
    [MemberData(nameof(ResponseFiles))]
    public async Task ResponseVectors_DecodeIntoTheTypedResult(string file)
    {
        var vector = Load(file);
        var command = CommandCases.For(KeyOf(file));
        var (backend, connection) = await ConnectedAsync();
        backend.Handle(command.Key, _ => CommandReply.Data(vector.GetRawText()));
        var result = await Within(command.Invoke(connection, new Args(null)));
        Assert.NotNull(result);
        if (vector.ValueKind == JsonValueKind.Object && vector.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && result is System.Collections.ICollection list)
        {
            Assert.Equal(data.GetArrayLength(), list.Count);
        }

        Output.WriteLine($"{file} → {result}");
    }

    [Theory]
    [MemberData(nameof(FrameFiles))]
    public void FrameVectors_AreClassifiedAsTheServerMeansThem(string file)
    {
        var json = Load(file);
        var bytes = Encoding.UTF8.GetBytes(json.GetRawText());
        var name = Path.GetFileName(file);
        if (name == "request-envelope.json")
        {
            // A client frame: ours carries the same four keys (syncId as a string, which the server echoes back).
            var encoded = RequestEncoder.Encode(123, "sendFriendMessage", null, MiraiJsonContext.Default.EmptyContent, new EmptyContent());
            using var ours = JsonDocument.Parse(encoded.Memory.ToArray());
            encoded.Return();
            Assert.Equal(json.EnumerateObject().Select(p => p.Name).Order(), ours.RootElement.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("123", ours.RootElement.GetProperty("syncId").GetString());
            return;
        }

        if (name == "push-envelope.json")
        {
            // The doc example uses "123" as its reserved id; with the default "-1" it would be a reply.
            Assert.Equal(FrameKind.Event, MiraiFrameDecoder.Decode(bytes, "123"u8).Kind);
            Assert.Equal(FrameKind.Response, MiraiFrameDecoder.Decode(bytes, "-1"u8).Kind);
            return;
        }

        var frame = MiraiFrameDecoder.Decode(bytes, "-1"u8);
        if (name.StartsWith("unparseable", StringComparison.Ordinal))
        {
            Assert.Equal(FrameKind.BareStatus, frame.Kind);
            Assert.Equal(400, frame.Code);
        }
        else if (name == "event-push.json")
        {
            Assert.Equal(FrameKind.Event, frame.Kind);
            Assert.IsType<BotOnlineEvent>(EventDecoder.Decode(bytes.AsSpan(frame.DataStart, frame.DataLength), out _));
        }
        else if (name == "migration-envelope.json")
        {
            Assert.Equal(FrameKind.Handshake, frame.Kind);
        }
        else
        {
            Assert.Equal(FrameKind.Handshake, frame.Kind);
            var (code, session, message) = MiraiFrameDecoder.ReadHandshake(bytes.AsSpan(frame.DataStart, frame.DataLength));
            Assert.Equal(json.GetProperty("data").GetProperty("code").GetInt32(), code);
            if (code == 0)
            {
                Assert.False(string.IsNullOrEmpty(session));
            }
            else
            {
                var error = new MiraiHandshakeException(code, message);
                Assert.Equal(code is 2 or 3, error.IsRetryable);
                Assert.Contains(message!, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SourceDerivedCommandFiles))]
    public async Task SourceDerivedCommandFrames_MatchWhatTheClientSendsAndDecodes(string file)
    {
        var json = Load(file);
        var name = Path.GetFileName(file);
        if (name.EndsWith(".frame.request.json", StringComparison.Ordinal))
        {
            var key = name.StartsWith("numeric-syncId", StringComparison.Ordinal) ? "botList" : name.Split(".frame.")[0];
            var command = CommandCases.For(key);
            var (backend, connection) = await ConnectedAsync();
            backend.Handle(command.Key, _ => CommandReply.Data(command.CannedReply));
            await Within(command.Invoke(connection, new Args(json.GetProperty("content").ValueKind == JsonValueKind.Object ? json.GetProperty("content") : null)));
            var sent = Assert.Single(backend.ReceivedCommands);
            using var frame = JsonDocument.Parse(sent.RawJson);
            Assert.Equal(json.GetProperty("command").GetString(), frame.RootElement.GetProperty("command").GetString());
            Assert.Equal(json.GetProperty("subCommand").ValueKind == JsonValueKind.Null ? null : json.GetProperty("subCommand").GetString(), sent.SubCommand);
            Assert.Equal(JsonValueKind.String, frame.RootElement.GetProperty("syncId").ValueKind);
            if (json.GetProperty("content").ValueKind == JsonValueKind.Object && key != "botList")
            {
                var differences = JsonEquivalence.Differences(json.GetProperty("content"), sent.Content);
                Assert.True(differences.Count == 0, string.Join("\n", differences));
            }

            return;
        }

        // Response frames: classify the envelope, then decode the data through the command that would receive it.
        var bytes = Encoding.UTF8.GetBytes(json.GetRawText());
        var envelope = MiraiFrameDecoder.Decode(bytes, "-1"u8);
        Assert.Equal(FrameKind.Response, envelope.Kind);
        var data = json.GetProperty("data").GetRawText();
        var prefix = name.Split(".frame.")[0];
        var (errorCode, caseKey) = prefix switch
        {
            "internal-error" => (500, "about"),
            "missing-content" => (400, "recall"),
            "target-not-found" => (5, "sendGroupMessage"),
            "unknown-command" => (6, "about"),
            "sessionInfo.missing-content" => (400, "sessionInfo"),
            "numeric-syncId" or "null-syncId" => (0, "botList"),
            _ => (0, prefix),
        };
        if (prefix == "null-syncId")
        {
            Assert.Equal(-1, envelope.RequestId);
        }

        var (backend2, connection2) = await ConnectedAsync();
        backend2.Handle(caseKey, _ => CommandReply.Data(data));
        var invoke = CommandCases.For(caseKey).Invoke(connection2, new Args(null));
        if (errorCode != 0)
        {
            var error = await Assert.ThrowsAsync<MiraiApiException>(() => Within(invoke));
            Assert.Equal(errorCode, error.Code);
        }
        else
        {
            Assert.NotNull(await Within(invoke));
        }
    }

    [Theory]
    [MemberData(nameof(HttpAndCommonFiles))]
    public void HttpAndCommonVectors_DecodeIntoTheirShapes(string file)
    {
        var json = Load(file);
        var name = Path.GetFileName(file);
        var bytes = Encoding.UTF8.GetBytes(json.GetRawText());
        switch (name)
        {
            case "uploadImage.response.json":
                Assert.False(string.IsNullOrEmpty(JsonSerializer.Deserialize(bytes, MiraiJsonContext.Default.ImageUploadResult)!.ImageId));
                break;
            case "uploadVoice.response.json":
                Assert.False(string.IsNullOrEmpty(JsonSerializer.Deserialize(bytes, MiraiJsonContext.Default.VoiceUploadResult)!.VoiceId));
                break;
            case "uploadShortVideo.response.json":
                Assert.False(string.IsNullOrEmpty(JsonSerializer.Deserialize(bytes, MiraiJsonContext.Default.ShortVideoUploadResult)!.VideoId));
                break;
            case "file_upload.response.json":
                Assert.Equal("setu.png", Replies.Restful("file_upload", bytes, MiraiJsonContext.Default.RemoteFile).Name);
                break;
            default:
                // Session and polling endpoints of the HTTP adapter, which this WebSocket SDK does not call:
                // their replies still follow the status/restful shapes the decoder understands.
                Replies.Status(name, bytes);
                Assert.Equal(JsonValueKind.Object, json.ValueKind);
                break;
        }
    }

    [Fact]
    public void StatusCodeTable_MapsToTypedErrors()
    {
        var table = Load("source-derived/errors/status-codes.json");
        var codes = table.EnumerateArray().Select(e => e.GetProperty("code").GetInt32()).ToList();
        Assert.Contains(500, codes);
        foreach (var code in codes.Where(c => c != 0))
        {
            var reply = Encoding.UTF8.GetBytes($$"""{"code":{{code}},"msg":"m"}""");
            var error = Assert.Throws<MiraiApiException>(() => Replies.Status("x", reply));
            Assert.Equal(code, error.Code);
        }

        Replies.Status("x", Encoding.UTF8.GetBytes("""{"code":0,"msg":"success"}"""));
    }

    private async Task<(FakeMiraiBackend Backend, MiraiConnection Connection)> ConnectedAsync()
    {
        var backend = await StartBackendAsync();
        var options = FastOptions(backend.Uri);
        options.Heartbeat.Enabled = false;
        var connection = CreateConnection(options);
        await Within(connection.ConnectAsync(TestToken));
        return (backend, connection);
    }
}
