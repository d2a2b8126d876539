using System.Text.Json;
using MiraiClient.Internal;

namespace MiraiClient.Tests.Conformance;

/// <summary>One command of the WebSocket adapter: how the typed API invokes it (with arguments taken
/// from a request vector when there is one), what it sends with default arguments, and a canned reply.</summary>
public sealed record CommandCase(
    string Key,
    string Command,
    string? SubCommand,
    Func<MiraiConnection, Args, Task<object?>> Invoke,
    string DefaultContent,
    string CannedReply)
{
    public override string ToString() => Key;
}

/// <summary>Arguments read from a request vector's content, with defaults when absent.</summary>
public sealed class Args(JsonElement? content)
{
    public long L(string name, long fallback) => content is { } c && c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : fallback;

    public int I(string name, int fallback) => (int)L(name, fallback);

    public bool B(string name, bool fallback) => content is { } c && c.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public string? S(string name, string? fallback) => content is { } c && c.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : null) : fallback;

    public MessageChain Chain(string name, MessageChain fallback) =>
        content is { } c && c.TryGetProperty(name, out var v) ? JsonSerializer.Deserialize(v.GetRawText(), MiraiJsonContext.Default.MessageChain)! : fallback;

    public string[] Strings(string name, string[] fallback) =>
        content is { } c && c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString()!).ToArray() : fallback;

    public JsonElement? Object(string name) => content is { } c && c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
}

public static class CommandCases
{
    private const string Ok = """{"code":0,"msg":"success"}""";
    private const string Receipt = """{"code":0,"msg":"success","messageId":4242}""";
    private const string FriendJson = """{"id":11,"nickname":"n","remark":"r"}""";
    private const string GroupJson = """{"id":22,"name":"g","permission":"OWNER"}""";
    private const string MemberJson = """{"id":33,"memberName":"m","specialTitle":"","permission":"MEMBER","joinTimestamp":1,"lastSpeakTimestamp":2,"muteTimeRemaining":0,"group":""" + GroupJson + ""","active":null}""";
    private const string FileJson = """{"name":"a.txt","id":"/abc","path":"/a.txt","parent":null,"contact":""" + GroupJson + ""","isFile":true,"isDictionary":false,"isDirectory":false,"size":10,"sha1":null,"md5":null,"uploaderId":null,"uploadTime":null,"lastModifyTime":null,"downloadInfo":null}""";
    private const string AnnouncementJson = """{"group":""" + GroupJson + ""","content":"hi","senderId":1,"fid":"f1","allConfirmed":false,"confirmedMembersCount":0,"publicationTime":1}""";
    private const string ProfileJson = """{"nickname":"nick","email":"","age":3,"level":4,"sign":"s","sex":"FEMALE"}""";
    private const string PacketJson = """{"type":"FriendMessage","messageChain":[{"type":"Source","id":5,"time":6},{"type":"Plain","text":"hi"}],"sender":""" + FriendJson + "}";

    private static MessageChain Hello => new(new PlainElement("hello"), new AtElement(99));

    private const string HelloJson = """[{"type":"Plain","text":"hello"},{"type":"At","target":99,"display":""}]""";

    private static NewFriendRequestEvent FriendRequest(Args a) => new() { EventId = a.L("eventId", 1), FromId = a.L("fromId", 2), GroupId = a.L("groupId", 3) };

    private static MemberJoinRequestEvent JoinRequest(Args a) => new() { EventId = a.L("eventId", 1), FromId = a.L("fromId", 2), GroupId = a.L("groupId", 3) };

    private static BotInvitedJoinGroupRequestEvent Invitation(Args a) => new() { EventId = a.L("eventId", 1), FromId = a.L("fromId", 2), GroupId = a.L("groupId", 3) };

