//! The AI assistant over any OpenAI-compatible endpoint (OpenAI, OpenRouter, Ollama, LM Studio,
//! llama.cpp server): provider settings (the API key sealed in the vault, bound to the provider's
//! origin), consent before the first request to a provider, the actions (refine, expand, repurpose,
//! hashtags, reply), the brand persona in every prompt, and the ledger of every call.
//!
//! What leaves the device is exactly the request body [`Outpost::ai_prepare`] returns (the dry run):
//! the prompt (a data file in `prompts/`), the persona and the text the user chose. Never a token,
//! another post or analytics. The API key goes only in the `Authorization` header, only to the
//! origin it was saved for.
//!
//! An ask with `stream: true` gets its answer as server-sent events (`data: {chunk}` lines ending
//! in `data: [DONE]`); each piece goes to the caller as it arrives and an [`AiCancel`] stops it.
//! Streamed calls are in the ledger like the others (sizes are the bytes of the whole stream).
//!
//! Images: where the endpoint offers OpenAI's images API (`POST /images/generations`, `b64_json`),
//! [`Outpost::ai_generate_image`] puts the picture in the media library with its prompt recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use outpost_platforms::Platform;
use outpost_platforms::limits::Limits;
use outpost_store::SecretOwnerKind;
use outpost_store::ai_calls::{self, AiCall};
use outpost_store::{consents, persona, secrets as stored_secrets, settings};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::inbox::SentimentLabel;
use crate::{Outpost, Secret};

/// Version of the prompts in `prompts/` (recorded in every request's ledger row via the body).
pub const PROMPT_VERSION: &str = "2026-12-08.1";
/// Version of the AI data policy the user consents to.
pub const AI_POLICY_VERSION: &str = "ai-2026-12-06";
/// Setting key of the provider settings.
pub const SETTINGS_KEY: &str = "ai.provider";
/// Consent kinds are `ai_provider:<origin>`: one consent per provider.
pub const CONSENT_KIND_PREFIX: &str = "ai_provider:";
/// The largest answer accepted, in UTF-8 bytes.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024;
/// The largest text accepted for an action, in UTF-8 bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;
/// Default time an AI request may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

const SECRET_PURPOSE: &str = "api_key";

mod prompts {
    pub const SYSTEM: &str = include_str!("prompts/system.txt");
    pub const PERSONA: &str = include_str!("prompts/persona.txt");
    pub const REFINE: &str = include_str!("prompts/refine.txt");
    pub const EXPAND: &str = include_str!("prompts/expand.txt");
    pub const REPURPOSE: &str = include_str!("prompts/repurpose.txt");
    pub const HASHTAGS: &str = include_str!("prompts/hashtags.txt");
    pub const REPLY: &str = include_str!("prompts/reply.txt");
    pub const SHORTEN: &str = include_str!("prompts/shorten.txt");
    pub const SENTIMENT: &str = include_str!("prompts/sentiment.txt");
    pub const TEMPLATE: &str = include_str!("prompts/template.txt");
}

/// Why an AI request failed (the UI and CLI say what to do about each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AiFailure {
    /// No provider (base URL and model) is set.
    NotConfigured,
    /// The user has not consented to sending text to this provider.
    ConsentRequired,
    /// "Local only" is on and the endpoint is not on this machine.
    NotLocal,
    /// The provider refused the API key (401/403).
    Unauthorized,
    /// Too many requests (429); `retry_after_secs` says when to try again when the provider said.
    RateLimited,
    /// No answer in time.
    Timeout,
    /// The provider could not be reached or failed (network, 5xx).
    Unavailable,
    /// The provider refused the request (other 4xx), e.g. an unknown model.
    Rejected,
    /// The answer was empty or unreadable.
    EmptyAnswer,
    /// The answer was longer than Outpost accepts.
    TooLong,
    /// The user cancelled the request.
    Cancelled,
}

/// Stops a running AI request (the UI's Cancel button); cloned handles share one state.
#[derive(Debug, Clone, Default)]
pub struct AiCancel {
    flag: Arc<AtomicBool>,
    notify: Arc<tokio::sync::Notify>,
}

impl AiCancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the request (it stops at once; nothing in the draft changes).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    async fn cancelled(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }
}

/// A provider preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiPreset {
    pub id: &'static str,
    pub name: &'static str,
    pub base_url: &'static str,
    /// A model to start with (the list from `/v1/models` is better).
    pub model: &'static str,
    pub needs_key: bool,
    /// Runs on this machine.
    pub local: bool,
}

/// The presets: OpenAI, OpenRouter, Ollama and LM Studio.
pub const PRESETS: [AiPreset; 4] = [
    AiPreset {
        id: "openai",
        name: "OpenAI",
        base_url: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        needs_key: true,
        local: false,
    },
    AiPreset {
        id: "openrouter",
        name: "OpenRouter",
        base_url: "https://openrouter.ai/api/v1",
        model: "openai/gpt-4o-mini",
        needs_key: true,
        local: false,
    },
    AiPreset {
        id: "ollama",
        name: "Ollama (this machine)",
        base_url: "http://127.0.0.1:11434/v1",
        model: "llama3.2",
        needs_key: false,
        local: true,
    },
    AiPreset {
        id: "lmstudio",
        name: "LM Studio (this machine)",
        base_url: "http://127.0.0.1:1234/v1",
        model: "local-model",
        needs_key: false,
        local: true,
    },
];

/// The provider settings as stored (no key: the key is in the vault).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiSettingsInput {
    /// e.g. `https://api.openai.com/v1` (the `/chat/completions` and `/models` paths are added).
    pub base_url: String,
    pub model: String,
    /// Refuse any endpoint not on this machine (loopback).
    #[serde(default)]
    pub local_only: bool,
    /// Remove e-mail addresses and phone numbers from inbox text before it is sent.
    #[serde(default)]
    pub strip_contacts: bool,
}

/// The provider settings as shown: never the key, only whether one is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiSettingsView {
    pub configured: bool,
    pub base_url: String,
    pub model: String,
    pub local_only: bool,
    pub strip_contacts: bool,
    /// The origin requests go to (`scheme://host:port`).
    pub provider: String,
    pub has_api_key: bool,
    /// Whether the user consented to this provider under the current policy.
    pub consented: bool,
    pub policy_version: String,
    pub prompt_version: String,
}

/// The brand persona: it shapes every prompt.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiPersona {
    pub tone: String,
    pub audience: String,
    pub notes: String,
    pub avoid_words: Vec<String>,
    pub examples: Vec<String>,
}

/// An assistant action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AiAction {
    Refine,
    Expand,
    Repurpose,
    Hashtags,
    Reply,
    /// Label a message's sentiment (positive, neutral or negative).
    Sentiment,
    /// Write a reusable template with `{{variables}}`.
    Template,
}

