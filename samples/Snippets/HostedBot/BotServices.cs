using MiraiClient;
using MiraiClient.Hosting;

namespace Snippets.HostedBot;

/// <summary>The bot's answer engine; the README's bot asks it for every /ask.</summary>
public interface ILlmClient
{
    Task<string> AskAsync(string question, CancellationToken cancellationToken);
}

/// <summary>Stands in for a real LLM client (an HTTP API, a local model): slow, and honours cancellation.</summary>
public sealed class MyLlmClient : ILlmClient
{
    public async Task<string> AskAsync(string question, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        return $"You asked: {question}";
    }
}

/// <summary>Answers friends: a class handler, resolved in a scope of its own for each event.</summary>
public sealed class MyFriendHandler : IMiraiEventHandler<FriendMessage>
{
    public async Task HandleAsync(MiraiEventContext<FriendMessage> context, CancellationToken cancellationToken)
    {
        var text = context.Event.MessageChain.ToPlainText();
        if (!text.StartsWith('/'))
        {
            await context.ReplyAsync("You said: " + text, cancellationToken: cancellationToken);
        }
    }
}
