namespace MiraiClient;

/// <summary>How to answer a <see cref="NewFriendRequestEvent"/>.</summary>
public enum FriendRequestDecision
{
    /// <summary>Accept.</summary>
    Accept = 0,

    /// <summary>Reject.</summary>
    Reject = 1,

    /// <summary>Reject and block the asker.</summary>
    RejectAndBlacklist = 2,
}

/// <summary>How to answer a <see cref="MemberJoinRequestEvent"/>.</summary>
public enum JoinRequestDecision
{
    /// <summary>Accept.</summary>
    Accept = 0,

    /// <summary>Reject.</summary>
    Reject = 1,

    /// <summary>Ignore.</summary>
    Ignore = 2,

    /// <summary>Reject and block the asker.</summary>
    RejectAndBlacklist = 3,

    /// <summary>Ignore and block the asker.</summary>
    IgnoreAndBlacklist = 4,
}

/// <summary>A new group announcement.</summary>
public sealed record AnnouncementDraft
{
    /// <summary>Gets the text.</summary>
    public required string Content { get; init; }

    /// <summary>Gets whether new members are shown it.</summary>
    public bool SendToNewMember { get; init; }

    /// <summary>Gets whether it is pinned.</summary>
    public bool Pinned { get; init; }

    /// <summary>Gets whether it shows the edit-card prompt.</summary>
    public bool ShowEditCard { get; init; }

    /// <summary>Gets whether it pops up.</summary>
    public bool ShowPopup { get; init; }

    /// <summary>Gets whether members must confirm it.</summary>
    public bool RequireConfirmation { get; init; }

    /// <summary>Gets an image address (the first of the three image sources set wins).</summary>
    public string? ImageUrl { get; init; }

    /// <summary>Gets an image path on the server.</summary>
    public string? ImagePath { get; init; }

    /// <summary>Gets an image as base64.</summary>
    public string? ImageBase64 { get; init; }
}