impl AiAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AiAction::Refine => "refine",
            AiAction::Expand => "expand",
            AiAction::Repurpose => "repurpose",
            AiAction::Hashtags => "hashtags",
            AiAction::Reply => "reply",
            AiAction::Sentiment => "sentiment",
            AiAction::Template => "template",
        }
    }

    fn template(self) -> &'static str {
        match self {
            AiAction::Refine => prompts::REFINE,
            AiAction::Expand => prompts::EXPAND,
            AiAction::Repurpose => prompts::REPURPOSE,
            AiAction::Hashtags => prompts::HASHTAGS,
            AiAction::Reply => prompts::REPLY,
            AiAction::Sentiment => prompts::SENTIMENT,
            AiAction::Template => prompts::TEMPLATE,
        }
    }

    /// Whether the answer is a post checked against the platform's length rule.
    fn is_post(self) -> bool {
        matches!(
            self,
            AiAction::Refine | AiAction::Expand | AiAction::Repurpose | AiAction::Template
        )
    }
}

/// What the user asks the assistant to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiAsk {
    pub action: AiAction,
    /// The text the user chose to send (and nothing else is sent but the prompt and persona).
    pub text: String,
    /// The platform whose rules the answer must follow (required for repurpose).
    pub platform: Option<Platform>,
    /// An inbox item to work on (reply, sentiment): the core reads its text (without e-mail
    /// addresses and phone numbers when that setting is on) and `text` is not used.
    #[serde(default)]
    pub inbox_item: Option<String>,
    /// Ask for the answer as server-sent events (`"stream": true` in the body).
    #[serde(default)]
    pub stream: bool,
}

/// Exactly what would be sent (the dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiPrepared {
    pub method: String,
    pub url: String,
    pub provider: String,
    pub model: String,
    /// The exact request body, byte for byte.
    pub body: String,
    /// Whether an `Authorization: Bearer …` header (the saved key, never shown) is added.
    pub sends_api_key: bool,
}

/// An assistant's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiAnswer {
    pub action: AiAction,
    pub platform: Option<Platform>,
    /// The final text (after the platform check).
    pub text: String,
    /// Hashtags found in the answer (for `hashtags`).
    pub hashtags: Vec<String>,
    /// The exact body of the (first) request sent.
    pub request_body: String,
    /// The answer was over the platform's limit and the model was asked once more to shorten it.
    pub reasked: bool,
    /// The answer was still over the limit and was cut to fit.
    pub trimmed: bool,
    /// The length as the platform counts it, and its limit (when a platform was given).
    pub length: Option<u32>,
    pub limit: Option<u32>,
    /// The ledger rows of the calls made (one, or two when re-asked).
    pub call_ids: Vec<String>,
    /// The label (for `sentiment`).
    pub sentiment: Option<SentimentLabel>,
    /// The template's variables in order (for `template`).
    pub variables: Vec<String>,
}

/// The image model used when none is given.
pub const DEFAULT_IMAGE_MODEL: &str = "gpt-image-1";
/// The largest image answer accepted (base64 JSON), in bytes.
pub const MAX_IMAGE_ANSWER_BYTES: usize = 48 * 1024 * 1024;

/// An image to generate (OpenAI's images API, where the endpoint offers it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiImageAsk {
    /// What to draw (sent as it is; the persona is not added).
    pub prompt: String,
    /// The image model (default `gpt-image-1`).
    pub model: Option<String>,
    /// e.g. `1024x1024` (the provider's default when absent).
    pub size: Option<String>,
}

/// A generated image, now in the media library.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiImageAnswer {
    pub media: crate::posts::MediaItem,
    /// The prompt sent (also in the ledger row, with the media id).
    pub prompt: String,
    /// The prompt as the provider rewrote it, when it says.
    pub revised_prompt: Option<String>,
    pub request_body: String,
    pub call_id: String,
}

/// One ledger row as the UI and CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiLedgerEntry {
    pub id: String,
    /// Unix milliseconds UTC.
    pub at: f64,
    pub action: String,
    pub provider: String,
    pub model: String,
    pub request_bytes: u32,
    pub response_bytes: u32,
    pub request_body: String,
    pub answer: String,
    pub ok: bool,
    pub error: Option<String>,
    pub duration_ms: u32,
}

impl From<AiCall> for AiLedgerEntry {
    fn from(c: AiCall) -> Self {
        let u = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        AiLedgerEntry {
            id: c.id,
            at: c.at as f64,
            action: c.action,
            provider: c.provider,
            model: c.model,
            request_bytes: u(c.request_bytes),
            response_bytes: u(c.response_bytes),
            request_body: c.request_body,
            answer: c.answer,
            ok: c.status == "ok",
            error: c.error,
            duration_ms: u(c.duration_ms),
        }
    }
}

/// The result of "test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AiConnectionTest {
    pub provider: String,
    pub models: Vec<String>,
    /// Whether the configured model is among them (`true` when the endpoint lists none).
    pub model_listed: bool,
    pub duration_ms: u32,
}

fn ai_error(kind: AiFailure, message: impl Into<String>) -> Error {
    Error::Ai {
        kind,
        message: message.into(),
        retry_after_secs: None,
    }
}

