//! Client approvals with no server (DESIGN §2.7): a sealed, password-protected preview file that
//! expires (at most 24 hours), and a signed decision code that comes back.
//!
//! - `create`: the post as each of its channels will show it, sealed in one self-contained HTML
//!   file ([`seal`]). The app keeps an Argon2id hash of the password (never the password) and the
//!   preview's random decision key, sealed in the vault; the same key is inside the encrypted
//!   file, so only the password holder and this profile can make or check a decision code.
//! - `apply`: checks a code ([`code`]) and records the decision, or refuses with the reason and
//!   changes nothing: damaged or cut off, altered, unknown preview, another post, revoked,
//!   expired, key not in this profile, already decided, post edited since the preview.
//! - Lifecycle: list with state, revoke, purge (keys and password hashes go at expiry; undecided
//!   rows after [`FORGET_AFTER_MS`]; decided rows stay as the post's approval history).
//! - A post that needs approval (its own setting, or by default any of its channels' setting)
//!   cannot be scheduled until the current content is approved.

pub mod code;
pub mod seal;

use std::path::{Path, PathBuf};
use std::time::Duration;

use argon2::password_hash::{PasswordHasher, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use outpost_store::approvals::{self, ApprovalPreview};
use outpost_store::{Decision, SecretOwnerKind, new_id, now_ms};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::posts::ComposeInput;
use crate::{Error, Outpost, Result, Secret};

/// The longest a preview may live, and the default.
pub const MAX_EXPIRY: Duration = Duration::from_secs(24 * 3600);
/// The shortest a preview may live.
pub const MIN_EXPIRY: Duration = Duration::from_secs(60);
/// Shortest password accepted for a preview.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Undecided previews are forgotten this long after they expired (revoked or expired, they show
/// in the list until then).
pub const FORGET_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;
/// Vault purpose of a preview's decision key (owner kind `app`, owner id = preview id).
pub const KEY_PURPOSE: &str = "approval_decision_key";

/// Why a decision code was refused. Nothing is changed by a refused code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a whole code: damaged, or cut off when copied.
    Malformed,
    /// The signature does not match: the code was changed.
    Tampered,
    /// No preview with this id in this profile.
    UnknownPreview,
    /// The code is for another post than the one it was applied to.
    OtherPost,
    /// The preview was revoked.
    Revoked,
    /// The preview expired.
    Expired,
    /// The preview's key is not in this profile (e.g. it came from an import).
    KeyUnavailable,
    /// A decision was already recorded for this preview.
    AlreadyDecided,
    /// The post changed after the preview was made.
    PostEdited,
}

/// A preview's state in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PreviewState {
    Waiting,
    Approved,
    Rejected,
    Expired,
    Revoked,
}

/// One preview as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewView {
    pub id: String,
    pub post_id: String,
    /// The first 80 characters of the post's text.
    pub post_excerpt: String,
    pub state: PreviewState,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub created_at: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub expires_at: i64,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub decided_at: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub revoked_at: Option<i64>,
    pub feedback: Option<String>,
    pub file_name: String,
    /// False when the post was edited after the preview (a decision no longer applies).
    pub content_current: bool,
}

/// What `create` wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreatedPreview {
    pub preview: PreviewView,
    pub path: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
}

/// A decision that was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppliedDecision {
    pub preview_id: String,
    pub post_id: String,
    /// `approved` or `rejected`.
    pub decision: String,
    pub feedback: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub decided_at: i64,
}

/// A post's approval as its card and the composer show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostApproval {
    pub post_id: String,
    /// Whether the post must be approved before it can be scheduled.
    pub needs_approval: bool,
    /// The post's own setting; `None` follows its channels.
    pub setting: Option<bool>,
    /// `none` (never sent), `waiting`, `approved`, `rejected`, or `outdated` (decided on content
    /// that has changed since).
    pub status: String,
    /// Whether the current content is approved (what scheduling needs).
    pub approved: bool,
    /// The newest preview of the post.
    pub latest: Option<PreviewView>,
    /// Every preview of the post, newest first: its approval history.
    pub history: Vec<PreviewView>,
}

fn refused(reason: Refusal, message: impl Into<String>) -> Error {
    Error::ApprovalRefused {
        reason,
        message: message.into(),
    }
}

