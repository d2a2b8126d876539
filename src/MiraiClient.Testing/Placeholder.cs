namespace MiraiClient.Testing;

internal static class Placeholder
{
}