/// `scheme://host[:port]` of a base URL, after checking it is http(s) without credentials.
fn origin_of(base_url: &str) -> Result<(url::Url, String)> {
    let url = url::Url::parse(base_url.trim())
        .map_err(|e| Error::InvalidInput(format!("the base URL is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidInput(
            "the base URL must start with http:// or https://".into(),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidInput(
            "put the API key in the key field, not in the URL".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidInput(
            "the base URL cannot have a query or fragment".into(),
        ));
    }
    if url.host_str().is_none() {
        return Err(Error::InvalidInput("the base URL has no host".into()));
    }
    let origin = url.origin().ascii_serialization();
    Ok((url, origin))
}

/// Whether the URL's host is this machine (loopback address or `localhost`).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

fn endpoint(base: &url::Url, path: &str) -> String {
    format!("{}/{path}", base.as_str().trim_end_matches('/'))
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out.trim_end().to_string()
}

fn persona_block(p: &AiPersona) -> Option<String> {
    if p.tone.trim().is_empty()
        && p.audience.trim().is_empty()
        && p.notes.trim().is_empty()
        && p.avoid_words.is_empty()
        && p.examples.is_empty()
    {
        return None;
    }
    let or_none = |s: &str| {
        if s.trim().is_empty() {
            "(none)".to_string()
        } else {
            s.trim().to_string()
        }
    };
    let examples = if p.examples.is_empty() {
        "(none)".to_string()
    } else {
        p.examples
            .iter()
            .map(|e| format!("- {}", e.trim()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some(fill(
        prompts::PERSONA,
        &[
            ("tone", &or_none(&p.tone)),
            ("audience", &or_none(&p.audience)),
            ("notes", &or_none(&p.notes)),
            ("avoid", &or_none(&p.avoid_words.join(", "))),
            ("examples", &examples),
        ],
    ))
}

#[derive(Serialize)]
struct ChatMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct ChatBody<'a> {
    model: &'a str,
    messages: Vec<ChatMessage<'a>>,
    stream: bool,
}

/// The exact body of a chat completion request.
fn chat_body(model: &str, system: &str, user: &str, stream: bool) -> String {
    let body = ChatBody {
        model,
        messages: vec![
            ChatMessage {
                role: "system",
                content: system,
            },
            ChatMessage {
                role: "user",
                content: user,
            },
        ],
        stream,
    };
    serde_json::to_string(&body).unwrap_or_default()
}

fn platform_rule(platform: Option<Platform>) -> String {
    match platform {
        Some(p) => {
            let l = Limits::for_platform(p);
            format!(
                " It is for {}: at most {} characters.",
                p.name(),
                l.max_text
            )
        }
        None => String::new(),
    }
}

/// Cuts `text` (at a word boundary where possible) so `limits` counts at most `max`, ending in "…".
fn trim_to(limits: &Limits, text: &str, max: usize) -> String {
    if limits.count(text) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Largest prefix (in chars) that fits with the ellipsis: binary search.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if limits.count(&candidate) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let prefix: String = chars[..lo].iter().collect();
    let cut = match prefix.rfind(char::is_whitespace) {
        Some(i) if i > prefix.len() / 2 => &prefix[..i],
        _ => prefix.as_str(),
    };
    format!("{}…", cut.trim_end())
}

fn hashtags_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let w = word.trim_matches(|c: char| c == ',' || c == '.' || c == ';');
        if w.len() > 1 && w.starts_with('#') && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

/// The answer text of a chat completion (`choices[0].message.content`).
fn answer_text(body: &[u8]) -> Result<String> {
    #[derive(Deserialize)]
    struct Msg {
        content: Option<String>,
    }
    #[derive(Deserialize)]
    struct Choice {
        message: Msg,
    }
    #[derive(Deserialize)]
    struct Completion {
        choices: Vec<Choice>,
    }
    let c: Completion = serde_json::from_slice(body).map_err(|_| {
        ai_error(
            AiFailure::EmptyAnswer,
            "The AI provider's answer was not a chat completion.",
        )
    })?;
    let text = c
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .unwrap_or_default();
    checked_answer(&text)
}

fn too_long(n: usize) -> Error {
    ai_error(
        AiFailure::TooLong,
        format!(
            "The AI provider's answer is too long ({n} bytes; at most {MAX_ANSWER_BYTES}); your text is unchanged."
        ),
    )
}

/// The answer trimmed; an error when empty or too long.
fn checked_answer(text: &str) -> Result<String> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(ai_error(
            AiFailure::EmptyAnswer,
            "The AI provider answered with no text; try again or another model.",
        ));
    }
    if text.len() > MAX_ANSWER_BYTES {
        return Err(too_long(text.len()));
    }
    Ok(text)
}

/// Where a streamed answer goes as it arrives, and what stops it.
struct Streaming<'a> {
    on_delta: &'a mut (dyn FnMut(&str) + Send),
    cancel: &'a AiCancel,
}

/// What a stream delivered so far (kept in the ledger when it fails or is cancelled).
#[derive(Default)]
struct StreamGot {
    bytes: usize,
    text: String,
}

/// Splits a `text/event-stream` body into the `data` of each event (the server-sent events
/// format: fields per line, `data:` lines joined by newlines, an empty line ends an event).
#[derive(Default)]
struct SseParser {
    line: Vec<u8>,
    data: Option<String>,
    /// `data: [DONE]` arrived.
    done: bool,
}

impl SseParser {
    /// Feeds bytes; returns the data of every event they completed (not `[DONE]`).
    fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        for &b in bytes {
            if b != b'\n' {
                self.line.push(b);
                continue;
            }
            let mut line = std::mem::take(&mut self.line);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.is_empty() {
                if let Some(d) = self.data.take() {
                    if d == "[DONE]" {
                        self.done = true;
                        return out;
                    }
                    out.push(d);
                }
                continue;
            }
            let line = String::from_utf8_lossy(&line);
            if let Some(v) = line.strip_prefix("data:") {
                let v = v.strip_prefix(' ').unwrap_or(v);
                match &mut self.data {
                    Some(d) => {
                        d.push('\n');
                        d.push_str(v);
                    }
                    None => self.data = Some(v.to_string()),
                }
            }
            // Comments (`:`), `event:`, `id:` and `retry:` carry nothing Outpost uses.
        }
        out
    }
}

