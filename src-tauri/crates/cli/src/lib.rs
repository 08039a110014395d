//! `outpost`: the command line over Outpost's core. Scripts depend on its flags, output and exit
//! status (DESIGN.md §3): change them only by adding.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Read;

use clap::{Parser, Subcommand};
use outpost_app::channels::{Platform, Surface};
use outpost_app::{OpenOptions, Paths, Secret};
use zeroize::Zeroize;

#[derive(Debug, Parser)]
#[command(
    name = "outpost",
    version,
    about = "Outpost: local-first social media manager (command line)"
)]
struct Cli {
    /// Where all state lives (default: the OS app-data directory, shared with the desktop app).
    #[arg(long, global = true, env = "OUTPOST_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON instead of text (fields are documented in the README).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print Outpost's version.
    Version,
    /// Check the data directory, database schema, vault backend and keychain.
    Doctor,
    /// Export everything (except secrets) into one zip archive (format: EXPORT_FORMAT.md).
    Export {
        /// The archive to write (replaced only once it is complete).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Import an export archive into an empty profile (all or nothing).
    Import {
        /// The archive to read.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Developer apps: your own client id (and secret) per platform.
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Connected accounts, pages and organizations.
    #[command(subcommand)]
    Channels(ChannelsCommand),
    /// Posts: create, list, show, delete.
    #[command(subcommand)]
    Posts(PostsCommand),
    /// Run the scheduler headless until stopped (SIGTERM/Ctrl-C finish in-flight posts first).
    Run {
        /// Publish what is due now, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Bulk CSV import and export of posts (columns: CSV_FORMAT.md).
    #[command(subcommand)]
    Csv(CsvCommand),
    /// The demo workspace (for trying Outpost, screenshots and benchmarks).
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Weekly posting slots of a channel (its queue).
    #[command(subcommand)]
    Slots(SlotsCommand),
    /// Feeds (RSS, Atom, JSON Feed) whose new items become drafts, queued posts or posts.
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Client approvals with no server: sealed preview files and the decision codes that come back.
    #[command(subcommand)]
    Approvals(ApprovalsCommand),
    /// The smart inbox: comments, replies, mentions and direct messages from the channels.
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// Analytics: metrics of published posts and channels, kept locally without limit.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
    /// The AI assistant over any OpenAI-compatible endpoint (OpenAI, OpenRouter, Ollama, LM Studio).
    #[command(subcommand)]
    Ai(AiCommand),
    /// Your S3-compatible bucket for platforms that fetch media from a URL (Instagram, Threads,
    /// TikTok photos).
    #[command(subcommand)]
    MediaHost(MediaHostCommand),
    /// Full-text search of posts, ideas and templates (what the app's palette finds): the best
    /// matches first; the last word is matched as a prefix.
    Search {
        /// Words to find (any text; operators are taken literally).
        query: String,
        /// How many results, 1 to 50.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=50))]
        limit: u32,
    },
    /// Offline sentiment of each line of FILE (or stdin): one result a line, in order.
    Sentiment {
        /// A text file, one text a line (stdin when omitted).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Delete one item by kind and id (dependent rows go with it; a media item's file too).
    Delete {
        /// post, draft, idea, template, tag, campaign, media, inbox-thread, inbox-message, preview,
        /// board-column, slot or app (channels: `channels disconnect`, which revokes first).
        #[arg(value_parser = parse_item_kind)]
        kind: outpost_app::data::ItemKind,
        #[arg(value_name = "ID")]
        id: String,
    },
    /// The secret vault: re-seal every stored secret under a new master key.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Delete all data: revoke tokens, delete every row, media and log file and the keychain entry.
    DeleteAll {
        /// Confirm; nothing is deleted without it.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AiCommand {
    /// Save the provider: base URL (e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1) and
    /// model; the API key, from standard input, is sealed in the vault for that provider only.
    Set {
        #[arg(long, value_name = "URL")]
        base_url: String,
        #[arg(long, value_name = "NAME")]
        model: String,
        /// Read the API key from standard input (one line).
        #[arg(long)]
        api_key_stdin: bool,
        /// Refuse any endpoint that is not on this machine.
        #[arg(long)]
        local_only: bool,
        /// Remove e-mail addresses and phone numbers from inbox text before it is sent.
        #[arg(long)]
        strip_contacts: bool,
    },
    /// The provider settings (never the key: only whether one is saved).
    Show,
    /// Consent to sending the text you choose to the configured provider (recorded with the
    /// policy version); --revoke withdraws it.
    Consent {
        #[arg(long)]
        revoke: bool,
    },
    /// The brand persona that shapes every prompt.
    #[command(subcommand)]
    Persona(PersonaCommand),
    /// Refine a draft (tone, length, clarity).
    Refine(AiActionArgs),
    /// Expand an idea into a post.
    Expand(AiActionArgs),
    /// Rewrite a post for a platform (--platform required).
    Repurpose(AiActionArgs),
    /// Suggest hashtags.
    Hashtags(AiActionArgs),
    /// Suggest a reply to a message (--text, or an inbox item with --inbox-item).
    Reply(AiActionArgs),
    /// Label a message's sentiment (positive, neutral, negative); --apply sets it on the inbox item.
    Sentiment {
        #[command(flatten)]
        args: AiActionArgs,
        /// Set the label on the inbox item (--inbox-item) as your correction.
        #[arg(long)]
        apply: bool,
    },
    /// Write a reusable template with {{variables}} from an idea; --save NAME keeps it.
    Template {
        #[command(flatten)]
        args: AiActionArgs,
        /// Save the template under this name (outpost templates, the composer's template picker).
        #[arg(long, value_name = "NAME")]
        save: Option<String>,
    },
    /// Generate an image (where the endpoint offers OpenAI's images API); it lands in the media
    /// library.
    Image {
        /// What to draw.
        #[arg(long, value_name = "TEXT")]
        prompt: String,
        /// The image model (default gpt-image-1).
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        /// e.g. 1024x1024.
        #[arg(long, value_name = "WxH")]
        size: Option<String>,
        /// Print the exact request body that would be sent, and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The ledger of AI calls (last 30 days), newest first; --delete ID or --delete-all.
    Ledger {
        #[arg(long, value_name = "ID")]
        delete: Option<String>,
        #[arg(long, conflicts_with = "delete")]
        delete_all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PersonaCommand {
    /// Change the given fields (the others stay); --example and --avoid replace their lists.
    Set {
        #[arg(long, value_name = "T")]
        tone: Option<String>,
        #[arg(long, value_name = "A")]
        audience: Option<String>,
        #[arg(long, value_name = "N")]
        notes: Option<String>,
        /// An example post (repeat for several).
        #[arg(long, value_name = "TEXT")]
        example: Vec<String>,
        /// A word or phrase to avoid (repeat for several).
        #[arg(long, value_name = "WORD")]
        avoid: Vec<String>,
    },
    /// The persona.
    Show,
}

#[derive(Debug, clap::Args)]
struct AiActionArgs {
    /// The text to send (the only text of yours that leaves the device).
    #[arg(long, value_name = "TEXT", required_unless_present = "inbox_item")]
    text: Option<String>,
    /// Work on this inbox item's text instead (reply, sentiment).
    #[arg(long, value_name = "ID", conflicts_with = "text")]
    inbox_item: Option<String>,
    /// The platform whose rules the answer must follow.
    #[arg(long, value_parser = parse_platform, value_name = "P")]
    platform: Option<Platform>,
    /// Print the exact request body that would be sent, and send nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Subcommand)]
enum ApprovalsCommand {
    /// Write a sealed, password-protected preview of a post (one self-contained HTML file).
    Create {
        #[arg(value_name = "POST_ID")]
        post_id: String,
        /// The HTML file to write.
        #[arg(long, value_name = "FILE.html")]
        out: PathBuf,
        /// Read the preview's password from standard input (one line; at least 8 characters).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// How long the client can answer: e.g. 24h, 90m, 1h30m (at most 24h, the default).
        #[arg(long, value_name = "DURATION")]
        expires_in: Option<String>,
    },
    /// Every preview with its state (waiting, approved, rejected, expired, revoked).
    List,
    /// Revoke a waiting preview: its key is deleted, its decision will be refused.
    Revoke {
        #[arg(value_name = "PREVIEW_ID")]
        id: String,
    },
    /// Record the decision code a client sent back.
    Apply {
        #[arg(value_name = "CODE")]
        code: String,
        /// Refuse the code unless it is for this post.
        #[arg(long, value_name = "POST_ID")]
        post: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum CsvCommand {
    /// Check every row, then create the posts: all rows or none (see --skip-invalid).
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only check and list the rows with their errors; create nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create the valid rows and skip the rows with errors.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Write every post to a CSV file in the columns the import reads.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an empty profile with demo channels (which never publish), posts, ideas and more.
    Seed {
        /// How many posts to create (spread over last, this and next month).
        #[arg(long, default_value_t = outpost_app::demo::DEFAULT_POSTS)]
        posts: u32,
    },
}

#[derive(Debug, Subcommand)]
enum FeedsCommand {
    /// Follow a feed: its new items are posted to the channels (read at the next poll).
    Add {
        #[arg(value_name = "URL")]
        url: String,
        #[arg(long = "channel", value_name = "ID", required = true)]
        channels: Vec<String>,
        /// draft (review first), queue (next free posting slot) or now (publish at once).
        #[arg(long, default_value = "draft", value_parser = parse_feed_mode)]
        mode: outpost_app::automation::FeedMode,
        /// The post text: {{title}}, {{link}}, {{summary}}, {{image}} (default "{{title}} {{link}}").
        #[arg(long, value_name = "TEXT")]
        template: Option<String>,
        /// Only items whose title or summary contains one of these words.
        #[arg(long = "include", value_name = "WORD")]
        include: Vec<String>,
        /// Skip items whose title or summary contains one of these words.
        #[arg(long = "exclude", value_name = "WORD")]
        exclude: Vec<String>,
        /// How many existing items to post when the feed is first read (default 1).
        #[arg(long, value_name = "N")]
        backfill: Option<u32>,
        /// Minutes between polls (default 30).
        #[arg(long, value_name = "MINUTES")]
        every: Option<u32>,
    },
    /// Every feed with its last poll.
    List,
    /// Stop following a feed (the posts it made stay).
    Remove {
        #[arg(value_name = "FEED_ID")]
        id: String,
    },
    /// Read every feed that is not paused now and post its new items.
    Poll,
}

#[derive(Debug, Subcommand)]
enum AnalyticsCommand {
    /// Fetch metrics now (every channel, or one); `outpost run` also does it on a schedule.
    Sync {
        #[arg(long, value_name = "ID", conflicts_with = "post")]
        channel: Option<String>,
        /// One post now, on each channel it went out on, whatever its schedule.
        #[arg(long, value_name = "POST_ID")]
        post: Option<String>,
    },
    /// Latest metrics per published post, newest first (or one page, sorted: --sort/--limit/--offset).
    Posts {
        #[arg(long, value_name = "ID")]
        channel: Option<String>,
        /// YYYY-MM-DD (creator's time zone) or RFC 3339.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// YYYY-MM-DD (that whole day included) or RFC 3339.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Sort by published_at, engagement, engagement_rate or a metric (likes, views, …);
        /// highest first unless --ascending.
        #[arg(long, value_name = "KEY")]
        sort: Option<String>,
        /// Lowest (oldest) first.
        #[arg(long, requires = "sort")]
        ascending: bool,
        /// At most N posts (1 to 1000; 50 when only --sort or --offset is given).
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Skip the first N posts of the sorted list.
        #[arg(long, value_name = "N")]
        offset: Option<u32>,
        /// The N posts with the most engagement of each channel.
        #[arg(long, value_name = "N", conflicts_with_all = ["sort", "limit", "offset"])]
        top_per_channel: Option<u32>,
    },
    /// Every snapshot of one post's metrics, oldest first.
    History {
        #[arg(value_name = "POST_ID")]
        post_id: String,
    },
    /// Ranked weekly slots of a channel, each with its sample size and uncertainty.
    BestTimes {
        #[arg(long, value_name = "ID")]
        channel: String,
        /// Replace the channel's posting slots with the N best suggestions.
        #[arg(long, value_name = "N")]
        apply_slots: Option<u32>,
    },
    /// Write a CSV: posts with their latest metrics, or daily channel metrics (--kind daily).
    Export {
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// posts (default) or daily.
        #[arg(long, default_value = "posts")]
        kind: String,
    },
    /// A PDF report of a period: headline numbers against the period before, charts, top posts,
    /// each platform's data limits. The same data and arguments give the same bytes.
    Report {
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// YYYY-MM-DD (creator's time zone) or RFC 3339; default: 30 days before --to.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// YYYY-MM-DD (that whole day included) or RFC 3339; default: today.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only these channels (repeatable); default: every channel.
        #[arg(long = "channel", value_name = "ID")]
        channels: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// Fetch new comments, replies, mentions and direct messages (every channel, or one).
    Sync {
        #[arg(long, value_name = "ID")]
        channel: Option<String>,
        /// X: print the expected reads and their cost (X's pay-per-use prices), read nothing.
        #[arg(long, requires = "channel")]
        estimate: bool,
    },
    /// X's pay-per-use reads: the caps per sync and per month (without flags: the caps now).
    XReadCap {
        /// Reads per sync of one X channel (at least 100, one page).
        #[arg(long, value_name = "N")]
        per_sync: Option<u32>,
        /// Reads per calendar month (UTC), all X channels together.
        #[arg(long, value_name = "N")]
        per_month: Option<u32>,
        /// Remove both caps.
        #[arg(long, conflicts_with_all = ["per_sync", "per_month"])]
        clear: bool,
    },
    /// Items, newest first (without --state: every item not done).
    List {
        #[arg(long, value_name = "ID")]
        channel: Option<String>,
        /// comment, reply, mention or dm.
        #[arg(long, value_parser = parse_inbox_kind)]
        kind: Option<outpost_app::inbox::InboxKind>,
        /// unread, read or done.
        #[arg(long, value_parser = parse_inbox_state)]
        state: Option<outpost_app::inbox::InboxState>,
        /// positive, neutral or negative.
        #[arg(long, value_parser = parse_sentiment_label)]
        sentiment: Option<outpost_app::inbox::SentimentLabel>,
        /// Words to find in the text or author (full-text; the last word also as a prefix).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
    /// Answer an item on its platform, exactly once.
    Reply {
        #[arg(value_name = "ITEM_ID")]
        id: String,
        #[arg(long, value_name = "TEXT")]
        text: String,
        /// Instagram comments: answer privately, a direct message to the comment's author (once
        /// per comment, within 7 days of it).
        #[arg(long)]
        private: bool,
    },
    /// Mark items read, unread or done (all of them, or none when one id is unknown).
    Mark {
        #[arg(value_name = "ITEM_ID", required = true, num_args = 1..)]
        ids: Vec<String>,
        /// read, unread or done.
        #[arg(value_parser = parse_inbox_mark)]
        mark: outpost_app::inbox::InboxMark,
    },
    /// One item with its conversation, its replies and the words behind its sentiment.
    Show {
        #[arg(value_name = "ITEM_ID")]
        id: String,
    },
    /// Correct an item's sentiment (kept as your label; the model's is replaced).
    Label {
        #[arg(value_name = "ITEM_ID")]
        id: String,
        /// positive, neutral or negative.
        #[arg(value_parser = parse_sentiment_label)]
        sentiment: outpost_app::inbox::SentimentLabel,
    },
    /// Delete items from Outpost (nothing changes on the platform; all of them, or none when one
    /// id is unknown).
    Delete {
        #[arg(value_name = "ITEM_ID", required = true, num_args = 1..)]
        ids: Vec<String>,
    },
    /// Unread and not-done counts, in all and per channel.
    Counts,
}

fn parse_inbox_kind(s: &str) -> Result<outpost_app::inbox::InboxKind, CliError> {
    outpost_app::inbox::InboxKind::parse(s).map_err(|e| CliError::BadValue(e.to_string()))
}

fn parse_inbox_state(s: &str) -> Result<outpost_app::inbox::InboxState, CliError> {
    outpost_app::inbox::InboxState::parse(s).map_err(|e| CliError::BadValue(e.to_string()))
}

fn parse_sentiment_label(s: &str) -> Result<outpost_app::inbox::SentimentLabel, CliError> {
    outpost_app::inbox::SentimentLabel::parse(s).map_err(|e| CliError::BadValue(e.to_string()))
}

fn parse_inbox_mark(s: &str) -> Result<outpost_app::inbox::InboxMark, CliError> {
    outpost_app::inbox::InboxMark::parse(s).map_err(|e| CliError::BadValue(e.to_string()))
}

fn parse_feed_mode(s: &str) -> Result<outpost_app::automation::FeedMode, CliError> {
    outpost_app::automation::FeedMode::parse(s).map_err(|e| CliError::BadValue(e.to_string()))
}

#[derive(Debug, Subcommand)]
enum SlotsCommand {
    /// A channel's weekly slots.
    List {
        #[arg(long, value_name = "ID")]
        channel: String,
    },
    /// Add a weekly slot in the configured time zone.
    Add {
        #[arg(long, value_name = "ID")]
        channel: String,
        /// 1 = Monday … 7 = Sunday, or mon, tue, …
        #[arg(long, value_parser = parse_weekday)]
        weekday: u8,
        /// HH:MM (24-hour).
        #[arg(long, value_name = "HH:MM")]
        time: String,
    },
    /// Remove a slot.
    Remove {
        #[arg(value_name = "SLOT_ID")]
        id: String,
    },
    /// The next slot none of these channels uses yet.
    Next {
        #[arg(long = "channel", value_name = "ID", required = true)]
        channels: Vec<String>,
    },
}

/// The CLI's one error type: a command-line value clap's parsers refused (clap prints the message).
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{0}")]
    BadValue(String),
}

fn parse_weekday(s: &str) -> Result<u8, CliError> {
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = s.trim().to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| lower.starts_with(n)) {
        return u8::try_from(i + 1).map_err(|e| CliError::BadValue(e.to_string()));
    }
    match lower.parse::<u8>() {
        Ok(n @ 1..=7) => Ok(n),
        _ => Err(CliError::BadValue(format!(
            "\"{s}\" is not a weekday: use 1-7 (1 = Monday) or mon … sun"
        ))),
    }
}

/// `outpost posts create`: the post and its per-platform options.
#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[arg(long = "channel", value_name = "ID", required = true)]
    channels: Vec<String>,
    #[arg(long)]
    text: String,
    #[arg(long = "media", value_name = "FILE")]
    media: Vec<PathBuf>,
    /// RFC 3339, or a local date-time in the configured time zone.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Save without scheduling.
    #[arg(long)]
    draft: bool,
    /// YouTube (required), Pinterest, TikTok photo posts: the title.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// YouTube public|unlisted|private; TikTok public|friends|followers|only_me (one the
    /// account offers; no default); Mastodon public|unlisted|private|direct.
    #[arg(long, value_name = "VALUE")]
    privacy: Option<String>,
    /// Pinterest: the board to save the Pin to (`outpost channels boards <channel-id>`).
    #[arg(long, value_name = "ID")]
    board: Option<String>,
    /// Pinterest: the Pin's destination link; Facebook: the link the post shares.
    #[arg(long, value_name = "URL")]
    link: Option<String>,
    /// Facebook, Instagram, LinkedIn: a first comment under the post; X, Bluesky, Mastodon,
    /// Threads: its first reply.
    #[arg(long, value_name = "TEXT")]
    first_comment: Option<String>,
    /// X, Bluesky, Mastodon, Threads: a reply after the post (repeat for a thread).
    #[arg(long = "thread", value_name = "TEXT")]
    thread: Vec<String>,
    /// YouTube, Facebook Pages, Mastodon: hand the post to the platform's own scheduler
    /// (without it or --no-native-schedule: the default of Settings → Scheduling).
    #[arg(long, conflicts_with = "no_native_schedule")]
    native_schedule: bool,
    /// Publish from Outpost even when Settings → Scheduling hands posts to the platforms.
    #[arg(long)]
    no_native_schedule: bool,
    /// YouTube: the video's category id (1 Film & Animation, 10 Music, 20 Gaming, 22 People &
    /// Blogs, 27 Education, 28 Science & Technology, …).
    #[arg(long, value_name = "ID")]
    category: Option<String>,
    /// YouTube: the video is made for kids (without it: not made for kids).
    #[arg(long)]
    made_for_kids: bool,
    /// YouTube: a custom thumbnail (JPEG or PNG, at most 2 MB); Pinterest: a video Pin's cover.
    #[arg(long, value_name = "FILE")]
    thumbnail: Option<PathBuf>,
    /// TikTok commercial-content disclosure: your-brand, branded-content or both.
    #[arg(long, value_name = "KIND")]
    disclose: Option<String>,
    /// Instagram, a video: feed (a reel also shown in the feed) or reel (the Reels tab only).
    #[arg(long, value_name = "feed|reel")]
    placement: Option<String>,
    /// Alt text of a media file (repeat, in the order of --media); not YouTube or TikTok.
    #[arg(long = "alt", value_name = "TEXT")]
    alt: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum PostsCommand {
    /// Create a post for one or more channels (due at once without --at or --draft).
    Create(Box<CreateArgs>),
    /// Cancel every job of a post not yet out; the post stays (as a draft when nothing went out).
    Cancel {
        #[arg(value_name = "POST_ID")]
        id: String,
    },
    /// Decide a held, failed or unconfirmed job, or a published one whose first comment failed
    /// (retry-comment, dismiss-comment); `outpost posts show` lists job ids.
    Resolve {
        #[arg(value_name = "JOB_ID")]
        job_id: String,
        #[arg(value_enum)]
        action: ResolveAction,
        /// With mark-published: where the post is live.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// List posts, newest change first.
    List,
    /// What needs a decision (the app's Needs attention): held, failed and unconfirmed jobs, then
    /// published posts whose first comment failed, with the reason; decide each with `resolve`.
    Attention,
    /// One post with its channels, publish states, every attempt and its latest numbers.
    Show {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Delete a post and its history.
    Delete {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Evergreen: the post comes back every DAYS days into free posting slots (--off stops it).
    Recycle {
        #[arg(value_name = "POST_ID")]
        id: String,
        #[arg(
            long,
            value_name = "DAYS",
            required_unless_present = "off",
            conflicts_with = "off"
        )]
        every: Option<u32>,
        /// Last day a repeat may appear (YYYY-MM-DD in the configured zone, or RFC 3339).
        #[arg(long, value_name = "DATE", conflicts_with = "off")]
        until: Option<String>,
        /// Never closer than this many days to the previous appearance (default: the interval).
        #[arg(long, value_name = "DAYS", conflicts_with = "off")]
        min_gap: Option<u32>,
        /// Stop recycling the post (copies already scheduled stay).
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ResolveAction {
    PublishNow,
    Cancel,
    MarkPublished,
    /// Post a failed first comment again (once).
    RetryComment,
    /// Leave a failed first comment out.
    DismissComment,
}

#[derive(Debug, Subcommand)]
enum MediaHostCommand {
    /// Save your S3-compatible bucket (the secret access key is read from stdin and sealed).
    Set {
        /// The S3 API endpoint (empty for AWS S3: it follows from the region).
        #[arg(long, value_name = "URL", default_value = "")]
        endpoint: String,
        #[arg(long, value_name = "B")]
        bucket: String,
        #[arg(long, value_name = "R")]
        region: String,
        #[arg(long, value_name = "ID")]
        access_key_id: String,
        /// Read the secret access key from standard input (never pass secrets as arguments).
        #[arg(long)]
        secret_access_key_stdin: bool,
        /// Address objects as https://endpoint/bucket/key (MinIO, IP endpoints).
        #[arg(long)]
        path_style: bool,
        /// A public base URL serving the bucket's objects (instead of presigned URLs).
        #[arg(long, value_name = "URL")]
        public_base_url: Option<String>,
    },
    /// The saved settings and whether a secret is saved (never the secret).
    Show,
    /// Forget the media host (settings and sealed secret).
    Remove,
}

#[derive(Debug, Subcommand)]
enum VaultCommand {
    /// Generate a new master key, re-seal every secret under it in one transaction, then drop the
    /// old key (a crash at any point leaves every secret readable; running it again finishes).
    RotateKey,
}

fn parse_item_kind(s: &str) -> Result<outpost_app::data::ItemKind, outpost_app::Error> {
    use outpost_app::data::ItemKind as K;
    Ok(
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "post" => K::Post,
            "draft" => K::Draft,
            "idea" => K::Idea,
            "template" => K::Template,
            "tag" => K::Tag,
            "campaign" => K::Campaign,
            "media" => K::MediaAsset,
            "inbox-thread" => K::InboxThread,
            "inbox-message" => K::InboxMessage,
            "preview" => K::ApprovalPreview,
            "board-column" => K::BoardColumn,
            "slot" => K::PostingSlot,
            "app" => K::DeveloperApp,
            "channel" => {
                return Err(outpost_app::Error::InvalidInput(
                "a channel is removed with `outpost channels disconnect ID`, which revokes its token first"
                    .into(),
            ));
            }
            _ => {
                return Err(outpost_app::Error::InvalidInput(
                "use post, draft, idea, template, tag, campaign, media, inbox-thread, inbox-message, preview, board-column, slot or app"
                    .into(),
            ));
            }
        },
    )
}

#[derive(Debug, Subcommand)]
enum AppsCommand {
    /// Save the client id (and, from stdin, the client secret) of your developer app.
    Set {
        #[arg(value_parser = parse_platform)]
        platform: Platform,
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// Read the client secret from standard input (never pass secrets as arguments).
        #[arg(long)]
        client_secret_stdin: bool,
        /// LinkedIn: your app has the Community Management API product, so sign-in also asks for
        /// the organization scopes (company pages). Without it: member posting only.
        #[arg(long)]
        community_management: bool,
        /// Use this port for the loopback redirect instead of the default one (when another
        /// program holds it); register the redirect URI it prints.
        #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1024..))]
        loopback_port: Option<u16>,
    },
    /// Print the exact redirect URI to register with the platform.
    RedirectUri {
        #[arg(value_parser = parse_platform)]
        platform: Platform,
    },
}

#[derive(Debug, Subcommand)]
enum ChannelsCommand {
    /// Sign in through the browser (loopback redirect) and connect every account offered.
    Connect {
        #[arg(value_parser = parse_platform)]
        platform: Platform,
        /// The server: Mastodon (required) or Bluesky (default https://bsky.social).
        #[arg(long, value_name = "URL")]
        instance: Option<String>,
        /// Bluesky handle (or email).
        #[arg(long, value_name = "H", requires = "app_password_stdin")]
        handle: Option<String>,
        /// Read the Bluesky app password from standard input.
        #[arg(long, requires = "handle")]
        app_password_stdin: bool,
    },
    /// List channels.
    List,
    /// Disconnect a channel: revoke upstream where the platform allows, delete its tokens.
    Disconnect {
        #[arg(value_name = "CHANNEL_ID")]
        channel_id: String,
    },
    /// A Pinterest channel's boards (id, name), for `posts create --board`.
    Boards {
        #[arg(value_name = "CHANNEL_ID")]
        channel_id: String,
    },
}

fn parse_platform(s: &str) -> Result<Platform, CliError> {
    Platform::from_id(&s.to_ascii_lowercase()).ok_or_else(|| {
        let ids: Vec<&str> = Platform::ALL.iter().map(|p| p.id()).collect();
        CliError::BadValue(format!("unknown platform; use one of: {}", ids.join(", ")))
    })
}

/// Reads a secret from standard input (one line; the trailing newline is not part of it).
fn read_stdin_secret(what: &str) -> Result<Secret, ExitCode> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| output::fail(&format!("cannot read the {what} from standard input: {e}")))?;
    let line = s.lines().next().unwrap_or_default().to_string();
    s.zeroize();
    if line.is_empty() {
        return Err(output::fail(&format!("standard input held no {what}")));
    }
    Ok(Secret::new(line))
}

/// A reader that stops early (`outpost posts list --json | head`) closes the pipe: print() then
/// panics with "Broken pipe". Exit quietly as a program killed by SIGPIPE would (status 141), not
/// with a panic message; every other panic keeps the default report.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Runs the command line on this process's arguments and returns its exit status. The `outpost`
/// binary is this call; the desktop binary makes it too when started under the name `outpost`
/// (README "Installers": on Linux /usr/bin/outpost is a link to outpost-desktop).
pub fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return output::fail(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Version => output::version(cli.json),
        Command::Doctor => {
            let paths = match Paths::resolve(cli.data_dir) {
                Ok(p) => p,
                Err(e) => return output::fail(&e.to_string()),
            };
            // Logging needs a writable data dir; doctor must still report when it is not.
            let _guard = paths.ensure().ok().and_then(|()| start_logging(&paths));
            let report = outpost_app::doctor(OpenOptions::new(paths)).await;
            output::doctor(&report, cli.json)
        }
        Command::Export { out } => {
            let (outpost, _log) = match open_profile(cli.data_dir, true).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost.export_archive(&out, None).await;
            outpost.close().await;
            match result {
                Ok(summary) => output::exported(&summary, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::Import { file } => {
            let (outpost, _log) = match open_profile(cli.data_dir, true).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost
                .import_archive(&file, &outpost_app::data::ImportOptions::default(), None)
                .await;
            outpost.close().await;
            match result {
                Ok(summary) => output::imported(&summary, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::DeleteAll { yes } => {
            if !yes {
                return output::fail(
                    "delete-all deletes every post, channel, media file, log and secret; run it again with --yes to confirm",
                );
            }
            // No log file: the logs folder is emptied, and nothing of the user's may be written after.
            let (outpost, _log) = match open_profile(cli.data_dir, false).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let revoker = outpost_app::channels::PlatformRevoker::new(&outpost);
            let result = outpost.delete_all_data(&revoker).await;
            outpost.close().await;
            match result {
                Ok(report) => output::deleted_all(&report, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::Delete { kind, id } => {
            let (outpost, _log) = match open_profile(cli.data_dir, true).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost.delete_item(kind, &id).await;
            outpost.close().await;
            match result {
                Ok(()) => output::done_line(&format!("Deleted {id}."), cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::Vault(VaultCommand::RotateKey) => {
            let (outpost, _log) = match open_profile(cli.data_dir, true).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost.rotate_master_key().await;
            outpost.close().await;
            match result {
                Ok(r) => output::key_rotated(&r, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::Apps(cmd) => apps(cmd, cli.data_dir, cli.json).await,
        Command::Posts(cmd) => posts(cmd, cli.data_dir, cli.json).await,
        Command::Run { once } => run_scheduler(once, cli.data_dir, cli.json).await,
        Command::Channels(cmd) => channels(cmd, cli.data_dir, cli.json).await,
        Command::Csv(cmd) => csv(cmd, cli.data_dir, cli.json).await,
        Command::Demo(DemoCommand::Seed { posts }) => {
            let (outpost, _log) = match open_profile(cli.data_dir, true).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost.seed_demo(posts).await;
            outpost.close().await;
            match result {
                Ok(summary) => output::demo_seeded(&summary, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
        Command::Slots(cmd) => slots(cmd, cli.data_dir, cli.json).await,
        Command::Feeds(cmd) => feeds(cmd, cli.data_dir, cli.json).await,
        Command::Approvals(cmd) => approvals(cmd, cli.data_dir, cli.json).await,
        Command::Inbox(cmd) => inbox(cmd, cli.data_dir, cli.json).await,
        Command::Analytics(cmd) => analytics(cmd, cli.data_dir, cli.json).await,
        Command::Ai(cmd) => ai(cmd, cli.data_dir, cli.json).await,
        Command::MediaHost(cmd) => media_host(cmd, cli.data_dir, cli.json).await,
        Command::Sentiment { file } => sentiment(file.as_deref(), cli.json),
        Command::Search { query, limit } => {
            let (outpost, _log) = match open_profile(cli.data_dir, false).await {
                Ok(o) => o,
                Err(code) => return code,
            };
            let result = outpost.search(&query, limit).await;
            outpost.close().await;
            match result {
                Ok(found) => output::search_results(&found, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
    }
}

/// `outpost sentiment`: needs no profile (the model is compiled in); streams line by line, so a file
/// of any size runs in constant memory. Invalid UTF-8 in a line is replaced, never fatal.
fn sentiment(file: Option<&std::path::Path>, json: bool) -> ExitCode {
    use std::io::BufRead;
    let input: Box<dyn BufRead> = match file {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => return output::fail(&format!("cannot read {}: {e}", path.display())),
        },
        None => Box::new(std::io::BufReader::new(std::io::stdin())),
    };
    let model = outpost_app::sentiment::model();
    let mut out = output::SentimentWriter::new(json);
    for line in input.split(b'\n') {
        let bytes = match line {
            Ok(b) => b,
            Err(e) => return output::fail(&format!("cannot read the input: {e}")),
        };
        let text = String::from_utf8_lossy(&bytes);
        if let Err(code) = out.write(&model.analyze(text.trim_end_matches('\r'))) {
            return code;
        }
    }
    out.finish()
}

async fn analytics(cmd: AnalyticsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        AnalyticsCommand::Sync {
            post: Some(post), ..
        } => outpost
            .analytics_sync_post(&post)
            .await
            .map(|r| output::analytics_synced(&r, json)),
        AnalyticsCommand::Sync { channel, .. } => outpost
            .analytics_sync(channel.as_deref())
            .await
            .map(|r| output::analytics_synced(&r, json)),
        AnalyticsCommand::Posts {
            channel,
            from,
            to,
            sort,
            ascending,
            limit,
            offset,
            top_per_channel,
        } => {
            match outpost
                .analytics_range(from.as_deref(), to.as_deref())
                .await
            {
                Ok((from, to)) if top_per_channel.is_some() => outpost
                    .analytics_top_per_channel(
                        channel.as_deref(),
                        from,
                        to,
                        top_per_channel.unwrap_or_default(),
                    )
                    .await
                    .map(|l| output::analytics_posts(&l, json)),
                Ok((from, to)) if sort.is_some() || limit.is_some() || offset.is_some() => {
                    let query = outpost_app::analytics::AnalyticsPostsQuery {
                        channel_id: channel,
                        from,
                        to,
                        sort: sort.unwrap_or_else(|| "published_at".into()),
                        descending: !ascending,
                        offset: offset.unwrap_or(0),
                        limit: limit.unwrap_or(50),
                    };
                    outpost
                        .analytics_posts_page(&query)
                        .await
                        .map(|p| output::analytics_posts_page(&p, json))
                }
                Ok((from, to)) => outpost
                    .analytics_posts(channel.as_deref(), from, to)
                    .await
                    .map(|l| output::analytics_posts(&l, json)),
                Err(e) => Err(e),
            }
        }
        AnalyticsCommand::History { post_id } => outpost
            .analytics_history(&post_id)
            .await
            .map(|h| output::analytics_history(&h, json)),
        AnalyticsCommand::BestTimes {
            channel,
            apply_slots: None,
        } => outpost
            .analytics_best_times(&channel)
            .await
            .map(|b| output::analytics_best_times(&b, json)),
        AnalyticsCommand::BestTimes {
            channel,
            apply_slots: Some(n),
        } => match outpost.analytics_apply_best_times(&channel, n).await {
            Ok(slots) => outpost
                .analytics_best_times(&channel)
                .await
                .map(|b| output::analytics_best_times_applied(&b, &slots, json)),
            Err(e) => Err(e),
        },
        AnalyticsCommand::Export {
            out,
            from,
            to,
            kind,
        } => match outpost
            .analytics_range(from.as_deref(), to.as_deref())
            .await
        {
            Ok((from, to)) => outpost
                .analytics_export_csv(&out, &kind, from, to)
                .await
                .map(|n| output::analytics_exported(&out, n, json)),
            Err(e) => Err(e),
        },
        AnalyticsCommand::Report {
            out,
            from,
            to,
            channels,
        } => outpost
            .analytics_report(&out, from.as_deref(), to.as_deref(), &channels)
            .await
            .map(|s| output::analytics_report(&s, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn inbox(cmd: InboxCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        InboxCommand::Sync {
            channel: Some(id),
            estimate: true,
        } => outpost
            .inbox_estimate(&id)
            .await
            .map(|e| output::inbox_estimate(&e, json)),
        InboxCommand::Sync { channel, .. } => outpost
            .inbox_sync(channel.as_deref())
            .await
            .map(|r| output::inbox_synced(&r, json)),
        InboxCommand::XReadCap {
            per_sync,
            per_month,
            clear,
        } => x_read_cap(&outpost, per_sync, per_month, clear)
            .await
            .map(|c| output::x_read_cap(&c, json)),
        InboxCommand::List {
            channel,
            kind,
            state,
            sentiment,
            search,
        } => outpost
            .inbox_list(&outpost_app::inbox::InboxFilter {
                channel_id: channel,
                kind,
                state,
                sentiment,
                search,
                limit: Some(500),
                offset: None,
            })
            .await
            .map(|l| output::inbox_items(&l, json)),
        InboxCommand::Reply { id, text, private } => if private {
            outpost.inbox_reply_private(&id, &text).await
        } else {
            outpost.inbox_reply(&id, &text).await
        }
        .map(|r| output::inbox_replied(&r, json)),
        InboxCommand::Mark { ids, mark } => outpost
            .inbox_mark(&ids, mark)
            .await
            .map(|()| output::inbox_marked(&ids, mark, json)),
        InboxCommand::Show { id } => outpost
            .inbox_item(&id)
            .await
            .map(|d| output::print_json(&d)),
        InboxCommand::Label { id, sentiment } => outpost
            .inbox_set_sentiment(&id, sentiment)
            .await
            .map(|similar| output::inbox_labelled(&id, sentiment, similar, json)),
        InboxCommand::Delete { ids } => outpost.inbox_delete(&ids).await.map(|()| {
            let what = match ids.as_slice() {
                [one] => one.clone(),
                many => format!("{} items", many.len()),
            };
            output::done_line(&format!("Deleted {what}"), json)
        }),
        InboxCommand::Counts => outpost.inbox_counts().await.map(|c| output::print_json(&c)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

/// Shows the X read caps with this month's reads, after changing the ones given (`clear`: both
/// removed).
async fn x_read_cap(
    outpost: &outpost_app::Outpost,
    per_sync: Option<u32>,
    per_month: Option<u32>,
    clear: bool,
) -> outpost_app::Result<outpost_app::inbox::XReadUsage> {
    let now = outpost.x_read_cap().await?;
    if clear {
        outpost.set_x_read_cap(Default::default()).await?;
    } else if per_sync.is_some() || per_month.is_some() {
        outpost
            .set_x_read_cap(outpost_app::inbox::XReadCap {
                per_sync: per_sync.or(now.per_sync),
                per_month: per_month.or(now.per_month),
            })
            .await?;
    }
    outpost.x_read_usage().await
}

async fn feeds(cmd: FeedsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        FeedsCommand::Add {
            url,
            channels,
            mode,
            template,
            include,
            exclude,
            backfill,
            every,
        } => outpost
            .add_feed(outpost_app::automation::NewFeed {
                url,
                channel_ids: channels,
                mode,
                template,
                include_keywords: include,
                exclude_keywords: exclude,
                backfill_limit: backfill,
                poll_every_minutes: every,
            })
            .await
            .map(|f| output::feed_added(&f, json)),
        FeedsCommand::List => outpost.list_feeds().await.map(|l| output::feeds(&l, json)),
        FeedsCommand::Remove { id } => outpost
            .remove_feed(&id)
            .await
            .map(|()| output::feed_removed(&id, json)),
        FeedsCommand::Poll => outpost
            .poll_feeds(None)
            .await
            .map(|r| output::feeds_polled(&r, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn ai(cmd: AiCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    use outpost_app::ai::{AiAction, AiAsk, AiSettingsInput};
    let key = match &cmd {
        AiCommand::Set {
            api_key_stdin: true,
            ..
        } => match read_stdin_secret("API key") {
            Ok(k) => Some(k),
            Err(code) => return code,
        },
        _ => None,
    };
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let action = |action: AiAction, a: AiActionArgs| {
        (
            AiAsk {
                action,
                text: a.text.unwrap_or_default(),
                platform: a.platform,
                inbox_item: a.inbox_item,
                // Printed as it arrives, except for --json (one document at the end).
                stream: !json,
            },
            a.dry_run,
        )
    };
    let result = match cmd {
        AiCommand::Set {
            base_url,
            model,
            local_only,
            strip_contacts,
            ..
        } => outpost
            .ai_set_provider(
                &AiSettingsInput {
                    base_url,
                    model,
                    local_only,
                    strip_contacts,
                },
                key.as_ref(),
            )
            .await
            .map(|v| output::ai_settings(&v, json)),
        AiCommand::Show => outpost
            .ai_settings()
            .await
            .map(|v| output::ai_settings(&v, json)),
        AiCommand::Consent { revoke } => outpost
            .ai_record_consent(!revoke, "cli")
            .await
            .map(|v| output::ai_settings(&v, json)),
        AiCommand::Persona(PersonaCommand::Show) => outpost
            .ai_persona()
            .await
            .map(|p| output::ai_persona(&p, json)),
        AiCommand::Persona(PersonaCommand::Set {
            tone,
            audience,
            notes,
            example,
            avoid,
        }) => match outpost.ai_persona().await {
            Ok(mut p) => {
                if let Some(t) = tone {
                    p.tone = t;
                }
                if let Some(a) = audience {
                    p.audience = a;
                }
                if let Some(n) = notes {
                    p.notes = n;
                }
                if !example.is_empty() {
                    p.examples = example;
                }
                if !avoid.is_empty() {
                    p.avoid_words = avoid;
                }
                outpost
                    .ai_set_persona(&p)
                    .await
                    .map(|p| output::ai_persona(&p, json))
            }
            Err(e) => Err(e),
        },
        AiCommand::Ledger { delete, delete_all } => {
            if delete.is_some() || delete_all {
                outpost
                    .ai_delete_ledger(delete.as_deref())
                    .await
                    .map(|n| output::ai_ledger_deleted(n, json))
            } else {
                outpost
                    .ai_ledger(1000)
                    .await
                    .map(|l| output::ai_ledger(&l, json))
            }
        }
        AiCommand::Refine(a) => printed(
            run_ai(&outpost, action(AiAction::Refine, a), json).await,
            json,
        ),
        AiCommand::Expand(a) => printed(
            run_ai(&outpost, action(AiAction::Expand, a), json).await,
            json,
        ),
        AiCommand::Repurpose(a) => printed(
            run_ai(&outpost, action(AiAction::Repurpose, a), json).await,
            json,
        ),
        AiCommand::Hashtags(a) => printed(
            run_ai(&outpost, action(AiAction::Hashtags, a), json).await,
            json,
        ),
        AiCommand::Reply(a) => printed(
            run_ai(&outpost, action(AiAction::Reply, a), json).await,
            json,
        ),
        AiCommand::Sentiment { apply: true, args } if args.inbox_item.is_none() => {
            Err(outpost_app::Error::InvalidInput(
                "--apply sets the label on an inbox item: give it with --inbox-item ID".into(),
            ))
        }
        AiCommand::Sentiment { args, apply } => {
            let (ask, dry_run) = action(AiAction::Sentiment, args);
            let item = ask.inbox_item.clone();
            match run_ai(&outpost, (ask, dry_run), json).await {
                Ok(Some((a, shown))) if apply => match (item, a.sentiment) {
                    (Some(id), Some(label)) => outpost
                        .inbox_set_sentiment(&id, label)
                        .await
                        .map(|_similar| output::ai_answer(&a, shown, json)),
                    _ => Ok(output::ai_answer(&a, shown, json)),
                },
                r => printed(r, json),
            }
        }
        AiCommand::Template { args, save } => {
            match run_ai(&outpost, action(AiAction::Template, args), json).await {
                Ok(Some((a, shown))) => match save {
                    Some(name) => outpost
                        .create_template(&name, &a.text)
                        .await
                        .map(|t| output::ai_template_saved(&a, &t, shown, json)),
                    None => Ok(output::ai_answer(&a, shown, json)),
                },
                r => printed(r, json),
            }
        }
        AiCommand::Image {
            prompt,
            model,
            size,
            dry_run,
        } => {
            let ask = outpost_app::ai::AiImageAsk {
                prompt,
                model,
                size,
            };
            if dry_run {
                outpost
                    .ai_prepare_image(&ask)
                    .await
                    .map(|p| output::ai_prepared(&p, json))
            } else {
                outpost
                    .ai_generate_image(&ask)
                    .await
                    .map(|a| output::ai_image(&a, json))
            }
        }
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

/// Prints an action's answer (nothing more after a dry run).
fn printed(
    r: outpost_app::Result<Option<(outpost_app::ai::AiAnswer, bool)>>,
    json: bool,
) -> outpost_app::Result<ExitCode> {
    r.map(|a| {
        a.map_or(ExitCode::SUCCESS, |(a, shown)| {
            output::ai_answer(&a, shown, json)
        })
    })
}

/// One assistant action (its answer printed as it arrives when streamed; Ctrl-C cancels), or with
/// `dry_run` only the exact request it would send (then `None`).
async fn run_ai(
    outpost: &outpost_app::Outpost,
    (ask, dry_run): (outpost_app::ai::AiAsk, bool),
    json: bool,
) -> outpost_app::Result<Option<(outpost_app::ai::AiAnswer, bool)>> {
    if dry_run {
        let p = outpost.ai_prepare(&ask).await?;
        output::ai_prepared(&p, json);
        return Ok(None);
    }
    let cancel = outpost_app::ai::AiCancel::new();
    let on_ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let mut streamed = String::new();
    let mut print = |piece: &str| {
        streamed.push_str(piece);
        output::ai_piece(piece);
    };
    let answer = outpost.ai_run_streaming(&ask, &mut print, &cancel).await;
    watcher.abort();
    let answer = answer?;
    let shown = ask.stream && answer.text == streamed.trim();
    output::ai_stream_end(!streamed.is_empty(), ask.stream && !shown);
    Ok(Some((answer, shown)))
}

async fn approvals(cmd: ApprovalsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    // Read the password before anything else, so a missing one changes nothing.
    let (password, expires_in) = match &cmd {
        ApprovalsCommand::Create {
            password_stdin,
            expires_in,
            ..
        } => {
            debug_assert!(*password_stdin);
            let pw = match read_stdin_secret("preview password") {
                Ok(p) => p,
                Err(code) => return code,
            };
            let ttl = match expires_in
                .as_deref()
                .map(outpost_app::approvals::parse_duration)
                .transpose()
            {
                Ok(t) => t,
                Err(e) => return output::fail(&e.to_string()),
            };
            (Some(pw), ttl)
        }
        _ => (None, None),
    };
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        ApprovalsCommand::Create { post_id, out, .. } => match password {
            Some(pw) => outpost
                .create_approval_preview(&post_id, &pw, expires_in, &out)
                .await
                .map(|c| output::preview_created(&c, json)),
            None => Ok(output::fail("the preview password is missing")),
        },
        ApprovalsCommand::List => outpost
            .approval_previews()
            .await
            .map(|l| output::previews(&l, json)),
        ApprovalsCommand::Revoke { id } => outpost
            .revoke_approval_preview(&id)
            .await
            .map(|p| output::preview_revoked(&p, json)),
        ApprovalsCommand::Apply { code, post } => outpost
            .apply_approval_code(&code, post.as_deref())
            .await
            .map(|d| output::decision_applied(&d, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn csv(cmd: CsvCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        CsvCommand::Import {
            file,
            dry_run: true,
            ..
        } => outpost
            .preview_csv(&file)
            .await
            .map(|p| output::csv_preview(&p, json)),
        CsvCommand::Import {
            file, skip_invalid, ..
        } => {
            let mode = if skip_invalid {
                outpost_app::csv_posts::CsvImportMode::SkipInvalid
            } else {
                outpost_app::csv_posts::CsvImportMode::AllOrNothing
            };
            match outpost.import_csv(&file, mode).await {
                Ok(s) => Ok(output::csv_imported(&s, json)),
                Err(e) => {
                    // List every row error before the one-line failure.
                    if let Ok(p) = outpost.preview_csv(&file).await {
                        output::csv_issues(&p.issues());
                    }
                    Err(e)
                }
            }
        }
        CsvCommand::Export { out } => outpost
            .export_csv(&out)
            .await
            .map(|s| output::csv_exported(&s, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn slots(cmd: SlotsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        SlotsCommand::List { channel } => outpost
            .posting_slots(&channel)
            .await
            .map(|l| output::slots(&l, json)),
        SlotsCommand::Add {
            channel,
            weekday,
            time,
        } => outpost
            .add_posting_slot(
                &channel,
                &outpost_app::slots::WeeklySlot {
                    weekday,
                    local_time: time,
                },
            )
            .await
            .map(|s| output::slots(std::slice::from_ref(&s), json)),
        SlotsCommand::Remove { id } => outpost
            .remove_posting_slot(&id)
            .await
            .map(|()| output::slot_removed(&id, json)),
        SlotsCommand::Next { channels } => outpost
            .next_free_slot(&channels, None)
            .await
            .map(|s| output::free_slot(&s, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn apps(cmd: AppsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        AppsCommand::Set {
            platform,
            client_id,
            client_secret_stdin,
            community_management,
            loopback_port,
        } => {
            let secret = if client_secret_stdin {
                match read_stdin_secret("client secret") {
                    Ok(s) => Some(s),
                    Err(code) => return code,
                }
            } else {
                None
            };
            let saved = outpost
                .save_developer_app(platform, &client_id, secret, community_management)
                .await;
            match (saved, loopback_port) {
                (Ok(view), Some(port)) => match outpost.set_loopback_port(platform, port).await {
                    Ok(()) => outpost
                        .redirect_uri(platform, Surface::Cli)
                        .await
                        .map(|uri| {
                            output::app_saved(
                                &outpost_app::channels::DeveloperAppView {
                                    redirect_uri: uri,
                                    ..view
                                },
                                json,
                            )
                        }),
                    Err(e) => Err(e),
                },
                (saved, _) => saved.map(|view| output::app_saved(&view, json)),
            }
        }
        AppsCommand::RedirectUri { platform } => outpost
            .redirect_uri(platform, Surface::Cli)
            .await
            .map(|uri| output::redirect_uri(platform, &uri, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn channels(cmd: ChannelsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        ChannelsCommand::Connect { platform, instance, handle, app_password_stdin } => {
            if platform == Platform::Bluesky {
                match (handle, app_password_stdin) {
                    (Some(h), true) => match read_stdin_secret("app password") {
                        Ok(pw) => outpost.connect_bluesky(instance.as_deref(), &h, &pw).await,
                        Err(code) => return code,
                    },
                    _ => {
                        return output::fail(
                            "Bluesky connects with an app password: outpost channels connect bluesky --handle H --app-password-stdin",
                        );
                    }
                }
            } else if handle.is_some() {
                return output::fail("--handle and --app-password-stdin are for Bluesky only");
            } else if platform == Platform::Mastodon && instance.is_none() {
                return output::fail("Mastodon needs your server: --instance mastodon.social");
            } else {
                output::waiting_for_browser(platform);
                outpost.connect_all(platform, instance.as_deref(), Surface::Cli).await
            }
            .map(|list| output::channels(&list, json, "Connected"))
        }
        ChannelsCommand::List => outpost.channels().await.map(|list| output::channels(&list, json, "")),
        ChannelsCommand::Disconnect { channel_id } => outpost
            .disconnect_channel(&channel_id)
            .await
            .map(|report| output::disconnected(&report, json)),
        ChannelsCommand::Boards { channel_id } => outpost
            .pinterest_boards(&channel_id)
            .await
            .map(|b| output::boards(&b, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn posts(cmd: PostsCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        PostsCommand::Create(args) => {
            let CreateArgs {
                channels,
                text,
                media,
                at,
                draft,
                title,
                privacy,
                board,
                link,
                first_comment,
                thread,
                native_schedule,
                no_native_schedule,
                category,
                made_for_kids,
                thumbnail,
                disclose,
                placement,
                alt,
            } = *args;
            let native = match (native_schedule, no_native_schedule) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            let fields = outpost_app::posts::PublishFields {
                title,
                privacy,
                board,
                link,
                first_comment,
                thread,
                native_schedule,
                category,
                made_for_kids,
                thumbnail: thumbnail.map(|p| p.to_string_lossy().into_owned()),
                disclose,
                placement,
                alt,
            };
            let planned = match outpost
                .variants_for_fields(&channels, &fields, native)
                .await
            {
                Ok(v) => fields.media_with_alt(media).map(|m| (v, m)),
                Err(e) => Err(e),
            };
            match planned {
                Err(e) => Err(e),
                Ok((variants, media)) => {
                    let new = outpost_app::posts::NewPost {
                        text,
                        channels,
                        media,
                        at,
                        draft,
                        variants,
                        ..Default::default()
                    };
                    outpost
                        .create_post(new)
                        .await
                        .map(|d| output::post(&d, json))
                }
            }
        }
        PostsCommand::Cancel { id } => outpost
            .cancel_post(&id)
            .await
            .map(|d| output::post(&d, json)),
        PostsCommand::Resolve {
            job_id,
            action,
            url,
        } => {
            use outpost_app::posts::JobAction;
            let action = match (action, url) {
                (ResolveAction::MarkPublished, url) => JobAction::MarkPublished { url },
                (_, Some(_)) => {
                    outpost.close().await;
                    return output::fail("--url goes with mark-published only");
                }
                (ResolveAction::PublishNow, None) => JobAction::PublishNow,
                (ResolveAction::Cancel, None) => JobAction::Cancel,
                (ResolveAction::RetryComment, None) => JobAction::RetryComment,
                (ResolveAction::DismissComment, None) => JobAction::DismissComment,
            };
            outpost
                .resolve_job(&job_id, action)
                .await
                .map(|d| output::post(&d, json))
        }
        PostsCommand::List => outpost
            .list_posts(1000, 0)
            .await
            .map(|l| output::posts(&l, json)),
        PostsCommand::Attention => outpost
            .needs_attention()
            .await
            .map(|l| output::attention(&l, json)),
        PostsCommand::Show { id } => match outpost.post_detail(&id).await {
            Ok(d) => outpost
                .post_latest_numbers(&id)
                .await
                .map(|n| output::post_with_numbers(&d, &n, json)),
            Err(e) => Err(e),
        },
        PostsCommand::Delete { id } => outpost
            .delete_post(&id)
            .await
            .map(|()| output::deleted_post(&id, json)),
        PostsCommand::Recycle { id, off: true, .. } => outpost
            .clear_evergreen(&id)
            .await
            .map(|was| output::evergreen_off(&id, was, json)),
        PostsCommand::Recycle {
            id,
            every,
            until,
            min_gap,
            ..
        } => outpost
            .set_evergreen(
                &id,
                &outpost_app::automation::EvergreenInput {
                    every_days: every.unwrap_or(0),
                    until,
                    min_gap_days: min_gap,
                },
            )
            .await
            .map(|v| output::evergreen(&v, json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

async fn media_host(cmd: MediaHostCommand, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    // Read the secret before opening the profile, so a missing one changes nothing.
    let secret = match &cmd {
        MediaHostCommand::Set {
            secret_access_key_stdin: true,
            ..
        } => match read_stdin_secret("secret access key") {
            Ok(s) => Some(s),
            Err(code) => return code,
        },
        _ => None,
    };
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = match cmd {
        MediaHostCommand::Set {
            endpoint,
            bucket,
            region,
            access_key_id,
            path_style,
            public_base_url,
            ..
        } => {
            let config = outpost_app::media_host::config_for_endpoint(
                &endpoint,
                &bucket,
                &region,
                &access_key_id,
                path_style,
                public_base_url,
            );
            outpost
                .save_media_host(&config, secret)
                .await
                .map(|s| output::media_host(&s, json, "Saved"))
        }
        MediaHostCommand::Show => outpost
            .media_host_settings()
            .await
            .map(|s| output::media_host(&s, json, "")),
        MediaHostCommand::Remove => outpost
            .remove_media_host()
            .await
            .map(|()| output::media_host_removed(json)),
    };
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

/// `outpost run [--once]`: the same scheduler as the desktop app, owning the data directory's lock.
async fn run_scheduler(once: bool, data_dir: Option<PathBuf>, json: bool) -> ExitCode {
    use outpost_app::scheduler::{Scheduler, SchedulerConfig, SchedulerLock, SystemClock};
    let (outpost, _log) = match open_profile(data_dir, true).await {
        Ok(o) => o,
        Err(code) => return code,
    };
    let _lock = match SchedulerLock::acquire(outpost.paths()) {
        Ok(l) => l,
        Err(e) => return output::fail(&e.to_string()),
    };
    let scheduler = Scheduler::new(
        outpost.clone(),
        SchedulerConfig::new(std::sync::Arc::new(SystemClock)),
    );
    let mut events = outpost.scheduler_events();
    let printer = tokio::spawn(async move {
        while let Ok(e) = events.recv().await {
            output::scheduler_event(&e, json);
        }
    });
    let result = if once {
        scheduler
            .run_once()
            .await
            .map(|r| output::once_report(&r, json))
    } else {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let refresher = tokio::spawn(outpost.clone().run_token_refresher());
        // A post created by another `outpost` command meanwhile gets its timer at once.
        let watcher = tokio::spawn(outpost.clone().run_change_watch());
        tokio::spawn(async move {
            wait_for_stop_signal().await;
            let _ = stop_tx.send(true);
        });
        let r = scheduler.run(stop_rx).await.map(|()| ExitCode::SUCCESS);
        refresher.abort();
        watcher.abort();
        r
    };
    printer.abort();
    outpost.close().await;
    result.unwrap_or_else(|e| output::fail(&e.to_string()))
}

/// SIGTERM or Ctrl-C.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Opens the profile (with file logging when `log`), or the exit code of a one-line failure.
async fn open_profile(
    data_dir: Option<PathBuf>,
    log: bool,
) -> Result<(outpost_app::Outpost, Option<outpost_app::logging::LogGuard>), ExitCode> {
    let paths = Paths::resolve(data_dir).map_err(|e| output::fail(&e.to_string()))?;
    paths.ensure().map_err(|e| output::fail(&e.to_string()))?;
    let guard = if log { start_logging(&paths) } else { None };
    let outpost = outpost_app::Outpost::open(OpenOptions::new(paths))
        .await
        .map_err(|e| output::fail(&e.to_string()))?;
    Ok((outpost, guard))
}

/// File logging for this run (`<data dir>/logs/cli.DATE.log`); the CLI works without it.
fn start_logging(paths: &Paths) -> Option<outpost_app::logging::LogGuard> {
    let options = outpost_app::logging::LogOptions {
        prefix: "cli",
        stderr_warnings: false,
    };
    outpost_app::logging::init(&paths.logs_dir(), options).ok()
}

/// The name under which a multi-call binary runs the command line instead of its own program:
/// true when the file name of `argv0` (the path the process was started by, as typed or as the
/// link it went through) is exactly `outpost`.
pub fn started_as_cli(argv0: Option<&std::ffi::OsStr>) -> bool {
    argv0
        .map(std::path::Path::new)
        .and_then(std::path::Path::file_name)
        .is_some_and(|name| name == "outpost")
}

#[cfg(test)]
mod multi_call_tests {
    use super::started_as_cli;
    use std::ffi::OsStr;

    #[test]
    fn only_the_name_outpost_starts_the_cli() {
        for yes in ["outpost", "/usr/bin/outpost", "./outpost", "bin/outpost"] {
            assert!(started_as_cli(Some(OsStr::new(yes))), "{yes}");
        }
        for no in [
            "outpost-desktop",
            "/usr/bin/outpost-desktop",
            "/opt/outpost/app",
            "outpost.exe",
            "Outpost",
            "",
        ] {
            assert!(!started_as_cli(Some(OsStr::new(no))), "{no}");
        }
        assert!(!started_as_cli(None));
    }
}
