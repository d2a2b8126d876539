namespace MiraiClient.LoadTest;

/// <summary>One contestant of a family: its name on the command line, its labels in the report, its factory, and
/// for a server-mode contestant the dialling contestant it is compared with.</summary>
internal sealed record Entry(string Name, string IngestLabel, string RoundTripLabel, Func<Contestant> Create, string? ServerModeOf = null);

/// <summary>The contestants that speak one protocol, compared with each other (never across families):
/// the physical limit, the best practice, sometimes a peer stack, and the SDK's connection.</summary>
internal sealed class Family
{
    public static readonly Family Mirai = new()
    {
        Key = "mirai",
        Title = "mirai-api-http v2",
        Protocol = MiraiProtocol.Instance,
        RoundTrip = "sendGroupMessage",
        Sdk = "mirai",
        SdkTitle = "MiraiConnection",
        Contestants =
        [
            new("raw", "raw ClientWebSocket, discard (physical limit)", "raw ClientWebSocket (physical limit)", () => new RawContestant(decode: false)),
            new("stj", "raw + STJ source-gen records (best practice)", "raw + STJ source-gen records", () => new RawContestant(decode: true)),
            new("peer", "Websocket.Client + Newtonsoft (peer stack)", "Websocket.Client + Newtonsoft", () => new PeerContestant()),
            new("mirai", "MiraiConnection, await foreach", "MiraiConnection.SendGroupMessageAsync", () => new MiraiContestant()),
            new("mirai-paced", "MiraiConnection, pacing on but not limiting", "MiraiConnection.SendGroupMessageAsync, pacing on but not limiting", () => new MiraiContestant(paced: true)),
            new("mirai-server", "MiraiConnection in server mode (reverse-ws dials in), await foreach", "MiraiConnection.SendGroupMessageAsync in server mode", () => new MiraiServerContestant(), ServerModeOf: "mirai"),
        ],
    };

    /// <summary>OneBot v11: the limit, the best practice and the SDK's <c>OneBotConnection</c>.</summary>
    public static readonly Family OneBot = new()
    {
        Key = "onebot",
        Title = "OneBot v11 (forward WebSocket, universal path)",
        Protocol = OneBotProtocol.Instance,
        RoundTrip = "send_group_msg",
        Sdk = "onebot",
        SdkTitle = "OneBotConnection",
        Contestants =
        [
            new("raw", "raw ClientWebSocket, discard (physical limit)", "raw ClientWebSocket (physical limit)", () => new OneBotRawContestant(decode: false)),
            new("stj", "raw + STJ source-gen records (best practice)", "raw + STJ source-gen records", () => new OneBotRawContestant(decode: true)),
            new("onebot", "OneBotConnection, await foreach", "OneBotConnection Messages.SendGroupMessageAsync", () => new OneBotSdkContestant()),
            new("onebot-server", "OneBotConnection in server mode (reverse WebSocket dials in), await foreach", "OneBotConnection Messages.SendGroupMessageAsync in server mode", () => new OneBotServerContestant(), ServerModeOf: "onebot"),
        ],
    };

    public static readonly Family[] All = [Mirai, OneBot];

    public required string Key { get; init; }

    public required string Title { get; init; }

    public required ServerProtocol Protocol { get; init; }

    /// <summary>Gets the command the round trips send.</summary>
    public required string RoundTrip { get; init; }

    /// <summary>Gets the SDK's contestant, whose ratios are judged against the targets; null while the SDK does not speak the protocol.</summary>
    public string? Sdk { get; init; }

    public required string SdkTitle { get; init; }

    public required Entry[] Contestants { get; init; }

    public static Family For(string key) => All.FirstOrDefault(f => f.Key == key) ?? throw new ArgumentException($"unknown protocol '{key}' (known: {string.Join(", ", All.Select(f => f.Key))})");

    public Contestant Create(string name) => (Contestants.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"{Key} has no contestant '{name}'")).Create();

    public Server.Endpoints Endpoints(Uri baseUri) => new(baseUri, Protocol.Route);
}
