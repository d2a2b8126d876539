using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Group announcements.</summary>
public class MiraiAnnouncementCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiAnnouncementCommands()
    {
    }

    internal MiraiAnnouncementCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Lists a group's announcements (<c>anno_list</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="offset">How many to skip.</param>
    /// <param name="size">How many at most, or all.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The announcements.</returns>
    public virtual Task<IReadOnlyList<Announcement>> ListAsync(long group, int offset = 0, int? size = null, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("anno_list", MiraiJsonContext.Default.AnnouncementListContent, new AnnouncementListContent(group, offset, size)), MiraiReply.RestfulList(MiraiJsonContext.Default.AnnouncementArray), cancellationToken);

    /// <summary>Publishes an announcement (<c>anno_publish</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="draft">The announcement.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The published announcement.</returns>
    public virtual Task<Announcement> PublishAsync(long group, AnnouncementDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrEmpty(draft.Content, nameof(draft));
        var content = new AnnouncementPublishContent(group, draft.Content, draft.SendToNewMember, draft.Pinned, draft.ShowEditCard, draft.ShowPopup, draft.RequireConfirmation, draft.ImageUrl, draft.ImagePath, draft.ImageBase64);
        return Sender.SendAsync(MiraiRequest.With("anno_publish", MiraiJsonContext.Default.AnnouncementPublishContent, content), MiraiReply.RestfulOne(MiraiJsonContext.Default.Announcement), cancellationToken);
    }

    /// <summary>Deletes an announcement (<c>anno_delete</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="fid">The announcement id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task DeleteAsync(long group, string fid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fid);
        return Sender.SendAsync(MiraiRequest.With("anno_delete", MiraiJsonContext.Default.AnnouncementDeleteContent, new AnnouncementDeleteContent(group, fid)), MiraiReply.Status, cancellationToken);
    }
}
