using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using MiraiClient.Internal;

namespace MiraiClient.OneBot.Internal;

/// <summary>
/// Classifies a whole inbound frame in one forward pass over its UTF-8 bytes and, for message events
/// (nearly all the traffic), decodes the event in that same pass.
/// </summary>
/// <remarks>
/// <para>A frame with a <c>post_type</c> is an event; otherwise one with a <c>status</c> or <c>retcode</c>
/// is an action response (the echo is not used to classify: NapCat adds one nobody sent, LLBot drops it).
/// Everything else is a <see cref="MiraiProtocolException"/>, the only exception this reader throws.</para>
/// <para>The pass reads every field a message event has. When a field has an unusual shape (a quoted
/// number, a null where a number belongs, a segment without a type) the message is decoded again by the
/// serializer, which defines the semantics and produces the typed errors; so the fast path can never
/// decide a frame differently. Other events are decoded by the serializer from the same bytes.</para>
/// </remarks>
internal static class OneBotFrameReader
{
    private static readonly JsonReaderOptions ReaderOptions = JsonDepth.ReaderOptions;

    /// <summary>Classifies one frame, decoding it when it is an event.</summary>
    /// <param name="frame">The whole WebSocket message.</param>
    /// <param name="isCheckedUtf8">Whether the socket already checked that the frame is valid UTF-8 (a text
    /// message through the runtime's socket): the pass then does not check it again.</param>
    /// <returns>The frame.</returns>
    /// <exception cref="MiraiProtocolException">The frame is not valid UTF-8 JSON, not an object, neither an event nor a response, or an event that cannot be decoded.</exception>
    public static OneBotFrame Read(ReadOnlySpan<byte> frame, bool isCheckedUtf8 = false)
    {
        // The JSON reader checks structure, not every string's encoding. The strings the pass transcodes are
        // checked by the transcoding; the rest of the frame once the pass is through (Utf8Spans), unless the
        // socket checked the whole text message already. A frame that fails to parse is checked whole first,
        // so invalid UTF-8 is reported as such whatever else is wrong.
        FrameFields fields;
        try
        {
            var reader = new Utf8JsonReader(frame, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException("The frame is not a JSON object.");
            }

            fields = default;
            fields.Scan(ref reader, frame, topLevel: true);

            // Anything after the closing brace makes the frame invalid; Read throws on it.
            if (reader.Read())
            {
                throw new MiraiProtocolException("The frame has content after its JSON object.");
            }
        }
        catch (Exception) when (!Utf8.IsValid(frame))
        {
            throw new MiraiProtocolException("The frame is not valid UTF-8.");
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The frame is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new MiraiProtocolException($"The frame has the wrong shape: {ex.Message}", ex);
        }

        if (!isCheckedUtf8 && !fields.Checked.RestIsValid(frame))
        {
            throw new MiraiProtocolException("The frame is not valid UTF-8.");
        }

        if (fields.HasPostType)
        {
            return new OneBotFrame(OneBotFrameKind.Event, fields.ToEvent(frame), default);
        }

        if (fields.HasStatus || fields.HasRetCode)
        {
            return new OneBotFrame(OneBotFrameKind.Response, null, fields.ToResponse(frame));
        }

        throw new MiraiProtocolException("The frame has neither a post_type (event) nor a status or retcode (action response).");
    }

    /// <summary>Decodes one message object found inside a response (history, forwards) by the same pass.</summary>
    /// <param name="json">The object's bytes.</param>
    /// <returns>The event.</returns>
    /// <exception cref="MiraiProtocolException">It is not a message event.</exception>
    public static OneBotEvent ReadEventObject(ReadOnlySpan<byte> json)
    {
        FrameFields fields = default;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MiraiProtocolException("The event is not a JSON object.");
            }