/// SHA-256 (hex) of what a client approves: text, channels, media (and alt texts) and every
/// per-channel variant. Times and draft state are not content.
pub fn content_hash(input: &ComposeInput) -> String {
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    // The same content hashes the same whether it comes from the composer or from the database:
    // one entry per channel, empty values as absent, options `{}` when unset.
    let variants: Vec<serde_json::Value> = input
        .channels
        .iter()
        .map(|c| {
            let v = input.variants.iter().find(|v| &v.channel_id == c);
            let options = v
                .map(|v| v.options.clone())
                .filter(|o| o.as_object().is_some_and(|m| !m.is_empty()))
                .unwrap_or_else(|| serde_json::json!({}));
            serde_json::json!({
                "channel_id": c,
                "caption": v.and_then(|v| opt(&v.caption)),
                "title": v.and_then(|v| opt(&v.title)),
                "first_comment": v.and_then(|v| opt(&v.first_comment)),
                "thread_parts": v.map(|v| v.thread_parts.clone()).unwrap_or_default(),
                "options": options,
                "native_scheduling": v.is_some_and(|v| v.native_scheduling),
            })
        })
        .collect();
    let media: Vec<serde_json::Value> = input
        .media
        .iter()
        .map(|m| serde_json::json!({"media_id": m.media_id, "alt": opt(&m.alt)}))
        .collect();
    let canonical = serde_json::json!({
        "text": input.text,
        "channels": input.channels,
        "media": media,
        "variants": variants,
    });
    hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn state_of(p: &ApprovalPreview, now: i64) -> PreviewState {
    match p.decision {
        Some(Decision::Approved) => PreviewState::Approved,
        Some(Decision::Rejected) => PreviewState::Rejected,
        None if p.revoked_at.is_some() => PreviewState::Revoked,
        None if p.expires_at <= now => PreviewState::Expired,
        None => PreviewState::Waiting,
    }
}

fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        format!("{t}…")
    } else {
        t
    }
}

/// Parses `--expires-in`: `90m`, `12h`, `1h30m`, `3600s` or a number of hours.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let bad = || {
        Error::InvalidInput(format!(
            "{s:?} is not a duration; use e.g. 24h, 90m or 1h30m (at most 24h)"
        ))
    };
    let s = s.trim();
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(h) = s.parse::<u64>() {
        return Ok(Duration::from_secs(h.checked_mul(3600).ok_or_else(bad)?));
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(bad)?)
            .ok_or_else(bad)?;
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

impl Outpost {
    /// Deletes the keys and password hashes of expired and revoked previews, and forgets undecided
    /// previews long expired. Runs when previews are listed, made or answered, and when a profile opens.
    pub async fn purge_approvals(&self) -> Result<()> {
        let now = now_ms();
        let mut conn = self
            .store()
            .pool()
            .acquire()
            .await
            .map_err(outpost_store::Error::from)?;
        let (keys, rows) =
            approvals::purge(&mut conn, now, now - FORGET_AFTER_MS, KEY_PURPOSE).await?;
        if keys + rows > 0 {
            tracing::info!(keys, rows, "expired approval previews purged");
        }
        Ok(())
    }

    async fn preview_view(&self, p: &ApprovalPreview, now: i64) -> Result<PreviewView> {
        let (post_excerpt, current) = match self.composer_post(&p.post_id).await {
            Ok(c) => (excerpt(&c.input.text), content_hash(&c.input)),
            Err(Error::NotFound { .. }) => (String::new(), String::new()),
            Err(e) => return Err(e),
        };
        Ok(PreviewView {
            id: p.id.clone(),
            post_id: p.post_id.clone(),
            post_excerpt,
            state: state_of(p, now),
            created_at: p.created_at,
            expires_at: p.expires_at,
            decided_at: p.decided_at,
            revoked_at: p.revoked_at,
            feedback: p.feedback.clone(),
            file_name: p.file_name.clone(),
            content_current: current == p.content_hash,
        })
    }