/// The text piece of one `chat.completion.chunk` (`choices[0].delta.content`); an error event
/// (`{"error": {...}}` in the middle of the stream) is an error.
fn stream_piece(data: &str) -> Result<Option<String>> {
    let v: serde_json::Value = serde_json::from_str(data).map_err(|_| {
        ai_error(
            AiFailure::EmptyAnswer,
            "The AI provider's stream held something that is not a chat completion chunk; your text is unchanged.",
        )
    })?;
    if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
        let said: String = e["message"]
            .as_str()
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect();
        return Err(ai_error(
            AiFailure::Unavailable,
            format!(
                "The AI provider failed in the middle of its answer ({said}); your text is unchanged."
            ),
        ));
    }
    Ok(v["choices"][0]["delta"]["content"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// The label in a sentiment answer (its first word).
fn sentiment_in(text: &str) -> Result<SentimentLabel> {
    let word: String = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    SentimentLabel::parse(&word).map_err(|_| {
        ai_error(
            AiFailure::EmptyAnswer,
            "The AI provider did not answer with positive, neutral or negative.",
        )
    })
}

/// `text` with e-mail addresses replaced by `[email]` and phone numbers (7 or more digits, not a
/// date) by `[phone]`.
fn strip_contacts(text: &str) -> String {
    strip_phones(&strip_emails(text))
}

fn strip_emails(text: &str) -> String {
    let local_ok = |c: char| c.is_alphanumeric() || "._%+-'".contains(c);
    let domain_ok = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut start_of_copy = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut l = i;
            while l > start_of_copy && local_ok(chars[l - 1]) {
                l -= 1;
            }
            let mut r = i + 1;
            while r < chars.len() && domain_ok(chars[r]) {
                r += 1;
            }
            let mut domain: String = chars[i + 1..r].iter().collect();
            while domain.ends_with('.') || domain.ends_with('-') {
                domain.pop();
                r -= 1;
            }
            let labels: Vec<&str> = domain.split('.').collect();
            if l < i && labels.len() >= 2 && labels.iter().all(|p| !p.is_empty()) {
                out.extend(&chars[start_of_copy..l]);
                out.push_str("[email]");
                start_of_copy = r;
                i = r;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[start_of_copy..]);
    out
}

fn looks_like_date(run: &str) -> bool {
    let parts: Vec<&str> = run.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && (parts[0].len() == 4 || parts[2].len() == 4)
        && parts.iter().all(|p| p.len() <= 4)
}

fn strip_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = c.is_ascii_digit()
            || ((c == '+' || c == '(') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
        let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '#');
        if starts && !after_word {
            let mut j = i;
            let mut last_digit = i;
            let mut digits = 0;
            while j < chars.len() && (chars[j].is_ascii_digit() || " -.()/+".contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                    last_digit = j;
                }
                // Two separators in a row end the number.
                if j > i
                    && !chars[j].is_ascii_digit()
                    && !chars[j - 1].is_ascii_digit()
                    && chars[j - 1] != ')'
                    && chars[j] != '('
                {
                    break;
                }
                j += 1;
            }
            let run: String = chars[i..=last_digit].iter().collect();
            let word_follows = chars
                .get(last_digit + 1)
                .is_some_and(|n| n.is_alphanumeric());
            if digits >= 7 && !looks_like_date(&run) && !word_follows {
                out.push_str("[phone]");
            } else {
                out.push_str(&run);
            }
            i = last_digit + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The provider's error message from an OpenAI-style error body, shortened.
fn provider_message(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let m = v["error"]["message"].as_str().unwrap_or("").trim();
    m.chars().take(200).collect()
}

/// The error of a request that got no answer.
fn unreachable(e: outpost_net::Error) -> Error {
    if matches!(&e, outpost_net::Error::Request { kind, .. } if *kind == "timed out") {
        ai_error(
            AiFailure::Timeout,
            "The AI provider did not answer in time; your text is unchanged.",
        )
    } else {
        ai_error(
            AiFailure::Unavailable,
            format!("The AI provider could not be reached: {e}"),
        )
    }
}

/// The status and `Retry-After` seconds of a response.
fn status_of(response: &outpost_net::reqwest::Response) -> (u16, Option<u64>) {
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    (response.status().as_u16(), retry_after)
}

fn status_error(status: u16, retry_after: Option<u64>, body: &[u8]) -> Error {
    let said = provider_message(body);
    let said = if said.is_empty() {
        String::new()
    } else {
        format!(" The provider said: {said}")
    };
    let (kind, message) = match status {
        401 | 403 => (
            AiFailure::Unauthorized,
            // Not the provider's words: OpenAI's 401 message quotes part of the key.
            format!(
                "The AI provider refused the API key ({status}); check the key in Settings → AI assistant."
            ),
        ),
        429 => (
            AiFailure::RateLimited,
            match retry_after {
                Some(s) => {
                    format!("The AI provider is rate limiting (429); try again in {s} s.{said}")
                }
                None => format!("The AI provider is rate limiting (429); try again later.{said}"),
            },
        ),
        500..=599 => (
            AiFailure::Unavailable,
            format!("The AI provider is failing ({status}); try again later.{said}"),
        ),
        _ => (
            AiFailure::Rejected,
            format!("The AI provider refused the request ({status}).{said}"),
        ),
    };
    Error::Ai {
        kind,
        message,
        retry_after_secs: if status == 429 { retry_after } else { None },
    }
}

struct Provider {
    base: url::Url,
    origin: String,
    model: String,
    key: Option<Secret>,
}

impl Outpost {
    async fn ai_settings_stored(&self) -> Result<Option<AiSettingsInput>> {
        let v = settings::get(self.store().pool(), SETTINGS_KEY).await?;
        Ok(v.and_then(|v| serde_json::from_value(v).ok()))
    }

    async fn ai_has_key(&self, origin: &str) -> Result<bool> {
        Ok(stored_secrets::find_for_owner(
            self.store().pool(),
            SecretOwnerKind::AiProvider,
            origin,
            SECRET_PURPOSE,
        )
        .await?
        .is_some())
    }

    async fn ai_consented(&self, origin: &str) -> Result<bool> {
        let kind = format!("{CONSENT_KIND_PREFIX}{origin}");
        Ok(consents::latest(self.store().pool(), &kind)
            .await?
            .is_some_and(|c| c.granted && c.policy_version == AI_POLICY_VERSION))
    }

    /// Saves the provider (and, when given, its API key, sealed in the vault and bound to the
    /// provider's origin: it is never sent anywhere else).
    pub async fn ai_set_provider(
        &self,
        input: &AiSettingsInput,
        api_key: Option<&Secret>,
    ) -> Result<AiSettingsView> {
        let (url, origin) = origin_of(&input.base_url)?;
        if input.model.trim().is_empty() {
            return Err(Error::InvalidInput("choose a model".into()));
        }
        if input.local_only && !is_loopback(&url) {
            return Err(ai_error(
                AiFailure::NotLocal,
                format!("\"Local only\" is on and {origin} is not on this machine"),
            ));
        }
        let stored = AiSettingsInput {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            model: input.model.trim().to_string(),
            local_only: input.local_only,
            strip_contacts: input.strip_contacts,
        };
        if let Some(key) = api_key {
            if key.expose().trim().is_empty() {
                return Err(Error::InvalidInput("the API key is empty".into()));
            }
            self.store_secret(
                SecretOwnerKind::AiProvider,
                &origin,
                SECRET_PURPOSE,
                &Secret::new(key.expose().trim()),
            )
            .await?;
        }
        let value = serde_json::to_value(&stored)
            .map_err(|e| Error::InvalidInput(format!("cannot save the AI settings: {e}")))?;
        settings::set(
            self.store().pool(),
            SETTINGS_KEY,
            &value,
            outpost_store::now_ms(),
        )
        .await?;
        tracing::info!(provider = %origin, "AI provider saved");
        self.ai_settings().await
    }

    /// Deletes the saved API key of the current provider.
    pub async fn ai_forget_api_key(&self) -> Result<AiSettingsView> {
        if let Some(s) = self.ai_settings_stored().await? {
            let (_, origin) = origin_of(&s.base_url)?;
            stored_secrets::delete_one(
                self.store().pool(),
                SecretOwnerKind::AiProvider,
                &origin,
                SECRET_PURPOSE,
            )
            .await?;
        }
        self.ai_settings().await
    }

    /// The provider settings (never the key).
    pub async fn ai_settings(&self) -> Result<AiSettingsView> {
        let Some(s) = self.ai_settings_stored().await? else {
            return Ok(AiSettingsView {
                configured: false,
                base_url: String::new(),
                model: String::new(),
                local_only: false,
                strip_contacts: false,
                provider: String::new(),
                has_api_key: false,
                consented: false,
                policy_version: AI_POLICY_VERSION.into(),
                prompt_version: PROMPT_VERSION.into(),
            });
        };
        let (_, origin) = origin_of(&s.base_url)?;
        Ok(AiSettingsView {
            configured: true,
            has_api_key: self.ai_has_key(&origin).await?,
            consented: self.ai_consented(&origin).await?,
            base_url: s.base_url,
            model: s.model,
            local_only: s.local_only,
            strip_contacts: s.strip_contacts,
            provider: origin,
            policy_version: AI_POLICY_VERSION.into(),
            prompt_version: PROMPT_VERSION.into(),
        })
    }

    /// Records the user's decision to send chosen text to the current provider (`source`: where it
    /// was given, e.g. `settings`, `composer`, `cli`).
    pub async fn ai_record_consent(&self, granted: bool, source: &str) -> Result<AiSettingsView> {
        let s = self.ai_settings_stored().await?.ok_or_else(|| {
            ai_error(
                AiFailure::NotConfigured,
                "Set up an AI provider first (base URL and model).",
            )
        })?;
        let (_, origin) = origin_of(&s.base_url)?;
        consents::insert(
            self.store().pool(),
            &consents::ConsentRecord {
                id: outpost_store::new_id(),
                kind: format!("{CONSENT_KIND_PREFIX}{origin}"),
                granted,
                policy_version: AI_POLICY_VERSION.into(),
                given_at: outpost_store::now_ms(),
                source: source.to_string(),
            },
        )
        .await?;
        self.ai_settings().await
    }

    /// The persona (empty when none was saved).
    pub async fn ai_persona(&self) -> Result<AiPersona> {
        let Some(p) = persona::get(self.store().pool()).await? else {
            return Ok(AiPersona::default());
        };
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(AiPersona {
            tone: p.tone,
            audience: p.audience,
            notes: p.style_notes,
            avoid_words: strings(&p.avoid_words.0),
            examples: strings(&p.examples.0),
        })
    }

    /// Saves the persona (it shapes every prompt).
    pub async fn ai_set_persona(&self, p: &AiPersona) -> Result<AiPersona> {
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        persona::upsert(
            self.store().pool(),
            &persona::BrandPersona {
                tone: p.tone.trim().to_string(),
                audience: p.audience.trim().to_string(),
                style_notes: p.notes.trim().to_string(),
                examples: outpost_store::json(serde_json::json!(clean(&p.examples))),
                updated_at: outpost_store::now_ms(),
                avoid_words: outpost_store::json(serde_json::json!(clean(&p.avoid_words))),
            },
        )
        .await?;
        self.ai_persona().await
    }

    async fn ai_provider(&self, with_key: bool) -> Result<Provider> {
        let s = self.ai_settings_stored().await?.ok_or_else(|| {
            ai_error(
                AiFailure::NotConfigured,
                "Set up an AI provider first: outpost ai set --base-url URL --model NAME (or Settings → AI assistant).",
            )
        })?;
        let (base, origin) = origin_of(&s.base_url)?;
        if s.local_only && !is_loopback(&base) {
            return Err(ai_error(
                AiFailure::NotLocal,
                format!(
                    "\"Local only\" is on and {origin} is not on this machine; nothing was sent"
                ),
            ));
        }
        let key = if with_key {
            self.read_secret(SecretOwnerKind::AiProvider, &origin, SECRET_PURPOSE)
                .await?
        } else {
            None
        };
        Ok(Provider {
            base,
            origin,
            model: s.model,
            key,
        })
    }

    fn ai_messages(ask: &AiAsk, persona: &AiPersona) -> Result<(String, String)> {
        if ask.text.trim().is_empty() {
            return Err(Error::InvalidInput("there is no text to send".into()));
        }
        if ask.text.len() > MAX_INPUT_BYTES {
            return Err(Error::InvalidInput(format!(
                "the text is too long to send ({} bytes; at most {MAX_INPUT_BYTES})",
                ask.text.len()
            )));
        }
        if ask.action == AiAction::Repurpose && ask.platform.is_none() {
            return Err(Error::InvalidInput(
                "repurpose needs the platform to write for (--platform)".into(),
            ));
        }
        let mut system = prompts::SYSTEM.trim_end().to_string();
        if let Some(block) = persona_block(persona) {
            system.push_str("\n\n");
            system.push_str(&block);
        }
        let platform_name = ask.platform.map_or("", |p| p.name());
        let user = fill(
            ask.action.template(),
            &[
                ("platform_rule", &platform_rule(ask.platform)),
                ("platform", platform_name),
                ("text", ask.text.trim()),
            ],
        );
        Ok((system, user))
    }

    /// The provider with its key, once the user has consented to it.
    async fn ai_ready(&self) -> Result<Provider> {
        let provider = self.ai_provider(true).await?;
        if !self.ai_consented(&provider.origin).await? {
            return Err(ai_error(
                AiFailure::ConsentRequired,
                format!(
                    "Outpost has not sent anything to {} yet: consent first (Settings → AI assistant, or outpost ai consent).",
                    provider.origin
                ),
            ));
        }
        Ok(provider)
    }

    /// Exactly what [`Outpost::ai_run`] would send for `ask`; sends nothing (the dry run).
    pub async fn ai_prepare(&self, ask: &AiAsk) -> Result<AiPrepared> {
        let provider = self.ai_provider(false).await?;
        let ask = &self.ai_resolve(ask).await?;
        let persona = self.ai_persona().await?;
        let (system, user) = Self::ai_messages(ask, &persona)?;
        Ok(AiPrepared {
            method: "POST".into(),
            url: endpoint(&provider.base, "chat/completions"),
            provider: provider.origin.clone(),
            body: chat_body(&provider.model, &system, &user, ask.stream),
            sends_api_key: self.ai_has_key(&provider.origin).await?,
            model: provider.model,
        })
    }

    /// One chat completion: sends `body`, records the call in the ledger, returns the answer text
    /// and the ledger row id.
    async fn ai_chat(
        &self,
        provider: &Provider,
        action: &str,
        body: String,
        stream: Option<&mut Streaming<'_>>,
    ) -> Result<(String, String)> {
        let url = endpoint(&provider.base, "chat/completions");
        let started = Instant::now();
        let at = outpost_store::now_ms();
        let request = reqwest_post(self, &url, provider, body.clone());
        let (result, response_bytes, partial) = match stream {
            Some(s) => {
                let mut got = StreamGot::default();
                let r = self.ai_stream(request, s, &mut got).await;
                (r, got.bytes, got.text)
            }
            None => match self.ai_send(request).await {
                Ok((status, retry_after, bytes)) => {
                    let n = bytes.len();
                    if (200..300).contains(&status) {
                        (answer_text(&bytes), n, String::new())
                    } else {
                        (
                            Err(status_error(status, retry_after, &bytes)),
                            n,
                            String::new(),
                        )
                    }
                }
                Err(e) => (Err(e), 0, String::new()),
            },
        };
        let id = outpost_store::new_id();
        let row = AiCall {
            id: id.clone(),
            at,
            action: action.to_string(),
            provider: provider.origin.clone(),
            model: provider.model.clone(),
            request_bytes: body.len() as i64,
            response_bytes: response_bytes as i64,
            request_body: body,
            // A stream that failed or was cancelled keeps what had arrived.
            answer: result.as_ref().map(String::clone).unwrap_or(partial),
            status: if result.is_ok() { "ok" } else { "error" }.into(),
            error: result.as_ref().err().map(ToString::to_string),
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        };
        ai_calls::insert(self.store().pool(), &row).await?;
        ai_calls::purge_older_than(self.store().pool(), at - ai_calls::RETENTION_MS).await?;
        tracing::info!(action, provider = %provider.origin, ok = result.is_ok(), "AI call");
        result.map(|text| (text, id))
    }

    /// Sends a request through the core's HTTP client (so it is in the activity log, without
    /// bodies); returns the status, `Retry-After` seconds and the body.
    async fn ai_send(
        &self,
        request: std::result::Result<outpost_net::reqwest::Request, Error>,
    ) -> Result<(u16, Option<u64>, Vec<u8>)> {
        let request = request?;
        let timeout = self.inner.options.ai_timeout;
        let sent = tokio::time::timeout(timeout, async {
            let response = self
                .http()
                .execute("ai", request)
                .await
                .map_err(unreachable)?;
            let (status, retry_after) = status_of(&response);
            let bytes = response.bytes().await.map_err(|e| {
                if e.is_timeout() {
                    ai_error(
                        AiFailure::Timeout,
                        "The AI provider did not finish its answer in time; your text is unchanged.",
                    )
                } else {
                    ai_error(
                        AiFailure::Unavailable,
                        "The AI provider's answer was cut off; your text is unchanged.",
                    )
                }
            })?;
            Ok::<_, Error>((status, retry_after, bytes.to_vec()))
        })
        .await;
        match sent {
            Ok(r) => r,
            Err(_) => Err(ai_error(
                AiFailure::Timeout,
                format!(
                    "The AI provider did not answer within {} s; your text is unchanged.",
                    timeout.as_secs()
                ),
            )),
        }
    }

    /// Runs an action: needs consent for the provider; checks a post's length against the
    /// platform's rule (asks once more to shorten, then cuts). Every call is in the ledger.
    pub async fn ai_run(&self, ask: &AiAsk) -> Result<AiAnswer> {
        self.ai_run_streaming(ask, &mut |_| {}, &AiCancel::new())
            .await
    }

    /// [`Outpost::ai_run`], with the answer's pieces passed to `on_delta` as they arrive when
    /// `ask.stream` is set; `cancel` stops the request (an [`AiFailure::Cancelled`] error).
    pub async fn ai_run_streaming(
        &self,
        ask: &AiAsk,
        on_delta: &mut (dyn FnMut(&str) + Send),
        cancel: &AiCancel,
    ) -> Result<AiAnswer> {
        let provider = self.ai_ready().await?;
        let ask = &self.ai_resolve(ask).await?;
        let persona = self.ai_persona().await?;
        let (system, user) = Self::ai_messages(ask, &persona)?;
        let body = chat_body(&provider.model, &system, &user, ask.stream);
        let mut streaming = Streaming { on_delta, cancel };
        let (mut text, first_id) = self
            .ai_chat(
                &provider,
                ask.action.as_str(),
                body.clone(),
                ask.stream.then_some(&mut streaming),
            )
            .await?;
        let sentiment = if ask.action == AiAction::Sentiment {
            Some(sentiment_in(&text)?)
        } else {
            None
        };
        let variables = if ask.action == AiAction::Template {
            crate::workspace::template_variables(&text).map_err(|e| {
                ai_error(
                    AiFailure::EmptyAnswer,
                    format!("The AI provider's template cannot be used: {e}"),
                )
            })?
        } else {
            Vec::new()
        };
        let mut call_ids = vec![first_id];
        let (mut reasked, mut trimmed, mut length, mut limit) = (false, false, None, None);
        if let (true, Some(p)) = (ask.action.is_post(), ask.platform) {
            let limits = Limits::for_platform(p);
            let max = limits.max_text;
            if limits.count(&text) > max {
                reasked = true;
                let count = limits.count(&text).to_string();
                let shorten = fill(
                    prompts::SHORTEN,
                    &[
                        ("count", &count),
                        ("max", &max.to_string()),
                        ("platform", p.name()),
                        ("text", &text),
                    ],
                );
                let second = chat_body(&provider.model, &system, &shorten, false);
                if let Ok((shorter, id)) = self.ai_chat(&provider, "shorten", second, None).await {
                    call_ids.push(id);
                    text = shorter;
                }
                if limits.count(&text) > max {
                    trimmed = true;
                    text = trim_to(&limits, &text, max);
                }
            }
            length = Some(u32::try_from(limits.count(&text)).unwrap_or(u32::MAX));
            limit = Some(u32::try_from(max).unwrap_or(u32::MAX));
        }
        Ok(AiAnswer {
            action: ask.action,
            platform: ask.platform,
            hashtags: if ask.action == AiAction::Hashtags {
                hashtags_in(&text)
            } else {
                Vec::new()
            },
            text,
            request_body: body,
            reasked,
            trimmed,
            length,
            limit,
            call_ids,
            sentiment,
            variables,
        })
    }

    /// The ask as sent: an inbox item's text (and platform) in place of `text`, without e-mail
    /// addresses and phone numbers when "strip contact details" is on.
    async fn ai_resolve(&self, ask: &AiAsk) -> Result<AiAsk> {
        let Some(id) = ask.inbox_item.as_deref() else {
            return Ok(ask.clone());
        };
        if !matches!(ask.action, AiAction::Reply | AiAction::Sentiment) {
            return Err(Error::InvalidInput(format!(
                "{} does not work on an inbox item (reply and sentiment do)",
                ask.action.as_str()
            )));
        }
        let detail = self.inbox_item(id).await?;
        let strip = self
            .ai_settings_stored()
            .await?
            .is_some_and(|s| s.strip_contacts);
        let text = if strip {
            strip_contacts(&detail.item.text)
        } else {
            detail.item.text
        };
        Ok(AiAsk {
            text,
            platform: ask.platform.or(Some(detail.item.platform)),
            ..ask.clone()
        })
    }

    /// Reads a streamed chat completion (server-sent events), passing each piece on.
    async fn ai_stream(
        &self,
        request: std::result::Result<outpost_net::reqwest::Request, Error>,
        s: &mut Streaming<'_>,
        got: &mut StreamGot,
    ) -> Result<String> {
        let request = request?;
        let timeout = self.inner.options.ai_timeout;
        let cancelled = || ai_error(AiFailure::Cancelled, "Cancelled; your text is unchanged.");
        let late = || {
            ai_error(
                AiFailure::Timeout,
                format!(
                    "The AI provider sent nothing for {} s; your text is unchanged.",
                    timeout.as_secs()
                ),
            )
        };
        if s.cancel.is_cancelled() {
            return Err(cancelled());
        }
        let mut response = tokio::select! {
            _ = s.cancel.cancelled() => return Err(cancelled()),
            r = tokio::time::timeout(timeout, self.http().execute("ai", request)) => match r {
                Err(_) => return Err(late()),
                Ok(r) => r.map_err(unreachable)?,
            },
        };
        let (status, retry_after) = status_of(&response);
        let is_events = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/event-stream"));
        let mut whole = Vec::new();
        let mut parser = SseParser::default();
        loop {
            let chunk = tokio::select! {
                _ = s.cancel.cancelled() => return Err(cancelled()),
                c = tokio::time::timeout(timeout, response.chunk()) => match c {
                    Err(_) => return Err(late()),
                    Ok(Err(_)) => return Err(ai_error(
                        AiFailure::Unavailable,
                        "The AI provider's answer was cut off; your text is unchanged.",
                    )),
                    Ok(Ok(None)) => break,
                    Ok(Ok(Some(c))) => c,
                },
            };
            got.bytes += chunk.len();
            if !(200..300).contains(&status) || !is_events {
                whole.extend_from_slice(&chunk);
                if whole.len() > MAX_ANSWER_BYTES * 4 {
                    break;
                }
                continue;
            }
            // Events before `[DONE]` in this chunk still count.
            for data in parser.push(&chunk) {
                if let Some(piece) = stream_piece(&data)? {
                    got.text.push_str(&piece);
                    if got.text.len() > MAX_ANSWER_BYTES {
                        return Err(too_long(got.text.len()));
                    }
                    (s.on_delta)(&piece);
                }
            }
            if parser.done {
                break;
            }
        }
        if !(200..300).contains(&status) {
            return Err(status_error(status, retry_after, &whole));
        }
        if !is_events {
            // The endpoint ignored `stream: true` and answered in one piece.
            let text = answer_text(&whole)?;
            (s.on_delta)(&text);
            got.text.clone_from(&text);
            return Ok(text);
        }
        if !parser.done {
            return Err(ai_error(
                AiFailure::Unavailable,
                "The AI provider's answer stopped before it was complete (no [DONE]); your text is unchanged.",
            ));
        }
        checked_answer(&got.text)
    }

    /// "Test connection": the models the provider lists at `/models` (no text is sent; in the
    /// activity log, not the ledger).
    pub async fn ai_test_connection(&self) -> Result<AiConnectionTest> {
        let provider = self.ai_provider(true).await?;
        if !self.ai_consented(&provider.origin).await? {
            return Err(ai_error(
                AiFailure::ConsentRequired,
                format!("Consent to contacting {} first.", provider.origin),
            ));
        }
        let url = endpoint(&provider.base, "models");
        let started = Instant::now();
        let mut req = self.http().reqwest().get(&url);
        if let Some(k) = &provider.key {
            req = req.bearer_auth(k.expose());
        }
        let request = req
            .build()
            .map_err(|_| Error::InvalidInput("the base URL cannot be used".into()));
        let (status, retry_after, bytes) = self.ai_send(request).await?;
        if !(200..300).contains(&status) {
            return Err(status_error(status, retry_after, &bytes));
        }
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let models: Vec<String> = v["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok(AiConnectionTest {
            provider: provider.origin,
            model_listed: models.is_empty() || models.contains(&provider.model),
            models,
            duration_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
        })
    }

    /// The ledger, newest first.
    pub async fn ai_ledger(&self, limit: u32) -> Result<Vec<AiLedgerEntry>> {
        let cutoff = outpost_store::now_ms() - ai_calls::RETENTION_MS;
        ai_calls::purge_older_than(self.store().pool(), cutoff).await?;
        Ok(ai_calls::recent(self.store().pool(), i64::from(limit))
            .await?
            .into_iter()
            .map(AiLedgerEntry::from)
            .collect())
    }

    /// Deletes one ledger row (`Some(id)`) or all of them (`None`); returns how many.
    pub async fn ai_delete_ledger(&self, id: Option<&str>) -> Result<u32> {
        let n = match id {
            Some(id) => {
                ai_calls::get(self.store().pool(), id).await?;
                ai_calls::delete(self.store().pool(), id).await?;
                1
            }
            None => ai_calls::delete_all(self.store().pool()).await?,
        };
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

impl Outpost {
    /// Exactly what [`Outpost::ai_generate_image`] would send; sends nothing.
    pub async fn ai_prepare_image(&self, ask: &AiImageAsk) -> Result<AiPrepared> {
        let provider = self.ai_provider(false).await?;
        let (model, body) = image_body(ask)?;
        Ok(AiPrepared {
            method: "POST".into(),
            url: endpoint(&provider.base, "images/generations"),
            sends_api_key: self.ai_has_key(&provider.origin).await?,
            provider: provider.origin,
            model,
            body,
        })
    }

    /// Generates an image (`POST /images/generations`, `b64_json`) and adds it to the media
    /// library through the same checks as any file; the ledger row holds the prompt and the
    /// media id.
    pub async fn ai_generate_image(&self, ask: &AiImageAsk) -> Result<AiImageAnswer> {
        let provider = self.ai_ready().await?;
        let (model, body) = image_body(ask)?;
        let url = endpoint(&provider.base, "images/generations");
        let started = Instant::now();
        let at = outpost_store::now_ms();
        let outcome = self
            .ai_send(reqwest_post(self, &url, &provider, body.clone()))
            .await;
        let (image, response_bytes) = match outcome {
            Ok((status, _, bytes)) if (200..300).contains(&status) => {
                (image_in(&bytes), bytes.len())
            }
            Ok((status, retry_after, bytes)) => {
                (Err(status_error(status, retry_after, &bytes)), bytes.len())
            }
            Err(e) => (Err(e), 0),
        };
        let media = match image {
            Ok((png, revised)) => {
                let name = format!("ai-image-{}.{}", at, image_ext(&png));
                self.import_media_bytes(&name, png)
                    .await
                    .map(|m| (m, revised))
            }
            Err(e) => Err(e),
        };
        let id = outpost_store::new_id();
        let row = AiCall {
            id: id.clone(),
            at,
            action: "image".into(),
            provider: provider.origin.clone(),
            model,
            request_bytes: body.len() as i64,
            response_bytes: response_bytes as i64,
            request_body: body.clone(),
            answer: media
                .as_ref()
                .map(|(m, _)| format!("media {} ({})", m.id, m.original_name))
                .unwrap_or_default(),
            status: if media.is_ok() { "ok" } else { "error" }.into(),
            error: media.as_ref().err().map(ToString::to_string),
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        };
        ai_calls::insert(self.store().pool(), &row).await?;
        tracing::info!(provider = %provider.origin, ok = media.is_ok(), "AI image");
        let (media, revised_prompt) = media?;
        Ok(AiImageAnswer {
            media,
            prompt: ask.prompt.trim().to_string(),
            revised_prompt,
            request_body: body,
            call_id: id,
        })
    }
}

/// The model and exact body of an image request.
fn image_body(ask: &AiImageAsk) -> Result<(String, String)> {
    let prompt = ask.prompt.trim();
    if prompt.is_empty() {
        return Err(Error::InvalidInput("describe the image to generate".into()));
    }
    if prompt.chars().count() > 4000 {
        return Err(Error::InvalidInput(
            "the image prompt is too long (at most 4000 characters)".into(),
        ));
    }
    let model = ask
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or(DEFAULT_IMAGE_MODEL)
        .to_string();
    let mut body = serde_json::json!({ "model": model, "prompt": prompt, "n": 1 });
    if let Some(size) = ask.size.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let ok = size == "auto"
            || size
                .split_once('x')
                .is_some_and(|(w, h)| w.parse::<u32>().is_ok() && h.parse::<u32>().is_ok());
        if !ok {
            return Err(Error::InvalidInput(format!(
                "{size} is not an image size (e.g. 1024x1024)"
            )));
        }
        body["size"] = serde_json::json!(size);
    }
    // gpt-image models always answer base64 and refuse `response_format`; DALL·E needs it.
    if model.starts_with("dall-e") {
        body["response_format"] = serde_json::json!("b64_json");
    }
    Ok((model, body.to_string()))
}

/// The image bytes and revised prompt of an images API answer (`data[0].b64_json`).
fn image_in(body: &[u8]) -> Result<(Vec<u8>, Option<String>)> {
    use base64::Engine;
    if body.len() > MAX_IMAGE_ANSWER_BYTES {
        return Err(too_long(body.len()));
    }
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let first = &v["data"][0];
    let b64 = first["b64_json"].as_str().unwrap_or("");
    if b64.is_empty() {
        return Err(ai_error(
            AiFailure::EmptyAnswer,
            "The AI provider's answer held no image (data[0].b64_json).",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| {
            ai_error(
                AiFailure::EmptyAnswer,
                "The AI provider's image is not valid base64.",
            )
        })?;
    Ok((bytes, first["revised_prompt"].as_str().map(str::to_string)))
}

fn image_ext(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xD8, ..] => "jpg",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "webp",
        _ => "png",
    }
}

fn reqwest_post(
    o: &Outpost,
    url: &str,
    provider: &Provider,
    body: String,
) -> std::result::Result<outpost_net::reqwest::Request, Error> {
    let mut req = o
        .http()
        .reqwest()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(k) = &provider.key {
        req = req.bearer_auth(k.expose());
    }
    req.build()
        .map_err(|_| Error::InvalidInput("the base URL cannot be used".into()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        for (u, local) in [
            ("http://127.0.0.1:11434/v1", true),
            ("http://localhost:1234/v1", true),
            ("http://[::1]:8080/v1", true),
            ("https://api.openai.com/v1", false),
            ("http://192.168.1.10:11434/v1", false),
            ("http://127.0.0.1.evil.example/v1", false),
        ] {
            assert_eq!(is_loopback(&url::Url::parse(u).unwrap()), local, "{u}");
        }
    }

    #[test]
    fn trimming_fits_the_platform() {
        let l = Limits::for_platform(Platform::Bluesky);
        let long = "word ".repeat(200);
        let t = trim_to(&l, &long, l.max_text);
        assert!(l.count(&t) <= l.max_text);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn persona_reaches_the_system_prompt() {
        let ask = AiAsk {
            action: AiAction::Refine,
            text: "hello".into(),
            platform: Some(Platform::Mastodon),
            inbox_item: None,
            stream: false,
        };
        let p = AiPersona {
            tone: "wry".into(),
            audience: "gardeners".into(),
            notes: "no emoji".into(),
            avoid_words: vec!["synergy".into()],
            examples: vec!["Tomatoes, finally.".into()],
        };
        let (system, user) = Outpost::ai_messages(&ask, &p).unwrap();
        for s in [
            "wry",
            "gardeners",
            "no emoji",
            "synergy",
            "Tomatoes, finally.",
        ] {
            assert!(system.contains(s), "{s}");
        }
        assert!(user.contains("hello") && user.contains("500 characters"));
        let body = chat_body("m", &system, &user, false);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["messages"][0]["role"], "system");
        assert_eq!(v["stream"], false);
    }

    #[test]
    fn contacts_are_stripped_and_dates_kept() {
        let t = "Mail jo.doe+x@mail.example.com or call +44 20 7946 0958, (555) 123-4567 or 5551234567. \
                 Order 2026-12-06, @alice, ticket #12345678, v1.2.3, 14:30.";
        let s = strip_contacts(t);
        assert_eq!(
            s,
            "Mail [email] or call [phone], [phone] or [phone]. \
                 Order 2026-12-06, @alice, ticket #12345678, v1.2.3, 14:30."
        );
    }

    #[test]
    fn server_sent_events_are_split_across_chunks() {
        let mut p = SseParser::default();
        let mut got = p.push(b"data: {\"a\":1}\r\n\r\n: comment\n\nda");
        got.extend(p.push(b"ta: x\ndata: y\n\ndata: [DONE]\n\ndata: late\n\n"));
        assert_eq!(got, vec!["{\"a\":1}".to_string(), "x\ny".to_string()]);
        assert!(p.done);
        assert!(stream_piece(r#"{"error":{"message":"boom"}}"#).is_err());
        assert_eq!(
            stream_piece(r#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#).unwrap(),
            Some("Hi".to_string())
        );
    }

    #[test]
    fn hashtags_are_extracted() {
        assert_eq!(
            hashtags_in("#rust, #tauri #rust and #"),
            vec!["#rust".to_string(), "#tauri".to_string()]
        );
    }
}
