namespace MiraiClient;

/// <summary>What the server says about itself.</summary>
public sealed record AboutInfo
{
    /// <summary>Gets the mirai-api-http plugin version, for example <c>2.10.0</c>.</summary>
    public required string Version { get; init; }
}

/// <summary>The kind of contact a nudge is sent in.</summary>
public enum NudgeKind
{
    /// <summary>A friend chat: the subject is the friend.</summary>
    Friend,

    /// <summary>A group: the subject is the group and the target one of its members.</summary>
    Group,

    /// <summary>A stranger chat.</summary>
    Stranger,
}
