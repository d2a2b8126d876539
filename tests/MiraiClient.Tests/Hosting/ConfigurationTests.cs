using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MiraiClient.Hosting;
using MiraiClient.Hosting.Configuration;

namespace MiraiClient.Tests.Hosting;

/// <summary>Every option binds; bad values are refused with the full key and the expected format, and
/// under the bot host they stop it with exit code 3 and one log line instead of an exception.</summary>
[Collection(ProcessExitCode.Name)]
public class ConfigurationTests(ITestOutputHelper output) : HostedBotTestBase(output)
{
    [Fact]
    public async Task AddMiraiClient_BindsTheUploadAndHttpAdapterAddresses()
    {
        await using var provider = Provider(new()
        {
            ["Mirai:Uri"] = "ws://127.0.0.1:8080",
            ["Mirai:UploadUri"] = "http://127.0.0.1:8080/upload/",
            ["Mirai:HttpAdapterUri"] = "https://files.example.org:8443",
            ["Mirai:CloseTimeout"] = "250ms",
            ["Mirai:Heartbeat:Timeout"] = "1.5s",
            ["Mirai:Reconnect:StableAfter"] = "2m",
        });
        var options = provider.GetRequiredService<IOptions<MiraiConnectionOptions>>().Value;
        Assert.Equal(new Uri("http://127.0.0.1:8080/upload/"), options.UploadUri);
        Assert.Equal(new Uri("https://files.example.org:8443"), options.HttpAdapterUri);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CloseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Heartbeat.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Reconnect.StableAfter);
    }

    [Theory]
    [InlineData("00:00:30", 30_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData(" 1.5S ", 1_500)]
    public void Duration_ReadsHhMmSsOrANumberWithAUnit(string text, long milliseconds)
    {
        Assert.True(ConfigurationReader.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("30", "a bare number is ambiguous (.NET would read it as 30 days); write a duration such as 00:00:30 (hh:mm:ss) or 30s")]
    [InlineData("30 seconds", "expected a duration such as 00:00:30 (hh:mm:ss) or 30s (units ms, s, m, h, d)")]
    [InlineData("soon", "expected a duration such as 00:00:30")]
    public void Duration_RefusesAmbiguousOrUnknownText_NamingTheFullKeyAndTheFormat(string text, string expected)
    {
        var errors = new List<string>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:CommandTimeout"] = text }).Build();
        Assert.Null(new ConfigurationReader(configuration.GetSection("Mirai"), errors).Duration("CommandTimeout"));
        var error = Assert.Single(errors);
        Assert.StartsWith($"Configuration value 'Mirai:CommandTimeout' = '{text.Trim()}' is not valid: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mirai:CommandTimeout", "30", "'Mirai:CommandTimeout' = '30' is not valid: a bare number is ambiguous")]
    [InlineData("Mirai:CommandTimeout", "-00:00:05", "Configuration key 'Mirai:CommandTimeout' is not valid: CommandTimeout must be positive")]
    [InlineData("Mirai:UploadUri", "::nonsense::", "'Mirai:UploadUri' = '::nonsense::' is not valid: expected an absolute http:// or https:// address")]
    [InlineData("Mirai:HttpAdapterUri", "ws://127.0.0.1:1", "Configuration key 'Mirai:HttpAdapterUri' is not valid")]
    [InlineData("Mirai:Reconnect:MaxDelay", "00:00:00.010", "Configuration key 'Mirai:Reconnect:MaxDelay' is not valid: Reconnect.MaxDelay must not be shorter")]
    [InlineData("Mirai:Hosting:MaxConcurrentHandlers", "0", "Configuration key 'Mirai:Hosting:MaxConcurrentHandlers' is not valid")]
    [InlineData("Mirai:Hosting:Ordering", "Sometimes", "'Mirai:Hosting:Ordering' = 'Sometimes' is not valid: expected one of None, PerChat, PerSender")]
    [InlineData("Mirai:Hosting:DrainTimeout", "10", "'Mirai:Hosting:DrainTimeout' = '10' is not valid: a bare number is ambiguous")]
    public async Task InvalidConfiguration_UnderTheBotHost_StopsWithExitCode3_AndOneCriticalLineNamingTheKey(string key, string value, string expected)
    {
        var config = new Dictionary<string, string?> { ["Mirai:Uri"] = "ws://127.0.0.1:1", ["Mirai:QQ"] = "1", [key] = value };
        using var host = BuildHost(config, _ => { });
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));

        Assert.Equal(3, code);
        var critical = Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid");
        Assert.Equal(LogLevel.Critical, critical.Level);
        Assert.Contains(expected, critical.Message, StringComparison.Ordinal);
        Assert.EndsWith("Stopping the host with exit code 3.", critical.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', critical.Message);
        Assert.Null(critical.Exception);
        Assert.DoesNotContain(Logs.Lines, l => l.Level >= LogLevel.Error && l.Exception is not null);
    }

    [Fact]
    public async Task InvalidConfiguration_OfOneBotUnderMiraiBots_NamesItsKeyAndTheSharedOne()
    {
        var config = new Dictionary<string, string?>
        {
            ["Mirai:Bots:alpha:Uri"] = "ws://127.0.0.1:1",
            ["Mirai:Bots:alpha:QQ"] = "abc",
            ["Mirai:Bots:beta:QQ"] = "2",
        };
        using var host = BuildHost(config, _ => { });
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Equal(3, code);
        var message = Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid").Message;
        Assert.Contains("'Mirai:Bots:alpha:QQ' = 'abc' is not valid: expected a whole number", message, StringComparison.Ordinal);
        Assert.Contains("Configuration key 'Mirai:Bots:beta:Uri' (or the shared 'Mirai:Uri') is not valid: Uri is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSection_IsReportedAsSuch()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["MiraiApi:Uri"] = "ws://127.0.0.1:1" }, _ => { });
        var code = await ProcessExitCode.CaptureAsync(() => host.RunAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(15), TestToken));
        Assert.Equal(3, code);
        var message = Assert.Single(Logs.Lines, l => l.EventId.Name == "ConfigurationInvalid").Message;
        Assert.Contains("Configuration key 'Mirai:Uri' is not valid: Uri is required", message, StringComparison.Ordinal);
        Assert.Contains("The configuration section 'Mirai' has no values; check its name.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheBotHost_TheOptionsAreStillValidatedWhenTheHostStarts_NamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mirai:Uri"] = "ws://127.0.0.1:1", ["Mirai:CommandTimeout"] = "-00:00:01" });
        builder.Services.AddMiraiClient(builder.Configuration.GetSection("Mirai"));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestToken));
        Assert.Contains("Configuration key 'Mirai:CommandTimeout' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotOptions_BindFromConfiguration()
    {
        await using var provider = Provider(
            new()
            {
                ["Bot:MaxConcurrentHandlers"] = "4",
                ["Bot:MaxQueuedEvents"] = "64",
                ["Bot:Ordering"] = "perchat",
                ["Bot:DrainTimeout"] = "2500ms",
                ["Bot:AbandonTimeout"] = "00:00:04",
                ["Bot:FatalExitCode"] = "70",
            },
            (services, configuration) => services.AddMiraiBot().Configure(configuration.GetSection("Bot")));
        var options = provider.GetRequiredService<IOptions<MiraiBotOptions>>().Value;
        Assert.Equal(4, options.MaxConcurrentHandlers);
        Assert.Equal(64, options.MaxQueuedEvents);
        Assert.Equal(ConversationOrdering.PerChat, options.Ordering);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.AbandonTimeout);
        Assert.Equal(70, options.FatalExitCode);
        Assert.Null(MiraiBotOptionsBinder.Check(options));
    }

    [Fact]
    public async Task BotOptions_TheOrderPerConversationKeyOf010_StillTurnsOrderingOff()
    {
        await using var provider = Provider(
            new() { ["Bot:OrderPerConversation"] = "false" },
            (services, configuration) => services.AddMiraiBot().Configure(configuration.GetSection("Bot")));
        Assert.Equal(ConversationOrdering.None, provider.GetRequiredService<IOptions<MiraiBotOptions>>().Value.Ordering);
#pragma warning disable CS0618 // the 0.1.0 property must keep working
        var options = new MiraiBotOptions { OrderPerConversation = false };
        Assert.Equal(ConversationOrdering.None, options.Ordering);
        options.OrderPerConversation = true;
        Assert.Equal(ConversationOrdering.PerSender, options.Ordering);
#pragma warning restore CS0618
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddMiraiClient(configuration.GetSection("Mirai"));
        configure?.Invoke(services, configuration);
        return services.BuildServiceProvider();
    }
}
