using MiraiClient.Internal;

namespace MiraiClient;

/// <summary>Mirai console commands.</summary>
public class MiraiConsoleCommands
{
    private readonly MiraiCommandSender? _sender;

    /// <summary>Initializes an instance for a substitute in tests (a mock or a subclass): override the
    /// methods a test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected MiraiConsoleCommands()
    {
    }

    internal MiraiConsoleCommands(MiraiCommandSender sender) => _sender = sender;

    private MiraiCommandSender Sender => _sender ?? throw MiraiCommandSender.NotConnected(GetType());

    /// <summary>Runs a console command (<c>cmd_execute</c>); the first element is the command name.</summary>
    /// <param name="command">The command as a message chain, for example <c>"/stop"</c>.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task ExecuteAsync(MessageChain command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Sender.SendAsync(MiraiRequest.With("cmd_execute", MiraiJsonContext.Default.CommandExecuteContent, new CommandExecuteContent(command)), MiraiReply.Status, cancellationToken);
    }

    /// <summary>Registers a console command; its uses arrive as <see cref="CommandExecutedEvent"/> (<c>cmd_register</c>).</summary>
    /// <param name="name">The command name.</param>
    /// <param name="alias">Other names.</param>
    /// <param name="usage">The usage text.</param>
    /// <param name="description">The description.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the server confirmed.</returns>
    public virtual Task RegisterAsync(string name, IEnumerable<string>? alias = null, string? usage = null, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var content = new CommandRegisterContent(name, alias?.ToArray() ?? [], usage, description);
        return Sender.SendAsync(MiraiRequest.With("cmd_register", MiraiJsonContext.Default.CommandRegisterContent, content), MiraiReply.Status, cancellationToken);
    }
}