            fields.Scan(ref reader, json, topLevel: false);
        }
        catch (JsonException ex)
        {
            throw new MiraiProtocolException($"The event is not valid JSON: {ex.Message}", ex);
        }

        // Messages inside responses may leave out post_type; message_type still says what they are.
        if (!fields.HasPostType)
        {
            fields.PostType = "";
            fields.Nested = true;
        }

        return fields.ToEvent(json);
    }

    /// <summary>Decodes a message event frame by the one pass alone, without falling back to the serializer.</summary>
    /// <param name="json">The event object.</param>
    /// <param name="message">The event, when the pass accepted it.</param>
    /// <returns>Whether the frame is a message event of a shape the pass decodes itself.</returns>
    /// <remarks>For tests and benchmarks: it shows which frames the fast path decides.</remarks>
    internal static bool TryReadMessageEvent(ReadOnlySpan<byte> json, [NotNullWhen(true)] out OneBotMessageEvent? message)
    {
        message = null;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            FrameFields fields = default;
            fields.Scan(ref reader, json, topLevel: true);
            if (reader.Read() || !fields.FastOk || fields.PostType is not ("message" or "message_sent"))
            {
                return false;
            }

            var isPrivate = fields.MessageType == "private";
            if (!isPrivate && (fields.MessageType != "group" || fields.GroupIdNull))
            {
                return false;
            }

            message = fields.BuildMessage(isPrivate);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Every field the pass collects. Only message events are built from it directly.</summary>
    private struct FrameFields
    {
        // Classification.
        public string? PostType;
        public bool HasPostType;
        public string? MessageType;
        public string? NoticeType;
        public string? RequestType;
        public string? MetaEventType;
        public string? SubType;

        // Message event fields, valid while FastOk holds.
        public bool FastOk;
        public bool Nested;
        public long Time;
        public long SelfId;
        public long MessageId;
        public long UserId;
        public long? GroupId;
        public bool GroupIdNull;
        public OneBotMessage? Message;
        public string? MessageText;
        public string? RawMessage;
        public int RawUtf8Length;
        public int RawStart;
        public int RawLength;
        public bool RawChecked;
        public Utf8Spans Checked;
        public int Font;
        public OneBotSender? Sender;
        public OneBotAnonymous? Anonymous;
        public long? TargetId;
        public long? MessageSeq;
        public long? RealId;
        public string? RealSeq;
        public string? MessageFormat;
        public string? GroupName;
        public int? TempSource;
        public string? MessageSentType;

        // Response fields.
        public string? Status;
        public bool HasStatus;
        public int? RetCode;
        public bool HasRetCode;
        public int DataStart;
        public int DataLength;
        public string? Wording;
        public string? Msg;
        public OneBotEchoKind EchoKind;
        public long EchoId;
        public string? EchoText;
        public OneBotStreamMarker Stream;

        public void Scan(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, bool topLevel)
        {
            FastOk = true;
            DataStart = -1;
            RawStart = -1;
            Checked = Utf8Spans.None;
            Span<byte> nameBuffer = stackalloc byte[32];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                scoped ReadOnlySpan<byte> name;
                if (!reader.ValueIsEscaped)
                {
                    name = reader.ValueSpan;
                }
                else
                {
                    name = CopyName(ref reader, nameBuffer, out var length) ? nameBuffer[..length] : default;
                }

                reader.Read();
                ReadValue(ref reader, json, KeyOf(name), topLevel);
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw new JsonException("The object is not closed.");
            }
        }

        public readonly OneBotEvent ToEvent(ReadOnlySpan<byte> json)
        {
            var post = PostType ?? throw new MiraiProtocolException("The frame's post_type is not a string.");
            if (post is "message" or "message_sent" || Nested)
            {
                var isPrivate = MessageType == "private";
                if (isPrivate || MessageType == "group")
                {
                    return FastOk && (isPrivate || !GroupIdNull) ? BuildMessage(isPrivate) : OneBotEventDecoder.DecodeMessageWithSerializer(json, isPrivate);
                }
            }

            var detail = post switch
            {
                "message" or "message_sent" => MessageType,
                "notice" => NoticeType,
                "request" => RequestType,
                "meta_event" => MetaEventType,
                _ => null,
            };
            return OneBotEventDecoder.DecodeWithSerializer(json, post, detail, SubType);
        }

        public readonly OneBotResponse ToResponse(ReadOnlySpan<byte> frame)
        {
            var isFinal = Stream != OneBotStreamMarker.Stream || !DataTypeIsStream(DataStart < 0 ? default : frame.Slice(DataStart, DataLength));
            return new OneBotResponse(Status, RetCode, DataStart, DataLength, MessageText, Wording, Msg, EchoKind, EchoId, EchoText, Stream, isFinal);
        }

        public readonly OneBotMessageEvent BuildMessage(bool isPrivate)
        {
            var message = Message ?? (MessageText is { } text ? OneBotMessage.FromCqString(text) : OneBotMessage.Empty);
            if (isPrivate)
            {
                return new PrivateMessageEvent
                {
                    Time = Time,
                    SelfId = SelfId,
                    PostType = PostType!,
                    SubType = SubType!,
                    MessageId = MessageId,
                    UserId = UserId,
                    Message = message,
                    RawMessage = RawMessage!,
                    Font = Font,
                    Sender = Sender!,
                    TargetId = TargetId,
                    MessageSeq = MessageSeq,
                    RealId = RealId,
                    RealSeq = RealSeq,
                    MessageFormat = MessageFormat,
                    MessageSentType = MessageSentType,
                    GroupId = GroupId,
                    TempSource = TempSource,
                };
            }

            return new GroupMessageEvent
            {
                Time = Time,
                SelfId = SelfId,
                PostType = PostType!,
                SubType = SubType!,
                MessageId = MessageId,
                UserId = UserId,
                Message = message,
                RawMessage = RawMessage!,
                Font = Font,
                Sender = Sender!,
                TargetId = TargetId,
                MessageSeq = MessageSeq,
                RealId = RealId,
                RealSeq = RealSeq,
                MessageFormat = MessageFormat,
                MessageSentType = MessageSentType,
                GroupId = GroupId ?? 0,
                Anonymous = Anonymous,
                GroupName = GroupName,
            };
        }

        private void ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Key key, bool topLevel)
        {
            switch (key)
            {
                case Key.PostType:
                    HasPostType = true;
                    PostType = reader.TokenType == JsonTokenType.String ? WireStrings.GetString(ref reader) : null;
                    reader.Skip();
                    break;
                case Key.MessageType:
                    MessageType = ReadDetail(ref reader);
                    break;
                case Key.NoticeType:
                    NoticeType = ReadDetail(ref reader);
                    break;
                case Key.RequestType:
                    RequestType = ReadDetail(ref reader);
                    break;
                case Key.MetaEventType:
                    MetaEventType = ReadDetail(ref reader);
                    break;
                case Key.SubType:
                    SubType = ReadDetail(ref reader);
                    break;
                case Key.Time:
                    Time = ReadInt64(ref reader);
                    break;
                case Key.SelfId:
                    SelfId = ReadInt64(ref reader);
                    break;
                case Key.MessageId:
                    MessageId = ReadInt64(ref reader);
                    break;
                case Key.UserId:
                    UserId = ReadInt64(ref reader);
                    break;
                case Key.GroupId:
                    GroupIdNull = reader.TokenType == JsonTokenType.Null;
                    GroupId = ReadNullableInt64(ref reader);
                    break;
                case Key.TargetId:
                    TargetId = ReadNullableInt64(ref reader);
                    break;
                case Key.MessageSeq:
                    MessageSeq = ReadNullableInt64(ref reader);
                    break;
                case Key.RealId:
                    RealId = ReadNullableInt64(ref reader);
                    break;
                case Key.Font:
                    Font = ReadInt32(ref reader);
                    break;
                case Key.TempSource:
                    TempSource = reader.TokenType == JsonTokenType.Null ? null : ReadInt32(ref reader);
                    break;
                case Key.Message:
                    ReadMessageValue(ref reader, json);
                    break;
                case Key.RawMessage:
                    // In string format raw_message repeats message: share one string.
                    // In array format a plain-text message's one text segment is raw_message too: share it.
                    ReadRawMessage(ref reader);
                    break;
                case Key.Sender:
                    ReadSenderValue(ref reader, json);
                    break;
                case Key.Anonymous:
                    ReadAnonymousValue(ref reader);
                    break;
                case Key.RealSeq:
                    RealSeq = ReadLenientString(ref reader);
                    break;
                case Key.MessageFormat:
                    MessageFormat = ReadNullableKnownString(ref reader);
                    break;
                case Key.GroupName:
                    GroupName = reader.TokenType == JsonTokenType.String ? RecentStrings.GetString(ref reader) : ReadNullableString(ref reader);
                    break;
                case Key.MessageSentType:
                    MessageSentType = ReadNullableKnownString(ref reader);
                    break;
                case Key.Status when topLevel:
                    HasStatus = true;
                    Status = reader.TokenType == JsonTokenType.String ? WireStrings.GetString(ref reader) : null;
                    reader.Skip();
                    break;
                case Key.RetCode when topLevel:
                    HasRetCode = true;
                    RetCode = reader.TokenType switch
                    {
                        JsonTokenType.Number when reader.TryGetInt32(out var code) => code,
                        JsonTokenType.String when int.TryParse(reader.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code) => code,
                        _ => null,
                    };
                    reader.Skip();
                    break;
                case Key.Data when topLevel:
                    DataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    DataLength = (int)reader.BytesConsumed - DataStart;
                    break;
                case Key.Wording when topLevel:
                    Wording = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    break;
                case Key.Msg when topLevel:
                    Msg = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    break;
                case Key.Echo when topLevel:
                    ReadEcho(ref reader);
                    break;
                case Key.Stream when topLevel:
                    Stream = reader.TokenType != JsonTokenType.String ? OneBotStreamMarker.None
                        : reader.ValueTextEquals("stream-action"u8) ? OneBotStreamMarker.Stream
                        : OneBotStreamMarker.Normal;
                    reader.Skip();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        private string? ReadDetail(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return WireStrings.GetString(ref reader);
            }

            if (reader.TokenType != JsonTokenType.Null)
            {
                FastOk = false;
            }

            reader.Skip();
            return null;
        }

        private long ReadInt64(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
            {
                return value;
            }

            FastOk = false;
            reader.Skip();
            return 0;
        }

        private long? ReadNullableInt64(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.Null ? null : ReadInt64(ref reader);

        private int ReadInt32(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
            {
                return value;
            }

            FastOk = false;
            reader.Skip();
            return 0;
        }

        private void ReadRawMessage(ref Utf8JsonReader reader)
        {
            var isString = reader.TokenType == JsonTokenType.String && !reader.HasValueSequence;
            RawUtf8Length = isString && !reader.ValueIsEscaped ? reader.ValueSpan.Length : -1;
            RawStart = isString ? (int)reader.TokenStartIndex + 1 : -1;
            RawLength = isString ? reader.ValueSpan.Length : 0;
            RawChecked = false;
            if (reader.TokenType == JsonTokenType.String && (MessageText ?? SoleText(Message)) is { } sameText && reader.ValueTextEquals(sameText))
            {
                RawMessage = sameText;
                return;
            }

            RawMessage = ReadNullableString(ref reader);

            // Transcoded with validation: the frame's final UTF-8 check can leave these bytes out.
            if (isString)
            {
                RawChecked = true;
                Checked.Add(RawStart, RawLength);
            }
        }

        private string? ReadNullableString(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return StringTokens.GetString(ref reader);
                case JsonTokenType.Null:
                    return null;
                default:
                    FastOk = false;
                    reader.Skip();
                    return null;
            }
        }

        /// <summary>As <see cref="ReadNullableString"/>, sharing the vocabulary's strings (<c>array</c>, <c>self</c>, …).</summary>
        private string? ReadNullableKnownString(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.String ? WireStrings.GetString(ref reader) : ReadNullableString(ref reader);

        private static string? SoleText(OneBotMessage? message) =>
            message is { Count: 1 } && message[0] is TextSegment text ? text.Text : null;

        private string? ReadLenientString(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return StringTokens.GetString(ref reader);
                case JsonTokenType.Number:
                    return Encoding.UTF8.GetString(reader.ValueSpan);
                case JsonTokenType.True:
                    return "true";
                case JsonTokenType.False:
                    return "false";
                case JsonTokenType.Null:
                    return null;
                default:
                    FastOk = false;
                    reader.Skip();
                    return null;
            }
        }

        private void ReadMessageValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                {
                    var start = reader;
                    var rawToken = RawStart >= 0 && RawMessage is not null ? json.Slice(RawStart, RawLength) : default;
                    var sameAsRaw = -1;
                    Message = SegmentReader.ReadArray(ref reader, RawMessage, RawUtf8Length, rawToken, ref sameAsRaw);

                    // A text token with exactly raw_message's (checked) bytes is valid UTF-8 too.
                    if (sameAsRaw >= 0 && RawChecked)
                    {
                        Checked.Add(sameAsRaw, RawLength);
                    }

                    MessageText = null;
                    if (Message is null)
                    {
                        FastOk = false;
                        reader = start;
                        reader.Skip();
                    }

                    break;
                }
                case JsonTokenType.String:
                    // A CQ string in an event, the error text in a response: decided once the frame is classified.
                    MessageText = RawMessage is { } sameRaw && reader.ValueTextEquals(sameRaw) ? sameRaw : StringTokens.GetString(ref reader);
                    Message = null;
                    break;
                case JsonTokenType.Null:
                    Message = OneBotMessage.Empty;
                    MessageText = null;
                    break;
                default:
                    FastOk = false;
                    reader.Skip();
                    break;
            }
        }

        private void ReadSenderValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                Sender = OneBotSender.Empty;
                return;
            }

            var start = reader;
            if (reader.TokenType == JsonTokenType.StartObject && !reader.HasValueSequence)
            {
                // A member seen before sends the same bytes: compare them instead of reading the fields.
                var from = (int)reader.TokenStartIndex;
                reader.Skip();
                var bytes = json[from..(int)reader.BytesConsumed];
                if (SenderJsonCache.Find(bytes) is { } known)
                {
                    Sender = known;
                    return;
                }

                var fresh = start;
                Sender = ReadSender(ref fresh);
                if (Sender is not null)
                {
                    SenderJsonCache.Add(bytes, Sender);
                    return;
                }

                FastOk = false;
                return;
            }

            Sender = reader.TokenType == JsonTokenType.StartObject ? ReadSender(ref reader) : null;
            if (Sender is null)
            {
                FastOk = false;
                reader = start;
                reader.Skip();
            }
        }

        private void ReadAnonymousValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                Anonymous = null;
                return;
            }

            var start = reader;
            Anonymous = reader.TokenType == JsonTokenType.StartObject ? ReadAnonymous(ref reader) : null;
            if (Anonymous is null)
            {
                FastOk = false;
                reader = start;
                reader.Skip();
            }
        }

        private void ReadEcho(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                EchoKind = OneBotEchoKind.Null;
                return;
            }

            if (reader.TokenType == JsonTokenType.Number || (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped))
            {
                if (TryCanonicalId(reader.ValueSpan, out var id))
                {
                    EchoKind = OneBotEchoKind.Id;
                    EchoId = id;
                    return;
                }
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                // Compared as text: an escaped string may still spell one of our ids.
                var text = reader.GetString()!;
                if (reader.ValueIsEscaped && TryCanonicalId(Encoding.UTF8.GetBytes(text), out var unescaped))
                {
                    EchoKind = OneBotEchoKind.Id;
                    EchoId = unescaped;
                    return;
                }

                EchoKind = OneBotEchoKind.Other;
                EchoText = text;
                return;
            }

            EchoKind = OneBotEchoKind.Other;
            EchoText = JsonText.ReadCompact(ref reader);
        }

        /// <summary>Whether the text is exactly how a 64-bit integer formats: no sign but a leading
        /// minus, no leading zeros, nothing else. Only such text can equal an echo this client sent.</summary>
        private static bool TryCanonicalId(ReadOnlySpan<byte> text, out long id)
        {
            id = 0;
            var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
            if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || (digits[0] == (byte)'0' && (digits.Length > 1 || digits.Length != text.Length)))
            {
                return false;
            }

            return Utf8Parser.TryParse(text, out id, out var consumed) && consumed == text.Length;
        }

        private static bool DataTypeIsStream(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty || data[0] != (byte)'{')
            {
                return false;
            }

            var reader = new Utf8JsonReader(data, ReaderOptions);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("stream"u8);
                }

                reader.Skip();
            }

            return false;
        }

        private static bool CopyName(ref Utf8JsonReader reader, scoped Span<byte> buffer, out int length)
        {
            length = 0;
            try
            {
                length = reader.CopyString(buffer);
                return true;
            }
            catch (ArgumentException)
            {
                // Longer than any key we know.
                return false;
            }
        }
    }

    private static OneBotSender? ReadSender(ref Utf8JsonReader reader)
    {
        long userId = 0;
        string nickname = "";
        string? card = null, sex = null, area = null, level = null, role = null, title = null;
        int? age = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("user_id"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out userId))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("nickname"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out var value))
                {
                    return null;
                }

                nickname = value ?? "";
            }
            else if (reader.ValueTextEquals("card"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out card))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out role))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("sex"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out sex))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("age"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    age = null;
                }
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
                {
                    age = value;
                }
                else
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("area"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out area))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("level"u8))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        level = WireStrings.GetString(ref reader);
                        break;
                    case JsonTokenType.Number:
                        level = Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case JsonTokenType.Null:
                        level = null;
                        break;
                    default:
                        return null;
                }
            }
            else if (reader.ValueTextEquals("title"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out title))
                {
                    return null;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return SenderCache.Get(userId, nickname, card, sex, age, area, level, role, title);
    }

    private static OneBotAnonymous? ReadAnonymous(ref Utf8JsonReader reader)
    {
        long id = 0;
        string? name = null, flag = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out id))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out name))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("flag"u8))
            {
                reader.Read();
                if (!TryString(ref reader, out flag))
                {
                    return null;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new OneBotAnonymous { Id = id, Name = name!, Flag = flag! };
    }

    /// <summary>A string or null (repeated short values shared); false for any other kind.</summary>
    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.String)
        {
            value = RecentStrings.GetString(ref reader);
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    private enum Key
    {
        Unknown,
        PostType,
        MessageType,
        NoticeType,
        RequestType,
        MetaEventType,
        SubType,
        Time,
        SelfId,
        MessageId,
        UserId,
        GroupId,
        TargetId,
        MessageSeq,
        RealId,
        RealSeq,
        Font,
        TempSource,
        Message,
        RawMessage,
        Sender,
        Anonymous,
        MessageFormat,
        GroupName,
        MessageSentType,
        Status,
        RetCode,
        Data,
        Wording,
        Msg,
        Echo,
        Stream,
    }

    private static Key KeyOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("msg"u8) ? Key.Msg : Key.Unknown,
        4 => name.SequenceEqual("time"u8) ? Key.Time
            : name.SequenceEqual("data"u8) ? Key.Data
            : name.SequenceEqual("echo"u8) ? Key.Echo
            : name.SequenceEqual("font"u8) ? Key.Font
            : Key.Unknown,
        6 => name.SequenceEqual("sender"u8) ? Key.Sender
            : name.SequenceEqual("status"u8) ? Key.Status
            : name.SequenceEqual("stream"u8) ? Key.Stream
            : Key.Unknown,
        7 => name.SequenceEqual("user_id"u8) ? Key.UserId
            : name.SequenceEqual("message"u8) ? Key.Message
            : name.SequenceEqual("self_id"u8) ? Key.SelfId
            : name.SequenceEqual("real_id"u8) ? Key.RealId
            : name.SequenceEqual("retcode"u8) ? Key.RetCode
            : name.SequenceEqual("wording"u8) ? Key.Wording
            : Key.Unknown,
        8 => name.SequenceEqual("group_id"u8) ? Key.GroupId
            : name.SequenceEqual("sub_type"u8) ? Key.SubType
            : name.SequenceEqual("real_seq"u8) ? Key.RealSeq
            : Key.Unknown,
        9 => name.SequenceEqual("post_type"u8) ? Key.PostType
            : name.SequenceEqual("target_id"u8) ? Key.TargetId
            : name.SequenceEqual("anonymous"u8) ? Key.Anonymous
            : Key.Unknown,
        10 => name.SequenceEqual("message_id"u8) ? Key.MessageId
            : name.SequenceEqual("group_name"u8) ? Key.GroupName
            : Key.Unknown,
        11 => name.SequenceEqual("raw_message"u8) ? Key.RawMessage
            : name.SequenceEqual("message_seq"u8) ? Key.MessageSeq
            : name.SequenceEqual("notice_type"u8) ? Key.NoticeType
            : name.SequenceEqual("temp_source"u8) ? Key.TempSource
            : Key.Unknown,
        12 => name.SequenceEqual("message_type"u8) ? Key.MessageType
            : name.SequenceEqual("request_type"u8) ? Key.RequestType
            : Key.Unknown,
        14 => name.SequenceEqual("message_format"u8) ? Key.MessageFormat : Key.Unknown,
        15 => name.SequenceEqual("meta_event_type"u8) ? Key.MetaEventType : Key.Unknown,
        17 => name.SequenceEqual("message_sent_type"u8) ? Key.MessageSentType : Key.Unknown,
        _ => Key.Unknown,
    };

    /// <summary>The C# properties of the message event models that the one-pass reader sets itself.</summary>
    /// <remarks>The guard test requires every public settable property of those models to be here or in
    /// <see cref="LeftToSerializer"/>, and the differential test checks the reader sets each of them
    /// exactly as the serializer would.</remarks>
    internal static IReadOnlySet<string> ReadProperties { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "OneBotEvent.Time", "OneBotEvent.SelfId", "OneBotEvent.PostType",
        "OneBotMessageEvent.SubType", "OneBotMessageEvent.MessageId", "OneBotMessageEvent.UserId", "OneBotMessageEvent.Message",
        "OneBotMessageEvent.RawMessage", "OneBotMessageEvent.Font", "OneBotMessageEvent.Sender", "OneBotMessageEvent.TargetId",
        "OneBotMessageEvent.MessageSeq", "OneBotMessageEvent.RealId", "OneBotMessageEvent.RealSeq", "OneBotMessageEvent.MessageFormat",
        "OneBotMessageEvent.MessageSentType",
        "PrivateMessageEvent.GroupId", "PrivateMessageEvent.TempSource",
        "GroupMessageEvent.GroupId", "GroupMessageEvent.Anonymous", "GroupMessageEvent.GroupName",
        "OneBotSender.UserId", "OneBotSender.Nickname", "OneBotSender.Card", "OneBotSender.Sex", "OneBotSender.Age",
        "OneBotSender.Area", "OneBotSender.Level", "OneBotSender.Role", "OneBotSender.Title",
        "OneBotAnonymous.Id", "OneBotAnonymous.Name", "OneBotAnonymous.Flag",
    };

    /// <summary>Properties of the message event models the one-pass reader leaves to the serializer (none today).</summary>
    internal static IReadOnlySet<string> LeftToSerializer { get; } = new HashSet<string>(StringComparer.Ordinal);
}
