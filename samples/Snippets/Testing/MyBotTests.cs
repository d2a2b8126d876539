#region testing
using Microsoft.Extensions.DependencyInjection;
using MiraiClient.Testing;
using Xunit;
#endregion
using Snippets.HostedBot;

namespace Snippets.Testing;

// README "Testing your bot with MiraiClient.Testing": tests of the README's bot. They are not discovered
// here (this is no test project); tests/MiraiClient.Tests/Readme runs them as written.
#region testing
public class MyBotTests
{
    [Fact]
    public async Task Ping_IsAnsweredWithPong()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(builder => builder.AddMyBot());
        await bot.PushGroupMessageAsync(group: 1, sender: 2, "/ping");
        var reply = await bot.Sent.NextMessageAsync();
        Assert.Equal("pong", reply.Text);
    }

    [Fact]
    public async Task Ask_QuotesTheQuestion_InTheLlmsAnswer()
    {
        await using var bot = await MiraiBotTestHost.StartAsync(builder =>
        {
            builder.AddMyBot();
            builder.Services.AddSingleton<ILlmClient>(new CannedLlm("42"));   // replaces the real one
        });
        var question = await bot.PushGroupMessageAsync(group: 1, sender: 2, "/ask the answer?");
        var reply = await bot.Sent.NextMessageAsync();
        Assert.Equal("42", reply.Text);
        Assert.Equal(question.MessageChain.MessageId, reply.Quote);
        Assert.Empty(bot.Logs.Errors);
    }

    private sealed class CannedLlm(string answer) : ILlmClient
    {
        public Task<string> AskAsync(string question, CancellationToken cancellationToken) => Task.FromResult(answer);
    }
}
#endregion