    /// Writes a sealed preview of a post to `out` (an `.html` file) for a client, protected by
    /// `password`, answerable until `expires_in` from now (at most 24 hours, the default).
    pub async fn create_approval_preview(
        &self,
        post_id: &str,
        password: &Secret,
        expires_in: Option<Duration>,
        out: &Path,
    ) -> Result<CreatedPreview> {
        let expires_in = expires_in.unwrap_or(MAX_EXPIRY);
        if expires_in > MAX_EXPIRY || expires_in < MIN_EXPIRY {
            return Err(Error::InvalidInput(
                "a preview expires between 1 minute and 24 hours after it is made".into(),
            ));
        }
        if password.expose().chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::InvalidInput(format!(
                "the preview password needs at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        if password.expose().len() > 1024 {
            return Err(Error::InvalidInput(
                "the preview password is too long".into(),
            ));
        }
        let file_name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::InvalidInput("give the preview a file name".into()))?;
        self.purge_approvals().await?;
        let composer = self.composer_post(post_id).await?;
        if !composer.editable {
            return Err(Error::InvalidInput(
                "this post is being published or already went out; there is nothing to approve"
                    .into(),
            ));
        }
        let hash = content_hash(&composer.input);
        let channels = self.preview_post(&composer.input).await?;
        let when = match (
            &composer.detail.post.local_time,
            &composer.detail.post.time_zone,
        ) {
            (Some(l), Some(z)) if composer.detail.post.status != "draft" => {
                Some(format!("{} ({z})", l.replace('T', " ")))
            }
            _ => None,
        };
        let cards: Vec<serde_json::Value> = channels
            .iter()
            .map(|c| {
                let variant = composer
                    .input
                    .variants
                    .iter()
                    .find(|v| v.channel_id == c.channel_id);
                let mut extra = Vec::new();
                if let Some(v) = variant {
                    for (i, t) in v.thread_parts.iter().enumerate() {
                        extra.push(
                            serde_json::json!({"label": format!("Part {}", i + 2), "text": t}),
                        );
                    }
                    if let Some(fc) = v.first_comment.as_ref().filter(|s| !s.is_empty()) {
                        extra.push(serde_json::json!({"label": "First comment", "text": fc}));
                    }
                }
                serde_json::json!({
                    "platform": c.platform.id(),
                    "platform_name": c.platform.name(),
                    "display_name": c.display_name,
                    "handle": c.handle,
                    "text": c.text,
                    "title": c.title,
                    "extra": extra,
                })
            })
            .collect();
        let media: Vec<serde_json::Value> = composer
            .media
            .iter()
            .map(|m| serde_json::json!({"kind": m.kind, "thumbnail": m.thumbnail, "alt": m.alt}))
            .collect();

        let id = new_id();
        let now = now_ms();
        let ttl = i64::try_from(expires_in.as_millis()).unwrap_or(i64::MAX);
        let expires_at = now.saturating_add(ttl);
        let mut key = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, key.as_mut());
        let key_text = Secret::new(URL_SAFE_NO_PAD.encode(key.as_ref()));
        let payload = Zeroizing::new(
            serde_json::json!({
                "v": 1,
                "mac_key": key_text.expose(),
                "posts": [{
                    "post_id": post_id,
                    "content_hash": hash,
                    "label": excerpt(&composer.input.text),
                    "when": when,
                    "channels": cards,
                    "media": media,
                }],
            })
            .to_string(),
        );
        let pw = password.clone();
        let pid = id.clone();
        let (file, password_hash) = tokio::task::spawn_blocking(move || -> Result<_> {
            let file = seal::seal(&pid, now, expires_at, pw.expose(), payload.as_bytes())?;
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            let hash = argon2::Argon2::default()
                .hash_password(pw.expose().as_bytes(), &salt)
                .map_err(|_| Error::InvalidInput("the password could not be hashed".into()))?
                .to_string();
            Ok((file, hash))
        })
        .await
        .map_err(|e| Error::InvalidInput(format!("the sealing task failed: {e}")))??;
        let html = seal::render_html(&file)?;

