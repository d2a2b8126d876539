using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Group files. A file or folder is named by its id (<c>""</c> is the root) or by path; a path wins.</summary>
public class MiraiFileCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiFileCommands()
    {
    }

    internal MiraiFileCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Lists a folder (<c>file_list</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="folderId">The folder id (<c>""</c> for the root).</param>
    /// <param name="path">A folder path instead of the id.</param>
    /// <param name="withDownloadInfo">Whether to include download addresses (slow).</param>
    /// <param name="offset">How many entries to skip.</param>
    /// <param name="size">How many entries at most, or all.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The entries.</returns>
    public virtual Task<IReadOnlyList<RemoteFile>> ListAsync(long group, string folderId = "", string? path = null, bool withDownloadInfo = false, int offset = 0, int? size = null, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("file_list", MiraiJsonContext.Default.FileListContent, new FileListContent(folderId ?? "", path, group, withDownloadInfo, offset, size)), MiraiReply.RestfulList(MiraiJsonContext.Default.RemoteFileArray), cancellationToken);

    /// <summary>Gets one file's details (<c>file_info</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The file id.</param>
    /// <param name="path">A path instead of the id.</param>
    /// <param name="withDownloadInfo">Whether to include the download address.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The file.</returns>
    public virtual Task<RemoteFile> GetInfoAsync(long group, string id, string? path = null, bool withDownloadInfo = false, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("file_info", MiraiJsonContext.Default.FileInfoContent, new FileInfoContent(id ?? "", path, group, withDownloadInfo)), MiraiReply.Restful(MiraiJsonContext.Default.RemoteFile), cancellationToken);

    /// <summary>Creates a folder (<c>file_mkdir</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="parentId">The parent folder id (<c>""</c> for the root).</param>
    /// <param name="name">The new folder's name.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The new folder.</returns>
    public virtual Task<RemoteFile> CreateFolderAsync(long group, string parentId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Sender.SendAsync(MiraiRequest.With("file_mkdir", MiraiJsonContext.Default.FileMkdirContent, new FileMkdirContent(parentId ?? "", null, group, name)), MiraiReply.Restful(MiraiJsonContext.Default.RemoteFile), cancellationToken);
    }

    /// <summary>Deletes a file or folder (<c>file_delete</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The id.</param>
    /// <param name="path">A path instead of the id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task DeleteAsync(long group, string id, string? path = null, CancellationToken cancellationToken = default) =>
        Sender.SendAsync(MiraiRequest.With("file_delete", MiraiJsonContext.Default.FileContent, new FileContent(id ?? "", path, group)), MiraiReply.Status, cancellationToken);

    /// <summary>Moves a file (<c>file_move</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The file id.</param>
    /// <param name="moveTo">The destination folder id, or <see langword="null"/> to use <paramref name="moveToPath"/>.</param>
    /// <param name="moveToPath">The destination folder path (wins over the id).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task MoveAsync(long group, string id, string? moveTo, string? moveToPath = null, CancellationToken cancellationToken = default)
    {
        if (moveTo is null && moveToPath is null)
        {
            throw new ArgumentException("Give a destination folder id or path.", nameof(moveTo));
        }

        return Sender.SendAsync(MiraiRequest.With("file_move", MiraiJsonContext.Default.FileMoveContent, new FileMoveContent(id ?? "", null, group, moveTo, moveToPath)), MiraiReply.Status, cancellationToken);
    }

    /// <summary>Renames a file or folder (<c>file_rename</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="id">The id.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task RenameAsync(long group, string id, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(newName);
        return Sender.SendAsync(MiraiRequest.With("file_rename", MiraiJsonContext.Default.FileRenameContent, new FileRenameContent(id ?? "", null, group, newName)), MiraiReply.Status, cancellationToken);
    }
}
