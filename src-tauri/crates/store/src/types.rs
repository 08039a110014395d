//! Enumerations stored as TEXT (lower_snake_case), one per CHECK constraint in the schema.

text_enum! {
    /// A social platform.
    pub enum Platform {
        #[default]
        X = "x",
        Linkedin = "linkedin",
        Facebook = "facebook",
        Instagram = "instagram",
        Threads = "threads",
        Youtube = "youtube",
        Tiktok = "tiktok",
        Pinterest = "pinterest",
        Bluesky = "bluesky",
        Mastodon = "mastodon",
    }
}

text_enum! {
    /// How a developer app receives the OAuth redirect.
    pub enum RedirectMode {
        #[default]
        Loopback = "loopback",
        DeepLink = "deep_link",
        OutOfBand = "out_of_band",
        Custom = "custom",
    }
}

text_enum! {
    /// What kind of account a channel is.
    pub enum ChannelKind {
        #[default]
        Profile = "profile",
        Page = "page",
        Organization = "organization",
        Board = "board",
    }
}

text_enum! {
    /// Connection state of a channel.
    pub enum ChannelStatus {
        #[default]
        Connected = "connected",
        ReconnectNeeded = "reconnect_needed",
        Disconnected = "disconnected",
    }
}

text_enum! {
    /// Owner of a sealed secret (part of the AEAD associated data in the vault).
    pub enum SecretOwnerKind {
        #[default]
        Channel = "channel",
        DeveloperApp = "developer_app",
        AiProvider = "ai_provider",
        MediaHost = "media_host",
        App = "app",
    }
}

text_enum! {
    /// Overall state of a post (derived from its targets' jobs once scheduled).
    pub enum PostStatus {
        #[default]
        Draft = "draft",
        Scheduled = "scheduled",
        Publishing = "publishing",
        Published = "published",
        PartiallyPublished = "partially_published",
        Failed = "failed",
    }
}

text_enum! {
    /// Publish job state machine: scheduled -> publishing -> published | failed | unconfirmed;
    /// held (channel needs reconnect, ...) and cancelled are side states.
    pub enum JobState {
        #[default]
        Scheduled = "scheduled",
        Publishing = "publishing",
        Published = "published",
        Failed = "failed",
        Unconfirmed = "unconfirmed",
        Held = "held",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// Result of one publish attempt.
    pub enum AttemptOutcome {
        #[default]
        Success = "success",
        RetryableError = "retryable_error",
        RateLimited = "rate_limited",
        NeedsReauth = "needs_reauth",
        Rejected = "rejected",
        Unknown = "unknown",
        Interrupted = "interrupted",
    }
}

text_enum! {
    /// Kind of inbox thread.
    pub enum ThreadKind {
        #[default]
        Comments = "comments",
        Mentions = "mentions",
        Dm = "dm",
    }
}

text_enum! {
    /// Kind of inbox message.
    pub enum MessageKind {
        #[default]
        Comment = "comment",
        Reply = "reply",
        Mention = "mention",
        Dm = "dm",
    }
}

text_enum! {
    /// Whether a message was received or sent by the user.
    pub enum Direction {
        #[default]
        Inbound = "inbound",
        Outbound = "outbound",
    }
}

text_enum! {
    /// Sentiment tag of an inbox message.
    pub enum Sentiment {
        #[default]
        Neutral = "neutral",
        Positive = "positive",
        Negative = "negative",
        Mixed = "mixed",
    }
}

text_enum! {
    /// Where a reply written in Outpost stands.
    pub enum ReplyState {
        #[default]
        Pending = "pending",
        Sent = "sent",
        Unconfirmed = "unconfirmed",
        Failed = "failed",
    }
}

text_enum! {
    /// Who assigned a sentiment.
    pub enum SentimentSource {
        #[default]
        Local = "local",
        Ai = "ai",
        User = "user",
    }
}

text_enum! {
    /// A client's decision on an approval preview.
    pub enum Decision {
        #[default]
        Approved = "approved",
        Rejected = "rejected",
    }
}

text_enum! {
    /// Kind of searchable item.
    pub enum SearchKind {
        #[default]
        Post = "post",
        Idea = "idea",
        Template = "template",
    }
}
