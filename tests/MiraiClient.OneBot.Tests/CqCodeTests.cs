using CsCheck;

namespace MiraiClient.OneBot.Tests;

/// <summary>The CQ-code grammar and escaping: exact cases, and properties over generated text and messages.</summary>
public class CqCodeTests
{
    private static readonly Gen<string> Tricky = Gen.OneOf("&", "[", "]", ",", "=", "&amp;", "&#91;", "&#93;", "&#44;", "&amp;#91;", "[CQ:", "[CQ:face,id=1]", "]]", "&&", "你好", "🌸", "\n", "\"", "\\");

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[' ', '\uD7FF'], 0, 24],
        Gen.String[Gen.Char["&[],=CQ:#0149a;"], 0, 24],
        Tricky.Array[1, 6].Select(parts => string.Concat(parts)));

    private static readonly Gen<string> Name = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_.-"], 1, 10];

    private static readonly Gen<OneBotSegment> CodeSegment =
        Gen.Select(Name.Where(n => n != "text"), Gen.Select(Name, Text).Array[0, 4])
            .Select((type, fields) => OneBotSegment.Create(type, fields.Select(f => new OneBotSegmentField(f.Item1, f.Item2))));

    private static readonly Gen<OneBotSegment> TextOrCode = Gen.OneOf(
        Text.Where(t => t.Length > 0).Select(t => (OneBotSegment)new TextSegment(t)),
        CodeSegment);

    [Fact]
    public void EscapeThenUnescape_ReturnsText_ForAnyText()
    {
        Text.Sample(
            text =>
            {
                var escapedText = CqCode.EscapeText(text);
                var escapedParameter = CqCode.EscapeParameter(text);
                Assert.Equal(text, CqCode.Unescape(escapedText));
                Assert.Equal(text, CqCode.Unescape(escapedParameter));
                Assert.DoesNotContain('[', escapedText);
                Assert.DoesNotContain(']', escapedText);
                Assert.DoesNotContain(',', escapedParameter);
                Assert.DoesNotContain('[', escapedParameter);
            },
            iter: 5000);
    }

    [Fact]
    public void FormatThenParse_ReturnsSameSegments_ForAnyMessage()
    {
        TextOrCode.Array[0, 8].Sample(
            segments =>
            {
                var message = new OneBotMessage(MergeText(segments));
                var cq = message.ToCqString();
                var parsed = OneBotMessage.FromCqString(cq);
                Assert.Equal(message, parsed);
                Assert.Equal(cq, CqCode.Format(parsed));
            },
            iter: 5000);
    }

    [Fact]
    public void Parse_NeverThrows_AndFormatsStably_ForAnyString()
    {
        Gen.OneOf(Text, Tricky.Array[0, 12].Select(p => string.Concat(p))).Sample(
            cq =>
            {
                var parsed = OneBotMessage.FromCqString(cq);
                var reformatted = CqCode.Format(parsed);
                Assert.Equal(parsed, OneBotMessage.FromCqString(reformatted));

                // Text segments are never adjacent and never empty.
                for (var i = 0; i < parsed.Count; i++)
                {
                    if (parsed[i] is TextSegment text)
                    {
                        Assert.NotEmpty(text.Text);
                        Assert.False(i > 0 && parsed[i - 1] is TextSegment);
                    }
                }
            },
            iter: 5000);
    }

    [Theory]
    [InlineData("[CQ:face,id=1")]
    [InlineData("[CQ:,id=1]")]
    [InlineData("[CQ:fa ce,id=1]")]
    [InlineData("[CQ:face,id]")]
    [InlineData("[CQ:face,=1]")]
    [InlineData("[CQ:face,id=1,]")]
    [InlineData("[CQ:face,i d=1]")]
    [InlineData("[CQ:text,text=hi]")]
    [InlineData("[cq:face,id=1]")]
    public void Parse_KeepsMalformedCodeAsText_WhenGrammarFails(string cq)
    {
        var parsed = OneBotMessage.FromCqString(cq);
        Assert.Equal(cq, Assert.IsType<TextSegment>(Assert.Single(parsed)).Text);
    }

    [Fact]
    public void Parse_SplitsParameterAtFirstEquals_WhenValueHasEquals()
    {
        var share = Assert.IsType<ShareSegment>(Assert.Single(OneBotMessage.FromCqString("[CQ:share,url=http://x/?a=1&amp;b=2,title=a=b]")));
        Assert.Equal("http://x/?a=1&b=2", share.Url);
        Assert.Equal("a=b", share.Title);
    }

    [Fact]
    public void Parse_FindsCodeInsideLookalike_WhenPrefixIsNotACode()
    {
        var parsed = OneBotMessage.FromCqString("[CQ:[CQ:face,id=1]x");
        Assert.Equal("[CQ:", Assert.IsType<TextSegment>(parsed[0]).Text);
        Assert.Equal(1, Assert.IsType<FaceSegment>(parsed[1]).FaceId);
        Assert.Equal("x", Assert.IsType<TextSegment>(parsed[2]).Text);
    }

    [Fact]
    public void Unescape_DecodesAmpersandLast_WhenEntityIsLiteral()
    {
        Assert.Equal("&#91;", CqCode.Unescape("&amp;#91;"));
        Assert.Equal("[,]&", CqCode.Unescape("&#91;&#44;&#93;&amp;"));
        Assert.Equal("&amp", CqCode.Unescape("&amp"));
    }

    [Fact]
    public void Format_WritesJsonValuesBareAndSkipsNulls_WhenDataIsNotString()
    {
        var segment = OneBotSegment.Create("image", [new("file", "a.jpg"), new("sub_type", "0", IsJson: true), new("raw", """{ "a" : [1, "x,y"] }""", IsJson: true), new("gone", "null", IsJson: true)]);
        Assert.Equal("[CQ:image,file=a.jpg,sub_type=0,raw={\"a\":&#91;1&#44;\"x&#44;y\"&#93;}]", segment.ToCqString());
        Assert.Null(segment.GetValue("gone"));
        Assert.Equal("""{"a":[1,"x,y"]}""", segment.GetValue("raw"));
    }

    [Fact]
    public void ImplicitText_IsNeverParsedAsCq_WhenTextLooksLikeCode()
    {
        OneBotMessage message = "[CQ:at,qq=all]";
        Assert.Equal("[CQ:at,qq=all]", Assert.IsType<TextSegment>(Assert.Single(message)).Text);
        Assert.False(message.MentionsAll);
        Assert.Equal("&#91;CQ:at,qq=all&#93;", message.ToCqString());
    }

    [Fact]
    public void WithValue_ReplacesInPlaceOrAppends_AndKeepsType()
    {
        var image = new ImageSegment("a.jpg", flash: true);
        var changed = Assert.IsType<ImageSegment>(image.WithValue("file", "b.jpg").WithValue("cache", "0").WithValue("type", null));
        Assert.Equal(new[] { "file", "cache" }, changed.Data.Select(f => f.Key).ToArray());
        Assert.Equal("b.jpg", changed.File);
        Assert.False(changed.IsFlash);
        Assert.Throws<ArgumentException>(() => image.WithJsonValue("x", "{not json"));
    }

    [Fact]
    public void TypedConstructors_WriteSpecKeys_WhenSending()
    {
        var message = new OneBotMessage(
            new TextSegment("a"),
            new FaceSegment(14),
            new ImageSegment("f.png", flash: true),
            new RecordSegment("r.amr", magic: true),
            new VideoSegment("v.mp4"),
            new AtSegment(3512345678),
            AtSegment.All,
            new RpsSegment(),
            new DiceSegment(),
            new ShakeSegment(),
            new PokeSegment("126", "2003"),
            new AnonymousSegment(ignore: true),
            new ShareSegment("http://x", "t", "c"),
            new ContactSegment(isGroup: true, 100100),
            new LocationSegment(31.2304, 121.4737, "t"),
            MusicSegment.FromPlatform("163", "28949129"),
            MusicSegment.Custom("http://x", "http://x/a.mp3", "t"),
            new ReplySegment(-5),
            new ForwardSegment("7512345678901234567"),
            NodeSegment.Reference(7),
            NodeSegment.Custom(10001000, "n", new OneBotMessage(new TextSegment("hi"))),
            new XmlSegment("<x/>"),
            new JsonSegment("{}"),
            new FileSegment("base64://AA==", "a.bin"),
            new MarketFaceSegment(230431, "e", "k", "[贴贴]"),
            new MarkdownSegment("# t"));
        Assert.Equal(
            "a[CQ:face,id=14][CQ:image,file=f.png,type=flash][CQ:record,file=r.amr,magic=1][CQ:video,file=v.mp4][CQ:at,qq=3512345678][CQ:at,qq=all]" +
            "[CQ:rps][CQ:dice][CQ:shake][CQ:poke,type=126,id=2003][CQ:anonymous,ignore=1][CQ:share,url=http://x,title=t,content=c][CQ:contact,type=group,id=100100]" +
            "[CQ:location,lat=31.2304,lon=121.4737,title=t][CQ:music,type=163,id=28949129][CQ:music,type=custom,url=http://x,audio=http://x/a.mp3,title=t]" +
            "[CQ:reply,id=-5][CQ:forward,id=7512345678901234567][CQ:node,id=7][CQ:node,user_id=10001000,nickname=n,content=&#91;{\"type\":\"text\"&#44;\"data\":{\"text\":\"hi\"}}&#93;]" +
            "[CQ:xml,data=<x/>][CQ:json,data={}][CQ:file,file=base64://AA==,name=a.bin][CQ:mface,emoji_package_id=230431,emoji_id=e,key=k,summary=&#91;贴贴&#93;][CQ:markdown,content=# t]",
            message.ToCqString());
        Assert.Equal(-5, message.OfSegmentType<ReplySegment>().Single().MessageId);
        Assert.Equal("-5", message.ReplyId);
        Assert.True(message.MentionsAll);
        Assert.True(message.Mentions(3512345678));
        Assert.Equal("hi", message.OfSegmentType<NodeSegment>().Last().Content!.ToPlainText());
        Assert.Equal((31.2304, 121.4737), (message.OfSegmentType<LocationSegment>().Single().Latitude!.Value, message.OfSegmentType<LocationSegment>().Single().Longitude!.Value));
    }

    private static IEnumerable<OneBotSegment> MergeText(IEnumerable<OneBotSegment> segments)
    {
        string? pending = null;
        foreach (var segment in segments)
        {
            if (segment is TextSegment text)
            {
                pending += text.Text;
                continue;
            }

            if (pending is not null)
            {
                yield return new TextSegment(pending);
                pending = null;
            }

            yield return segment;
        }

        if (pending is not null)
        {
            yield return new TextSegment(pending);
        }
    }
}