        self.store_secret(SecretOwnerKind::App, &id, KEY_PURPOSE, &key_text)
            .await?;
        let row = ApprovalPreview {
            id: id.clone(),
            post_id: post_id.to_string(),
            password_hash: Some(password_hash),
            created_at: now,
            expires_at,
            decision: None,
            feedback: None,
            decided_at: None,
            content_hash: hash,
            revoked_at: None,
            file_name,
        };
        if let Err(e) = approvals::insert(self.store().pool(), &row).await {
            self.purge_approvals().await.ok();
            return Err(e.into());
        }
        let written = write_file(out, html.as_bytes());
        if let Err(e) = written {
            approvals::delete(self.store().pool(), &id).await.ok();
            self.purge_approvals().await.ok();
            return Err(e);
        }
        tracing::info!(preview_id = %id, post_id, expires_at, "approval preview created");
        Ok(CreatedPreview {
            preview: self.preview_view(&row, now).await?,
            path: absolute(out).display().to_string(),
            bytes: u64::try_from(html.len()).unwrap_or(u64::MAX),
        })
    }

    /// Every preview, newest first, with its state.
    pub async fn approval_previews(&self) -> Result<Vec<PreviewView>> {
        self.purge_approvals().await?;
        let now = now_ms();
        let mut out = Vec::new();
        for p in approvals::list_recent(self.store().pool(), 500).await? {
            out.push(self.preview_view(&p, now).await?);
        }
        Ok(out)
    }

    /// Revokes a waiting preview: its key and password hash are deleted at once, so no code made
    /// with it is accepted any more (the file itself is out of reach; it still opens, but its
    /// decision is refused).
    pub async fn revoke_approval_preview(&self, id: &str) -> Result<PreviewView> {
        let now = now_ms();
        let Some(p) = approvals::find(self.store().pool(), id).await? else {
            return Err(Error::NotFound {
                what: format!("approval preview {id}"),
            });
        };
        match state_of(&p, now) {
            PreviewState::Waiting | PreviewState::Expired => {}
            PreviewState::Revoked => {
                return Err(Error::InvalidInput(
                    "this preview is already revoked".into(),
                ));
            }
            PreviewState::Approved | PreviewState::Rejected => {
                return Err(Error::InvalidInput(
                    "this preview was already answered; there is nothing to revoke".into(),
                ));
            }
        }
        approvals::revoke(self.store().pool(), id, now).await?;
        self.purge_approvals().await?;
        tracing::info!(preview_id = %id, "approval preview revoked");
        let p = approvals::get(self.store().pool(), id).await?;
        self.preview_view(&p, now).await
    }

    /// Checks a decision code and records the decision on its preview. With `for_post`, a code for
    /// any other post is refused. Every refusal says why and changes nothing.
    pub async fn apply_approval_code(
        &self,
        code: &str,
        for_post: Option<&str>,
    ) -> Result<AppliedDecision> {
        let Some(parsed) = code::parse(code) else {
            return Err(refused(
                Refusal::Malformed,
                "This is not a complete decision code: it is damaged or was cut off when it was copied. Copy the whole code again.",
            ));
        };
        self.purge_approvals().await?;
        let now = now_ms();
        let Some(p) = approvals::find(self.store().pool(), &parsed.preview_id).await? else {
            return Err(refused(
                Refusal::UnknownPreview,
                "This code is for a preview this Outpost does not know (made in another profile, or deleted).",
            ));
        };
        if p.revoked_at.is_some() {
            return Err(refused(
                Refusal::Revoked,
                "This code is for a preview you revoked; its decision is not accepted. Send a new preview if you still need one.",
            ));
        }
        if p.decision.is_none() && p.expires_at <= now {
            return Err(refused(
                Refusal::Expired,
                "This code is for a preview that has expired; its decision is not accepted. Send a new preview.",
            ));
        }
        if p.decision.is_some() {
            return Err(refused(
                Refusal::AlreadyDecided,
                "A decision was already recorded for this preview; nothing changed.",
            ));
        }
        let Some(key_text) = self
            .read_secret(SecretOwnerKind::App, &p.id, KEY_PURPOSE)
            .await?
        else {
            return Err(refused(
                Refusal::KeyUnavailable,
                "This preview's key is not in this profile (previews brought in by an import cannot take decisions). Send a new preview.",
            ));
        };
        let key = Zeroizing::new(URL_SAFE_NO_PAD.decode(key_text.expose()).map_err(|_| {
            refused(
                Refusal::KeyUnavailable,
                "This preview's key is damaged. Send a new preview.",
            )
        })?);
        if !parsed.verify(&key, &p.content_hash) || parsed.post_id != p.post_id {
            return Err(refused(
                Refusal::Tampered,
                "This code was changed: its signature does not match the preview it names. Ask for the code again.",
            ));
        }
        if for_post.is_some_and(|e| e != p.post_id) {
            return Err(refused(
                Refusal::OtherPost,
                format!(
                    "This code is for another post (“{}”), not this one.",
                    self.composer_post(&p.post_id)
                        .await
                        .map(|c| excerpt(&c.input.text))
                        .unwrap_or_default()
                ),
            ));
        }
        let current = content_hash(&self.composer_post(&p.post_id).await?.input);
        if current != p.content_hash {
            return Err(refused(
                Refusal::PostEdited,
                "The post was edited after this preview was made, so the decision no longer applies. Send a new preview.",
            ));
        }
        let feedback = parsed.feedback.trim().to_string();
        approvals::record_decision(
            self.store().pool(),
            &p.id,
            parsed.decision,
            Some(feedback.as_str()).filter(|f| !f.is_empty()),
            now,
        )
        .await
        .map_err(|e| {
            if e.is_conflict() {
                refused(
                    Refusal::AlreadyDecided,
                    "A decision was already recorded for this preview, or it expired just now; nothing changed.",
                )
            } else {
                e.into()
            }
        })?;
        // The key has done its job.
        self.purge_approvals().await.ok();
        outpost_store::secrets::delete_one(
            self.store().pool(),
            SecretOwnerKind::App,
            &p.id,
            KEY_PURPOSE,
        )
        .await?;
        tracing::info!(preview_id = %p.id, post_id = %p.post_id, decision = %parsed.decision, "client decision recorded");
        Ok(AppliedDecision {
            preview_id: p.id,
            post_id: p.post_id,
            decision: parsed.decision.as_str().to_string(),
            feedback,
            decided_at: now,
        })
    }

    /// The post's approval state (card, composer).
    pub async fn post_approval(&self, post_id: &str) -> Result<PostApproval> {
        let pool = self.store().pool();
        let needs = approvals::post_needs_approval(pool, post_id).await?;
        let setting = approvals::post_setting(pool, post_id).await?;
        let current = content_hash(&self.composer_post(post_id).await?.input);
        let now = now_ms();
        let previews = approvals::list_for_post(pool, post_id).await?;
        let approved = previews
            .iter()
            .any(|p| p.decision == Some(Decision::Approved) && p.content_hash == current);
        let mut history = Vec::with_capacity(previews.len());
        for p in &previews {
            history.push(self.preview_view(p, now).await?);
        }
        let latest = history.first().cloned();
        let status = match &latest {
            None => "none",
            Some(v)
                if !v.content_current
                    && matches!(v.state, PreviewState::Approved | PreviewState::Rejected) =>
            {
                "outdated"
            }
            Some(v) => match v.state {
                PreviewState::Waiting => "waiting",
                PreviewState::Approved => "approved",
                PreviewState::Rejected => "rejected",
                PreviewState::Expired | PreviewState::Revoked => "none",
            },
        }
        .to_string();
        Ok(PostApproval {
            post_id: post_id.to_string(),
            needs_approval: needs,
            setting,
            status,
            approved,
            latest,
            history,
        })
    }

    /// Sets whether a post needs approval (`None`: follow its channels).
    pub async fn set_post_needs_approval(
        &self,
        post_id: &str,
        needs: Option<bool>,
    ) -> Result<PostApproval> {
        approvals::set_post_setting(self.store().pool(), post_id, needs).await?;
        self.post_approval(post_id).await
    }

    /// Sets a channel's default: whether its posts need approval.
    pub async fn set_channel_requires_approval(
        &self,
        channel_id: &str,
        requires: bool,
    ) -> Result<()> {
        approvals::set_channel_requires(self.store().pool(), channel_id, requires).await?;
        Ok(())
    }

    /// Ids of the channels whose posts need approval by default.
    pub async fn channels_requiring_approval(&self) -> Result<Vec<String>> {
        Ok(approvals::channels_requiring(self.store().pool()).await?)
    }

    /// Refuses to schedule content that needs approval and is not approved as it is now.
    /// `existing`: the post being saved (its own setting and its previews count); a new post needs
    /// approval when any of its channels requires it.
    pub(crate) async fn check_approval_gate(
        &self,
        existing: Option<&str>,
        input: &ComposeInput,
    ) -> Result<()> {
        let pool = self.store().pool();
        let needs = match existing {
            Some(id) => match approvals::post_setting(pool, id).await? {
                Some(own) => own,
                None => approvals::any_channel_requires(pool, &input.channels).await?,
            },
            None => approvals::any_channel_requires(pool, &input.channels).await?,
        };
        if !needs {
            return Ok(());
        }
        let hash = content_hash(input);
        let approved = match existing {
            Some(id) => approvals::list_for_post(pool, id)
                .await?
                .iter()
                .any(|p| p.decision == Some(Decision::Approved) && p.content_hash == hash),
            None => false,
        };
        if approved {
            return Ok(());
        }
        Err(Error::InvalidInput(
            "this post needs the client's approval before it can be scheduled: save it as a draft, send it for approval, and schedule it once approved (an edit after approval needs a new approval)".into(),
        ))
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Writes the file whole or not at all (a temporary file next to it, renamed into place).
fn write_file(out: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = absolute(out)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .map_err(|e| Error::io(format!("cannot write the preview in {}", dir.display()), e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("cannot write the preview", e))?;
    tmp.persist(out)
        .map_err(|e| Error::io(format!("cannot write {}", out.display()), e.error))?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h").unwrap(), MAX_EXPIRY);
        assert_eq!(parse_duration("90m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(7200));
        for bad in ["", "h", "1d", "1h30", "-1h", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
