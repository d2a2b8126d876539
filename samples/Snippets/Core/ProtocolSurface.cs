using MiraiClient;

namespace Snippets.Core;

/// <summary>README "The protocol surface": one call from each command group.</summary>
public static class ProtocolSurface
{
    public static async Task RunAsync(IMiraiConnection connection, long group, long qq, long member, MemberJoinRequestEvent joinRequest, Stream stream)
    {
        #region protocol-surface
        await connection.SendGroupMessageAsync(group, new MessageChainBuilder().At(qq).Text(" hi").Face(14).Build());
        var members = await connection.Contacts.GetMembersAsync(group);
        await connection.Groups.MuteAsync(group, member, TimeSpan.FromMinutes(10));
        var files = await connection.Files.ListAsync(group);
        await connection.Announcements.PublishAsync(group, new AnnouncementDraft { Content = "…", Pinned = true });
        await joinRequest.AcceptAsync(connection);                       // or connection.Requests.AnswerJoinRequestAsync
        var image = await connection.Uploads.UploadImageAsync(stream, "cat.png", UploadTarget.Group);
        #endregion
        GC.KeepAlive(members);
        GC.KeepAlive(files);
        GC.KeepAlive(image);
    }
}
