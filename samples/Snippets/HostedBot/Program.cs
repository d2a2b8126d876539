using Microsoft.Extensions.Hosting;

namespace Snippets.HostedBot;

/// <summary>README "With the .NET Generic Host": the bot's Program.cs, as a method, since a library has
/// no top-level statements.</summary>
public static class Program
{
    public static async Task<int> RunAsync(string[] args)
    {
        #region hosting-program
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddMyBot();                                  // the registration below, shared with the tests
        await builder.Build().RunAsync();
        return Environment.ExitCode;                         // 3 when the bot could not run
        #endregion
    }
}
