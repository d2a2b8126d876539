#region quick-start
using MiraiClient;
#endregion

namespace Snippets.Core;

/// <summary>README "Quick start": the core connection, answering /ping in groups.</summary>
public static class QuickStart
{
    public static async Task RunAsync()
    {
        #region quick-start
        await using var connection = new MiraiConnection(new MiraiConnectionOptions
        {
            Uri = new Uri("ws://127.0.0.1:8080"),
            VerifyKey = Environment.GetEnvironmentVariable("MIRAI_VERIFY_KEY"),
            QQ = 123456789,
        });

        var messages = connection.GetEventsAsync<GroupMessage>();   // subscribed from this line on
        await connection.ConnectAsync();                             // waits until the server accepts us

        await foreach (var message in messages)
        {
            if (message.MessageChain.ToPlainText().Trim() == "/ping")
                await connection.SendGroupMessageAsync(message.Sender.Group.Id, "pong");
        }
        #endregion
    }
}
