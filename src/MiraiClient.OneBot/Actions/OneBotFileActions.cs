using MiraiClient.OneBot.Internal;

namespace MiraiClient.OneBot;

/// <summary>Group and private files: uploads, downloads, listings, folders.</summary>
/// <remarks>Paths given to and returned by these actions are on the implementation's host, not this
/// one; prefer addresses and <c>base64://…</c> when the two differ. Uploads and downloads are marked as
/// transfers, so the connection gives them its longer deadline. The class can be subclassed to
/// substitute it in tests.</remarks>
public class OneBotFileActions
{
    private readonly IOneBotActionInvoker? _invoker;

    /// <summary>Initializes a new instance of the <see cref="OneBotFileActions"/> class for substitution in tests.</summary>
    protected OneBotFileActions()
    {
    }

    internal OneBotFileActions(IOneBotActionInvoker invoker) => _invoker = invoker;

    /// <summary>Uploads a file to a group (<c>upload_group_file</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="file">The file: a path on the implementation's host, an address (NapCat) or <c>base64://…</c>.</param>
    /// <param name="name">The name to store it under.</param>
    /// <param name="folder">The folder id, or <see langword="null"/> for the root.</param>
    /// <param name="cancellationToken">Abandons the wait (the upload may still finish).</param>
    /// <returns>The new file's id when the implementation reports one (NapCat), else <see langword="null"/>.</returns>
    public virtual Task<string?> UploadGroupFileAsync(long groupId, string file, string name, string? folder = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ActionCalls.Invoke(_invoker, "upload_group_file", new UploadGroupFileParams(groupId, file, name, folder), OneBotJsonContext.Default.UploadGroupFileParams, FileIdShape, cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Sends a file to a friend (<c>upload_private_file</c>).</summary>
    /// <param name="userId">The friend.</param>
    /// <param name="file">The file, as for <see cref="UploadGroupFileAsync"/>.</param>
    /// <param name="name">The file name.</param>
    /// <param name="cancellationToken">Abandons the wait (the upload may still finish).</param>
    /// <returns>The file's id when the implementation reports one, else <see langword="null"/>.</returns>
    public virtual Task<string?> UploadPrivateFileAsync(long userId, string file, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ActionCalls.Invoke(_invoker, "upload_private_file", new UploadPrivateFileParams(userId, file, name), OneBotJsonContext.Default.UploadPrivateFileParams, FileIdShape, cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Gets a download address for a group file (<c>get_group_file_url</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="fileId">The file id.</param>
    /// <param name="busid">The file's bus id, or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The address.</returns>
    public virtual Task<string> GetGroupFileUrlAsync(long groupId, string fileId, int? busid = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        return ActionCalls.Invoke(_invoker, "get_group_file_url", new GroupFileUrlParams(groupId, fileId, busid), OneBotJsonContext.Default.GroupFileUrlParams, OneBotReplyShape.Field(OneBotJsonContext.Default.UrlResult, r => r.Url, "url"), cancellationToken);
    }

    /// <summary>Lists a group's root folder (<c>get_group_root_files</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The files and folders.</returns>
    public virtual Task<GroupFileList> GetGroupRootFilesAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_root_files", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, FileListShape, cancellationToken);

    /// <summary>Lists a group folder (<c>get_group_files_by_folder</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="folderId">The folder id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The files and folders.</returns>
    public virtual Task<GroupFileList> GetGroupFilesByFolderAsync(long groupId, string folderId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderId);
        return ActionCalls.Invoke(_invoker, "get_group_files_by_folder", new GroupFolderParams(groupId, folderId), OneBotJsonContext.Default.GroupFolderParams, FileListShape, cancellationToken);
    }

    /// <summary>Gets a group's file system usage (<c>get_group_file_system_info</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The usage.</returns>
    public virtual Task<GroupFileSystemInfo> GetGroupFileSystemInfoAsync(long groupId, CancellationToken cancellationToken = default) =>
        ActionCalls.Invoke(_invoker, "get_group_file_system_info", new GroupIdParams(groupId), OneBotJsonContext.Default.GroupIdParams, OneBotReplyShape.Data(OneBotJsonContext.Default.GroupFileSystemInfo), cancellationToken);

    /// <summary>Creates a folder in a group's root (<c>create_group_file_folder</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="name">The folder name.</param>
    /// <param name="parentId">The parent (go-cqhttp accepts only <c>/</c>), or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task CreateGroupFileFolderAsync(long groupId, string name, string? parentId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ActionCalls.Run(_invoker, "create_group_file_folder", new CreateGroupFolderParams(groupId, name, parentId), OneBotJsonContext.Default.CreateGroupFolderParams, cancellationToken);
    }

    /// <summary>Deletes a group file (<c>delete_group_file</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="fileId">The file id.</param>
    /// <param name="busid">The file's bus id, or <see langword="null"/> to leave it out.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task DeleteGroupFileAsync(long groupId, string fileId, int? busid = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        return ActionCalls.Run(_invoker, "delete_group_file", new DeleteGroupFileParams(groupId, fileId, busid), OneBotJsonContext.Default.DeleteGroupFileParams, cancellationToken);
    }

    /// <summary>Deletes a group folder (<c>delete_group_folder</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="folderId">The folder id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the implementation has answered.</returns>
    public virtual Task DeleteGroupFolderAsync(long groupId, string folderId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderId);
        return ActionCalls.Run(_invoker, "delete_group_folder", new GroupFolderParams(groupId, folderId), OneBotJsonContext.Default.GroupFolderParams, cancellationToken);
    }

    /// <summary>Has the implementation download a file into its cache (<c>download_file</c>).</summary>
    /// <param name="url">The address.</param>
    /// <param name="name">The file name (NapCat), or <see langword="null"/>.</param>
    /// <param name="headers">Request headers as <c>Name=value</c> lines, or <see langword="null"/>.</param>
    /// <param name="threadCount">Download threads (go-cqhttp), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Abandons the wait (the download may still finish).</param>
    /// <returns>The path on the implementation's host, usable as a segment's <c>file</c>.</returns>
    public virtual Task<string> DownloadFileAsync(string url, string? name = null, IEnumerable<string>? headers = null, int? threadCount = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        var parameters = new DownloadFileParams(url, name, headers?.ToArray(), threadCount);
        return ActionCalls.Invoke(_invoker, "download_file", parameters, OneBotJsonContext.Default.DownloadFileParams, OneBotReplyShape.Field(OneBotJsonContext.Default.FileResult, r => r.File, "file"), cancellationToken, OneBotActionKind.Transfer);
    }

    /// <summary>Resolves a received file by id (<c>get_file</c>; NapCat).</summary>
    /// <param name="fileId">The file id from a received segment.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The file's path, address, size and name.</returns>
    public virtual Task<OneBotFileInfo> GetFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        return ActionCalls.Invoke(_invoker, "get_file", new GetFileParams(fileId), OneBotJsonContext.Default.GetFileParams, OneBotReplyShape.Data(OneBotJsonContext.Default.OneBotFileInfo), cancellationToken, OneBotActionKind.Transfer);
    }

    private static OneBotReplyShape<string?> FileIdShape { get; } =
        OneBotReplyShape.Custom<string?>((action, data) => OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.FileIdResult)?.FileId);

    private static OneBotReplyShape<GroupFileList> FileListShape { get; } =
        OneBotReplyShape.Custom((action, data) => OneBotReplyShape.Deserialize(action, data, OneBotJsonContext.Default.GroupFileList) ?? new GroupFileList());
}
