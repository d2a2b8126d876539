using MiraiClient;

/// <summary>The sample bot's behaviour: <c>/ping</c> → <c>pong</c>, <c>/echo text</c> → <c>text</c>, everything else ignored.</summary>
internal static class PingEchoBot
{
    /// <summary>Gets the reply to a message's plain text, or <see langword="null"/> to stay silent.</summary>
    public static string? Reply(string plainText)
    {
        var text = plainText.Trim();
        if (text == "/ping")
        {
            return "pong";
        }

        return text.StartsWith("/echo ", StringComparison.Ordinal) && text.Length > "/echo ".Length ? text["/echo ".Length..] : null;
    }

    public static async Task RunAsync(IMiraiConnection connection, CancellationToken cancellationToken)
    {
        await foreach (var message in connection.GetEventsAsync<MessageEvent>(cancellationToken))
        {
            if (Reply(message.MessageChain.ToPlainText()) is not { } reply)
            {
                continue;
            }

            try
            {
                switch (message)
                {
                    case GroupMessage group:
                        await connection.SendGroupMessageAsync(group.Sender.Group.Id, reply, cancellationToken: cancellationToken);
                        break;
                    case FriendMessage friend:
                        await connection.SendFriendMessageAsync(friend.Sender.Id, reply, cancellationToken: cancellationToken);
                        break;
                }
            }
            catch (MiraiException ex)
            {
                Console.WriteLine($"[bot ] could not reply: {ex.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
