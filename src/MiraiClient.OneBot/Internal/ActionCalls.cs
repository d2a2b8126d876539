using System.Text.Json.Serialization.Metadata;

namespace MiraiClient.OneBot.Internal;

/// <summary>Shared plumbing of the action groups.</summary>
internal static class ActionCalls
{
    public static Task<T> Invoke<TParams, T>(IOneBotActionInvoker? invoker, string action, TParams parameters, JsonTypeInfo<TParams> info, OneBotReplyShape<T> reply, CancellationToken cancellationToken, OneBotActionKind kind = OneBotActionKind.Default)
        where TParams : class =>
        Require(invoker).InvokeAsync(action, parameters, info, reply, kind, cancellationToken);

    public static Task<T> Invoke<T>(IOneBotActionInvoker? invoker, string action, OneBotReplyShape<T> reply, CancellationToken cancellationToken, OneBotActionKind kind = OneBotActionKind.Default) =>
        Require(invoker).InvokeAsync<NoParams, T>(action, null, null, reply, kind, cancellationToken);

    /// <summary>An action whose result is only success or failure.</summary>
    public static Task Run<TParams>(IOneBotActionInvoker? invoker, string action, TParams parameters, JsonTypeInfo<TParams> info, CancellationToken cancellationToken, OneBotActionKind kind = OneBotActionKind.Default)
        where TParams : class =>
        Require(invoker).InvokeAsync(action, parameters, info, OneBotReplyShape.Completion, kind, cancellationToken);

    public static Task Run(IOneBotActionInvoker? invoker, string action, CancellationToken cancellationToken) =>
        Require(invoker).InvokeAsync<NoParams, bool>(action, null, null, OneBotReplyShape.Completion, OneBotActionKind.Default, cancellationToken);

    public static long Seconds(TimeSpan duration, string name) =>
        duration < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(name, duration, "The duration cannot be negative.") : (long)duration.TotalSeconds;

    private static IOneBotActionInvoker Require(IOneBotActionInvoker? invoker) =>
        invoker ?? throw new InvalidOperationException("This action group was created for substitution in tests and has no connection; override the methods the test calls.");
}