    /// <summary>Every command word of the WebSocket adapter (45), with the two sub-commands of groupConfig and memberInfo.</summary>
    public static IReadOnlyList<CommandCase> All { get; } =
    [
        new("about", "about", null, async (c, a) => await c.AboutAsync(), "null", """{"code":0,"msg":"","data":{"version":"2.10.0"}}"""),
        new("botList", "botList", null, async (c, a) => await c.GetBotListAsync(), "null", """{"code":0,"msg":"","data":[1,2]}"""),
        new("sessionInfo", "sessionInfo", null, async (c, a) => await c.GetSessionInfoAsync(), "{}", """{"code":0,"msg":"","data":{"sessionKey":"abcdefgh","qq":""" + FriendJson + "}}"),
        new("messageFromId", "messageFromId", null, async (c, a) => await c.Messages.GetMessageAsync(a.L("target", 7), a.I("messageId", 8)), """{"target":7,"messageId":8}""", """{"code":0,"msg":"","data":""" + PacketJson + "}"),
        new("friendList", "friendList", null, async (c, a) => await c.Contacts.GetFriendsAsync(), "null", """{"code":0,"msg":"","data":[""" + FriendJson + "]}"),
        new("groupList", "groupList", null, async (c, a) => await c.Contacts.GetGroupsAsync(), "null", """{"code":0,"msg":"","data":[""" + GroupJson + "]}"),
        new("memberList", "memberList", null, async (c, a) => await c.Contacts.GetMembersAsync(a.L("target", 22)), """{"target":22}""", """{"code":0,"msg":"","data":[""" + MemberJson + "]}"),
        new("latestMemberList", "latestMemberList", null, async (c, a) => await c.Contacts.GetLatestMembersAsync(a.L("target", 22), [33, 34]), """{"target":22,"memberIds":[33,34]}""", """{"code":0,"msg":"","data":[""" + MemberJson + "]}"),
        new("botProfile", "botProfile", null, async (c, a) => await c.Contacts.GetBotProfileAsync(), "null", ProfileJson),
        new("friendProfile", "friendProfile", null, async (c, a) => await c.Contacts.GetFriendProfileAsync(a.L("target", 11)), """{"target":11}""", ProfileJson),
        new("memberProfile", "memberProfile", null, async (c, a) => await c.Contacts.GetMemberProfileAsync(a.L("target", 22), a.L("memberId", 33)), """{"target":22,"memberId":33}""", ProfileJson),
        new("userProfile", "userProfile", null, async (c, a) => await c.Contacts.GetUserProfileAsync(a.L("target", 44)), """{"target":44}""", ProfileJson),
        new("sendFriendMessage", "sendFriendMessage", null, async (c, a) => await c.SendFriendMessageAsync(a.L("target", 11), a.Chain("messageChain", Hello)), """{"target":11,"quote":null,"messageChain":""" + HelloJson + "}", Receipt),
        new("sendGroupMessage", "sendGroupMessage", null, async (c, a) => await c.SendGroupMessageAsync(a.L("target", 22), a.Chain("messageChain", Hello)), """{"target":22,"quote":null,"messageChain":""" + HelloJson + "}", Receipt),
        new("sendTempMessage", "sendTempMessage", null, async (c, a) => await c.SendTempMessageAsync(a.L("qq", 33), a.L("group", 22), a.Chain("messageChain", Hello)), """{"qq":33,"group":22,"quote":null,"messageChain":""" + HelloJson + "}", Receipt),
        new("sendOtherClientMessage", "sendOtherClientMessage", null, async (c, a) => await c.Messages.SendOtherClientMessageAsync(a.L("target", 55), a.Chain("messageChain", Hello)), """{"target":55,"quote":null,"messageChain":""" + HelloJson + "}", Receipt),
        new("sendImageMessage", "sendImageMessage", null, async (c, a) => await c.Messages.SendImageUrlsToGroupAsync(a.L("group", 22), a.Strings("urls", ["https://example.org/a.png"])), """{"group":22,"urls":["https://example.org/a.png"]}""", """{"code":0,"msg":"","data":["{ABC}.png"]}"""),
        new("sendNudge", "sendNudge", null, async (c, a) => { await c.SendNudgeAsync(a.L("target", 33), a.L("subject", 22), Enum.Parse<NudgeKind>(a.S("kind", "Group")!)); return true; }, """{"target":33,"subject":22,"kind":"Group"}""", Ok),
        new("recall", "recall", null, async (c, a) => { await c.RecallAsync(a.L("target", 22), a.I("messageId", -9)); return true; }, """{"target":22,"messageId":-9}""", Ok),
        new("roamingMessages", "roamingMessages", null, async (c, a) => await c.Messages.GetRoamingMessagesAsync(a.L("target", 11), a.L("timeStart", 100), a.L("timeEnd", 200)), """{"timeStart":100,"timeEnd":200,"target":11,"qq":null,"group":null}""", """{"code":0,"msg":"","data":[""" + PacketJson + "]}"),
        new("file_list", "file_list", null, async (c, a) => await c.Files.ListAsync(a.L("target", 22), a.S("id", "")!, a.S("path", null), a.B("withDownloadInfo", false), a.I("offset", 0), a.L("size", 0) is var s and > 0 ? (int)s : null), """{"id":"","target":22,"withDownloadInfo":false,"offset":0}""", """{"code":0,"msg":"","data":[""" + FileJson + "]}"),
        new("file_info", "file_info", null, async (c, a) => await c.Files.GetInfoAsync(a.L("target", 22), a.S("id", "/abc")!, a.S("path", null), a.B("withDownloadInfo", false)), """{"id":"/abc","target":22,"withDownloadInfo":false}""", """{"code":0,"msg":"","data":""" + FileJson + "}"),
        new("file_mkdir", "file_mkdir", null, async (c, a) => await c.Files.CreateFolderAsync(a.L("target", 22), a.S("id", "")!, a.S("directoryName", "new")!), """{"id":"","target":22,"directoryName":"new"}""", """{"code":0,"msg":"","data":""" + FileJson + "}"),
        new("file_delete", "file_delete", null, async (c, a) => { await c.Files.DeleteAsync(a.L("target", 22), a.S("id", "/abc")!, a.S("path", null)); return true; }, """{"id":"/abc","target":22}""", Ok),
        new("file_move", "file_move", null, async (c, a) => { await c.Files.MoveAsync(a.L("target", 22), a.S("id", "/abc")!, a.S("moveTo", "/dir"), a.S("moveToPath", null)); return true; }, """{"id":"/abc","target":22,"moveTo":"/dir"}""", Ok),
        new("file_rename", "file_rename", null, async (c, a) => { await c.Files.RenameAsync(a.L("target", 22), a.S("id", "/abc")!, a.S("renameTo", "b.txt")!); return true; }, """{"id":"/abc","target":22,"renameTo":"b.txt"}""", Ok),
        new("deleteFriend", "deleteFriend", null, async (c, a) => { await c.Contacts.DeleteFriendAsync(a.L("target", 11)); return true; }, """{"target":11}""", Ok),
        new("mute", "mute", null, async (c, a) => { await c.Groups.MuteAsync(a.L("target", 22), a.L("memberId", 33), TimeSpan.FromSeconds(a.L("time", 60))); return true; }, """{"target":22,"memberId":33,"time":60}""", Ok),
        new("unmute", "unmute", null, async (c, a) => { await c.Groups.UnmuteAsync(a.L("target", 22), a.L("memberId", 33)); return true; }, """{"target":22,"memberId":33}""", Ok),
        new("kick", "kick", null, async (c, a) => { await c.Groups.KickAsync(a.L("target", 22), a.L("memberId", 33), a.S("msg", "bye")!, a.B("block", true)); return true; }, """{"target":22,"memberId":33,"block":true,"msg":"bye"}""", Ok),
        new("quit", "quit", null, async (c, a) => { await c.Groups.QuitAsync(a.L("target", 22)); return true; }, """{"target":22}""", Ok),
        new("muteAll", "muteAll", null, async (c, a) => { await c.Groups.MuteAllAsync(a.L("target", 22)); return true; }, """{"target":22}""", Ok),
        new("unmuteAll", "unmuteAll", null, async (c, a) => { await c.Groups.UnmuteAllAsync(a.L("target", 22)); return true; }, """{"target":22}""", Ok),
        new("setEssence", "setEssence", null, async (c, a) => { await c.Groups.SetEssenceAsync(a.L("target", 22), a.I("messageId", 77)); return true; }, """{"target":22,"messageId":77}""", Ok),
        new("groupConfig.get", "groupConfig", "get", async (c, a) => await c.Groups.GetConfigAsync(a.L("target", 22)), """{"target":22}""", """{"name":"g","confessTalk":false,"allowMemberInvite":true,"autoApprove":false,"anonymousChat":false,"muteAll":false}"""),
        new("groupConfig.update", "groupConfig", "update", async (c, a) =>
        {
            var config = a.Object("config") is { } o ? new Args(o) : new Args(null);
            await c.Groups.UpdateConfigAsync(a.L("target", 22), new GroupConfigUpdate
            {
                Name = config.S("name", "renamed"),
                ConfessTalk = a.Object("config") is null ? null : config.B("confessTalk", false),
                AllowMemberInvite = config.B("allowMemberInvite", true),
                AutoApprove = a.Object("config") is null ? null : config.B("autoApprove", false),
                AnonymousChat = a.Object("config") is null ? null : config.B("anonymousChat", false),
            });
            return true;
        }, """{"target":22,"config":{"name":"renamed","allowMemberInvite":true}}""", Ok),
        new("memberInfo.get", "memberInfo", "get", async (c, a) => await c.Groups.GetMemberInfoAsync(a.L("target", 22), a.L("memberId", 33)), """{"target":22,"memberId":33}""", MemberJson),
        new("memberInfo.update", "memberInfo", "update", async (c, a) =>
        {
            var info = new Args(a.Object("info"));
            await c.Groups.UpdateMemberInfoAsync(a.L("target", 22), a.L("memberId", 33), new MemberInfoUpdate { Name = info.S("name", "card"), SpecialTitle = info.S("specialTitle", null) });
            return true;
        }, """{"target":22,"memberId":33,"info":{"name":"card"}}""", Ok),
        new("memberAdmin", "memberAdmin", null, async (c, a) => { await c.Groups.SetAdminAsync(a.L("target", 22), a.L("memberId", 33), a.B("assign", true)); return true; }, """{"target":22,"memberId":33,"assign":true}""", Ok),
        new("anno_list", "anno_list", null, async (c, a) => await c.Announcements.ListAsync(a.L("id", 22), a.I("offset", 0), null), """{"id":22,"offset":0}""", """{"code":0,"msg":"","data":[""" + AnnouncementJson + "]}"),
        new("anno_publish", "anno_publish", null, async (c, a) => await c.Announcements.PublishAsync(a.L("target", 22), new AnnouncementDraft { Content = a.S("content", "notice")!, Pinned = a.B("pinned", true) }), """{"target":22,"content":"notice","pinned":true}""", """{"code":0,"msg":"","data":""" + AnnouncementJson + "}"),
        new("anno_delete", "anno_delete", null, async (c, a) => { await c.Announcements.DeleteAsync(a.L("id", 22), a.S("fid", "f1")!); return true; }, """{"id":22,"fid":"f1"}""", Ok),
        new("resp_newFriendRequestEvent", "resp_newFriendRequestEvent", null, async (c, a) => { await FriendRequest(a).AcceptAsync(c); return true; }, """{"eventId":1,"fromId":2,"groupId":3,"operate":0,"message":""}""", Ok),
        new("resp_memberJoinRequestEvent", "resp_memberJoinRequestEvent", null, async (c, a) =>
        {
            if (a.I("operate", 3) == 0)
            {
                await JoinRequest(a).AcceptAsync(c);
            }
            else
            {
                await JoinRequest(a).RejectAsync(c, "no", blacklist: true);
            }

            return true;
        }, """{"eventId":1,"fromId":2,"groupId":3,"operate":3,"message":"no"}""", Ok),
        new("resp_botInvitedJoinGroupRequestEvent", "resp_botInvitedJoinGroupRequestEvent", null, async (c, a) =>
        {
            if (a.I("operate", 1) == 0)
            {
                await Invitation(a).AcceptAsync(c);
            }
            else
            {
                await Invitation(a).RejectAsync(c);
            }

            return true;
        }, """{"eventId":1,"fromId":2,"groupId":3,"operate":1,"message":""}""", Ok),
        new("cmd_execute", "cmd_execute", null, async (c, a) => { await c.Console.ExecuteAsync(a.Chain("command", "/stop")); return true; }, """{"command":[{"type":"Plain","text":"/stop"}]}""", Ok),
        new("cmd_register", "cmd_register", null, async (c, a) => { await c.Console.RegisterAsync(a.S("name", "hello")!, a.Strings("alias", ["hi"]), a.S("usage", "/hello"), a.S("description", "says hello")); return true; }, """{"name":"hello","alias":["hi"],"usage":"/hello","description":"says hello"}""", Ok),
    ];

    public static CommandCase For(string key) => All.Single(c => c.Key == key);
}
