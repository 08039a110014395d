//! Everything the CLI writes to the terminal. The only module allowed to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use outpost_app::DoctorReport;

/// One line on stderr, exit status 1.
pub fn fail(message: &str) -> ExitCode {
    let line = message.lines().next().unwrap_or("unknown error");
    eprintln!("outpost: {line}");
    ExitCode::FAILURE
}

pub fn version(json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "version": outpost_app::VERSION }));
    } else {
        println!("outpost {}", outpost_app::VERSION);
    }
    ExitCode::SUCCESS
}

pub fn doctor(r: &DoctorReport, json: bool) -> ExitCode {
    if json {
        match serde_json::to_string_pretty(r) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(&format!("cannot encode the report: {e}")),
        }
    } else {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let schema = r
            .schema_version
            .map_or_else(|| "unknown".to_string(), |v| v.to_string());
        let backend = r.vault_backend.map_or("none", |b| match b {
            outpost_app::VaultBackend::Keychain => "OS keychain",
            outpost_app::VaultBackend::Passphrase => "passphrase (OUTPOST_VAULT_PASSPHRASE)",
        });
        println!("Outpost {}", r.version);
        println!("  data directory   {}", r.data_dir);
        println!("  database         {}", r.database_file);
        println!(
            "  schema version   {schema} (this build knows {})",
            r.latest_schema_version
        );
        println!("  vault backend    {backend}");
        println!("  keychain answers {}", yes_no(r.keychain_available));
        println!("  vault            {}", r.vault_detail);
        println!("  logs             {}", r.log_dir);
        println!("  rendering        {}", r.rendering);
        if r.healthy() {
            println!("Everything looks good.");
        } else {
            println!("Problems:");
            for p in &r.problems {
                println!("  - {p}");
            }
        }
    }
    if r.healthy() {
        ExitCode::SUCCESS
    } else {
        // The report above says what is wrong; the one-line summary goes to stderr.
        fail(
            r.problems
                .first()
                .map_or("the profile has problems", String::as_str),
        )
    }
}

pub fn exported(s: &outpost_app::data::ExportSummary, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "path": s.path.display().to_string(), "counts": s.counts, "media_files": s.media_files, "bytes": s.bytes })
        );
    } else {
        println!("Exported to {} ({} bytes)", s.path.display(), s.bytes);
        print_counts(&s.counts, s.media_files);
    }
    ExitCode::SUCCESS
}

pub fn imported(s: &outpost_app::data::ImportSummary, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "counts": s.counts, "media_files": s.media_files })
        );
    } else {
        println!("Imported:");
        print_counts(&s.counts, s.media_files);
        println!("Channels need to be connected again: sign-ins are never exported.");
    }
    ExitCode::SUCCESS
}

fn print_counts(counts: &std::collections::BTreeMap<String, u64>, media_files: u64) {
    for (table, n) in counts.iter().filter(|(_, n)| **n > 0) {
        println!("  {table:<22} {n}");
    }
    println!("  {:<22} {media_files}", "media files");
}

pub fn deleted_all(r: &outpost_app::data::DeleteAllReport, json: bool) -> ExitCode {
    if json {
        match serde_json::to_string(r) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(&format!("cannot encode the report: {e}")),
        }
    } else {
        println!("All data deleted.");
        for c in &r.revocation {
            let what = match &c.outcome {
                outpost_app::data::RevocationOutcome::Revoked => "access revoked".to_string(),
                outpost_app::data::RevocationOutcome::NotSupported => {
                    "not revoked (remove Outpost in the platform's settings)".to_string()
                }
                outpost_app::data::RevocationOutcome::Failed(reason) => {
                    format!(
                        "revocation failed: {reason} (remove Outpost in the platform's settings)"
                    )
                }
            };
            println!("  {} channel {}: {what}", c.platform, c.channel_id);
        }
    }
    ExitCode::SUCCESS
}

/// Pretty JSON on stdout (also the text form of `inbox show` and `inbox counts`).
pub fn print_json<T: serde::Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot encode the output: {e}")),
    }
}

pub fn app_saved(v: &outpost_app::channels::DeveloperAppView, json: bool) -> ExitCode {
    if json {
        return print_json(v);
    }
    println!(
        "Saved the {} developer app (client id {}; client secret {}).",
        v.platform_name,
        v.client_id.as_deref().unwrap_or("-"),
        if v.has_client_secret {
            "sealed in the vault"
        } else {
            "none"
        }
    );
    println!("Redirect URI to register: {}", v.redirect_uri);
    println!("Sign-in asks for: {}", v.scopes.join(" "));
    if v.offers_organization_access && !v.organization_access {
        println!(
            "Member posting only; if your app has the Community Management API product, add --community-management to post to company pages."
        );
    }
    ExitCode::SUCCESS
}

pub fn redirect_uri(platform: outpost_app::channels::Platform, uri: &str, json: bool) -> ExitCode {
    if json {
        return print_json(&serde_json::json!({ "platform": platform, "redirect_uri": uri }));
    }
    println!("{uri}");
    ExitCode::SUCCESS
}

/// Progress goes to stderr so stdout stays the result.
pub fn waiting_for_browser(platform: outpost_app::channels::Platform) {
    eprintln!(
        "Opening your browser to sign in to {platform}… (waiting up to 5 minutes; Ctrl+C cancels)"
    );
}

pub fn channels(list: &[outpost_app::channels::ChannelView], json: bool, verb: &str) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No channels yet. Connect one: outpost channels connect <platform>");
        return ExitCode::SUCCESS;
    }
    for c in list {
        let status = match c.status.as_str() {
            "connected" => "connected".to_string(),
            "reconnect_needed" => format!(
                "RECONNECT NEEDED ({})",
                c.status_reason
                    .as_deref()
                    .unwrap_or("the platform refused the sign-in")
            ),
            other => other.to_string(),
        };
        let prefix = if verb.is_empty() {
            String::new()
        } else {
            format!("{verb} ")
        };
        println!(
            "{prefix}{}  {:<9}  {:<12}  {} ({})  {status}",
            c.id, c.platform_name, c.kind, c.display_name, c.handle
        );
    }
    ExitCode::SUCCESS
}

pub fn disconnected(r: &outpost_app::channels::DisconnectReport, json: bool) -> ExitCode {
    if json {
        return print_json(r);
    }
    let what = match r.upstream.as_str() {
        "revoked" => "the platform revoked Outpost's access",
        "not_offered" => "the platform offers no revocation",
        "shared_grant" => "other channels still use this sign-in, so it was not revoked",
        _ => "revoking upstream failed",
    };
    println!("Disconnected {}: tokens deleted; {what}.", r.channel_id);
    if let Some(n) = &r.note {
        println!("  {n}");
    }
    ExitCode::SUCCESS
}

fn when(ms: Option<i64>, zone: Option<&str>, local: Option<&str>) -> String {
    match (ms, local) {
        (Some(_), Some(l)) => format!("{} {}", l.replace('T', " "), zone.unwrap_or("")),
        (Some(ms), None) => format!("{ms}"),
        _ => "unscheduled".into(),
    }
}

pub fn post(d: &outpost_app::posts::PostDetail, json: bool) -> ExitCode {
    if json {
        return print_json(d);
    }
    let p = &d.post;
    println!(
        "{}  {}  {}",
        p.id,
        p.status,
        when(
            p.scheduled_at,
            p.time_zone.as_deref(),
            p.local_time.as_deref()
        )
    );
    println!("  {}", p.text.lines().next().unwrap_or(""));
    for t in &d.targets {
        let (state, extra) = match &t.job {
            Some(j) if t.comment_problem.is_some() => (
                format!("{}; first comment failed", j.state),
                format!(
                    "{} (retry-comment or dismiss-comment)",
                    t.comment_problem.clone().unwrap_or_default()
                ),
            ),
            Some(j) => (
                j.state.clone(),
                j.platform_url
                    .clone()
                    .or_else(|| j.hold_reason.clone())
                    .or_else(|| j.last_error.clone())
                    .unwrap_or_default(),
            ),
            None => ("draft".into(), String::new()),
        };
        let job = t
            .job
            .as_ref()
            .map(|j| format!("  job {}", j.id))
            .unwrap_or_default();
        println!(
            "  {} {} ({}): {state} {extra}{job}",
            t.platform.name(),
            t.channel_name,
            t.channel_id
        );
        for a in &t.attempts {
            println!(
                "    attempt {}: {} {}",
                a.attempt_no,
                a.outcome.as_deref().unwrap_or("in flight"),
                a.summary.as_deref().unwrap_or("")
            );
        }
    }
    ExitCode::SUCCESS
}

/// `posts show`: the post as [`post`] prints it, with each published target's latest numbers
/// (`--json`: a `metrics` object on each target, `null` before it went out).
pub fn post_with_numbers(
    d: &outpost_app::posts::PostDetail,
    numbers: &[outpost_app::analytics::TargetNumbers],
    json: bool,
) -> ExitCode {
    if json {
        let mut v = serde_json::to_value(d).unwrap_or_default();
        if let Some(targets) = v.get_mut("targets").and_then(|t| t.as_array_mut()) {
            for t in targets {
                let id = t.get("target_id").and_then(|i| i.as_str()).unwrap_or("");
                let n = numbers.iter().find(|n| n.post_target_id == id);
                if let Some(obj) = t.as_object_mut() {
                    obj.insert(
                        "metrics".into(),
                        serde_json::to_value(n).unwrap_or_default(),
                    );
                }
            }
        }
        return print_json(&v);
    }
    let code = post(d, false);
    for n in numbers {
        println!(
            "  numbers on {} ({}): {}",
            n.channel_name,
            n.platform.name(),
            numbers_line(n)
        );
    }
    code
}

/// A target's latest numbers in one line: each offered metric read, "n/a" for the usual ones the
/// platform does not offer, and when they were read.
fn numbers_line(n: &outpost_app::analytics::TargetNumbers) -> String {
    if n.offered.is_empty() {
        return format!("metrics are not available for {} yet", n.platform.name());
    }
    let Some(at) = n.last_synced_at else {
        return match &n.problem {
            Some(p) => format!("not read yet ({p})"),
            None => "not read yet (read within 15 minutes of publishing while the app or `outpost run` runs)".into(),
        };
    };
    let mut parts: Vec<String> = n.values.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let offered = |x: &str| n.offered.iter().any(|o| o == x);
    // Views stand for impressions where that is what the platform counts.
    let counted = |m: &str| offered(m) || (m == "views" && offered("impressions"));
    for m in ["views", "likes", "replies", "reposts", "saves"] {
        if !counted(m) {
            parts.push(format!("{m} n/a"));
        }
    }
    let deleted = if n.deleted {
        " [deleted on the platform]"
    } else {
        ""
    };
    let problem = n
        .problem
        .as_deref()
        .map(|p| format!(" - {p}"))
        .unwrap_or_default();
    format!("{}; read {}{deleted}{problem}", parts.join(", "), utc(at))
}

pub fn posts(list: &[outpost_app::posts::PostSummary], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No posts yet. Create one: outpost posts create --channel ID --text TEXT");
    }
    for s in list {
        let p = &s.post;
        let text: String = p.text.chars().take(50).collect();
        println!(
            "{}  {:<19}  {:<28}  {} channel(s)  {text}",
            p.id,
            p.status,
            when(
                p.scheduled_at,
                p.time_zone.as_deref(),
                p.local_time.as_deref()
            ),
            s.channel_ids.len()
        );
    }
    ExitCode::SUCCESS
}

pub fn attention(list: &[outpost_app::posts::AttentionItem], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("Nothing needs attention.");
    }
    for a in list {
        let text: String = a.post_text.chars().take(50).collect();
        println!(
            "{}  {:<15}  {} ({})  {text}",
            a.job_id,
            a.state,
            a.channel_name,
            a.platform.name()
        );
        if let Some(r) = &a.reason {
            println!("    {r}");
        }
    }
    if !list.is_empty() {
        println!(
            "Decide one: outpost posts resolve JOB_ID publish-now|cancel|mark-published [--url URL]"
        );
    }
    ExitCode::SUCCESS
}

pub fn deleted_post(id: &str, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "deleted": id }));
    } else {
        println!("Deleted post {id}");
    }
    ExitCode::SUCCESS
}

/// One line per scheduler event (JSON lines with --json).
pub fn scheduler_event(e: &outpost_app::scheduler::SchedulerEvent, json: bool) {
    use outpost_app::scheduler::SchedulerEvent as E;
    if json {
        if !matches!(e, E::Progress { .. } | E::PostsChanged)
            && let Ok(s) = serde_json::to_string(e)
        {
            println!("{s}");
        }
        return;
    }
    match e {
        E::Job {
            post_id,
            channel_id,
            state,
            message,
            ..
        } => println!(
            "post {post_id} on {channel_id}: {state}{}",
            message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        ),
        E::Progress { .. } | E::Armed { .. } | E::PostsChanged => {}
    }
}

pub fn once_report(r: &outpost_app::scheduler::OnceReport, json: bool) -> ExitCode {
    if json {
        return print_json(r);
    }
    println!(
        "published {}, failed {}, unconfirmed {}, held {}, still scheduled {}",
        r.published, r.failed, r.unconfirmed, r.held, r.still_scheduled
    );
    ExitCode::SUCCESS
}

/// Prints one JSON line; `Some(failure)` when it cannot be encoded.
fn json_line<T: serde::Serialize>(value: &T) -> Option<ExitCode> {
    match serde_json::to_string(value) {
        Ok(s) => {
            println!("{s}");
            None
        }
        Err(e) => Some(fail(&format!("cannot encode the result: {e}"))),
    }
}

fn issue_line(i: &outpost_app::csv_posts::CsvIssue) -> String {
    let at = match (i.row, i.column.as_deref()) {
        (Some(r), Some(c)) => format!("row {r}, {c}"),
        (Some(r), None) => format!("row {r}"),
        (None, _) => "file".to_string(),
    };
    format!("{at}: {}", i.message)
}

/// Row errors of a refused import, on stderr before the one-line failure.
pub fn csv_issues(issues: &[outpost_app::csv_posts::CsvIssue]) {
    for i in issues {
        eprintln!("  {}", issue_line(i));
    }
}

/// The dry run. Exit status 1 when any row (or the file) has an error.
pub fn csv_preview(p: &outpost_app::csv_posts::CsvPreview, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(p) {
            return code;
        }
    } else {
        println!(
            "{}: {} rows, {} valid, {} with errors (times in {})",
            p.file_name, p.total_rows, p.valid_rows, p.invalid_rows, p.time_zone
        );
        for r in &p.rows {
            let when = r
                .local_time
                .clone()
                .unwrap_or_else(|| if r.draft { "draft".into() } else { "?".into() });
            let mark = if r.errors.is_empty() { "ok " } else { "ERR" };
            let text: String = r.text.chars().take(48).collect();
            println!("  {mark} row {:<5} {when:<16}  {text}", r.row);
        }
        for i in p.issues() {
            println!("  {}", issue_line(&i));
        }
        if !p.new_tags.is_empty() {
            println!("New tags: {}", p.new_tags.join(", "));
        }
    }
    let issues = p.issues();
    match issues.first() {
        None => ExitCode::SUCCESS,
        Some(first) => fail(&format!(
            "{} of {} rows have errors (first: {})",
            p.invalid_rows.max(u32::from(!p.file_errors.is_empty())),
            p.total_rows,
            issue_line(first)
        )),
    }
}

pub fn csv_imported(s: &outpost_app::csv_posts::CsvImportSummary, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(s) {
            return code;
        }
    } else {
        println!("Created {} posts", s.created);
        if s.skipped_rows > 0 {
            println!("Skipped {} rows:", s.skipped_rows);
            for i in &s.skipped {
                println!("  {}", issue_line(i));
            }
        }
        if !s.tags_created.is_empty() {
            println!("New tags: {}", s.tags_created.join(", "));
        }
    }
    ExitCode::SUCCESS
}

pub fn csv_exported(s: &outpost_app::csv_posts::CsvExportSummary, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(s) {
            return code;
        }
    } else {
        println!(
            "Exported {} posts to {} ({} bytes)",
            s.posts, s.path, s.bytes
        );
    }
    ExitCode::SUCCESS
}

pub fn demo_seeded(s: &outpost_app::demo::DemoSummary, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(s) {
            return code;
        }
    } else {
        println!(
            "Demo workspace ready: {} channels (demo, never publish), {} posts, {} ideas, {} templates, {} tags, {} campaigns, {} images, {} posting slots (times in {})",
            s.channels,
            s.posts,
            s.ideas,
            s.templates,
            s.tags,
            s.campaigns,
            s.media_files,
            s.slots,
            s.time_zone
        );
    }
    ExitCode::SUCCESS
}

pub fn slots(list: &[outpost_app::slots::PostingSlotView], json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(&list) {
            return code;
        }
    } else {
        for s in list {
            println!(
                "{}  {:<9} {}  ({})",
                s.id,
                outpost_app::slots::weekday_name(i64::from(s.weekday)),
                s.local_time,
                s.time_zone
            );
        }
    }
    ExitCode::SUCCESS
}

pub fn slot_removed(id: &str, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "deleted": id }));
    } else {
        println!("Removed slot {id}");
    }
    ExitCode::SUCCESS
}

pub fn free_slot(s: &outpost_app::slots::FreeSlot, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(s) {
            return code;
        }
    } else {
        println!("{} ({})", s.local_time.replace('T', " "), s.time_zone);
    }
    ExitCode::SUCCESS
}

fn preview_state(s: outpost_app::approvals::PreviewState) -> &'static str {
    use outpost_app::approvals::PreviewState::*;
    match s {
        Waiting => "waiting",
        Approved => "approved",
        Rejected => "rejected",
        Expired => "expired",
        Revoked => "revoked",
    }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| ms.to_string())
}

pub fn preview_created(c: &outpost_app::approvals::CreatedPreview, json: bool) -> ExitCode {
    if json {
        return print_json(c);
    }
    println!(
        "Preview {} written to {} ({} bytes)",
        c.preview.id, c.path, c.bytes
    );
    println!(
        "It can be answered until {}. Send the file and, separately, the password.",
        rfc3339(c.preview.expires_at)
    );
    ExitCode::SUCCESS
}

pub fn previews(list: &[outpost_app::approvals::PreviewView], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No previews.");
    }
    for p in list {
        let edited = if p.content_current {
            ""
        } else {
            " (post edited since)"
        };
        println!(
            "{}  {:<8}  post {}  expires {}{}  {}",
            p.id,
            preview_state(p.state),
            p.post_id,
            rfc3339(p.expires_at),
            edited,
            p.post_excerpt
        );
        if let Some(f) = p.feedback.as_deref() {
            println!("    feedback: {f}");
        }
    }
    ExitCode::SUCCESS
}

pub fn preview_revoked(p: &outpost_app::approvals::PreviewView, json: bool) -> ExitCode {
    if json {
        return print_json(p);
    }
    println!(
        "Preview {} revoked; its decision code will be refused.",
        p.id
    );
    ExitCode::SUCCESS
}

pub fn decision_applied(d: &outpost_app::approvals::AppliedDecision, json: bool) -> ExitCode {
    if json {
        return print_json(d);
    }
    println!(
        "Post {} {} (preview {}).",
        d.post_id, d.decision, d.preview_id
    );
    if !d.feedback.is_empty() {
        println!("Feedback: {}", d.feedback);
    }
    ExitCode::SUCCESS
}

fn local(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

pub fn feed_added(f: &outpost_app::automation::FeedView, json: bool) -> ExitCode {
    if json {
        return print_json(f);
    }
    println!(
        "Added feed {} ({}, mode {}); it is read at the next poll (outpost feeds poll, or the running scheduler).",
        f.id,
        f.url,
        f.mode.as_str()
    );
    ExitCode::SUCCESS
}

pub fn feeds(list: &[outpost_app::automation::FeedView], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No feeds.");
    }
    for f in list {
        let state = if f.paused {
            "paused".to_string()
        } else {
            f.last_status.clone()
        };
        println!(
            "{}  {}  [{}] {} item(s) seen, mode {}{}",
            f.id,
            f.url,
            state,
            f.items_seen,
            f.mode.as_str(),
            f.last_error
                .as_deref()
                .map(|e| format!("\n    {e}"))
                .unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}

pub fn feed_removed(id: &str, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "deleted": id }));
    } else {
        println!("Removed feed {id} (its posts stay)");
    }
    ExitCode::SUCCESS
}

/// Exit status 1 when a feed could not be read.
pub fn feeds_polled(r: &outpost_app::automation::FeedPollReport, json: bool) -> ExitCode {
    let failed = r.feeds.iter().any(|f| f.status == "error");
    if json {
        if let Some(code) = json_line(r) {
            return code;
        }
    } else {
        for f in &r.feeds {
            println!("{}  {}  {}", f.feed_id, f.url, f.status);
            if let Some(e) = &f.error {
                println!("    {e}");
            }
            for i in &f.items {
                println!(
                    "    {:<8} {}{}",
                    i.outcome,
                    i.title,
                    i.message
                        .as_deref()
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default()
                );
            }
        }
        println!("{} post(s) created", r.posts_created);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

pub fn evergreen(v: &outpost_app::automation::EvergreenView, json: bool) -> ExitCode {
    if json {
        return print_json(v);
    }
    println!(
        "Post {} comes back every {} day(s){}; next repeat at {}",
        v.post_id,
        v.every_days,
        v.until_at
            .map(|u| format!(" until {}", local(u - 1)))
            .unwrap_or_default(),
        local(v.next_due_at)
    );
    ExitCode::SUCCESS
}

pub fn evergreen_off(id: &str, was: bool, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "post_id": id, "evergreen": false, "was_evergreen": was })
        );
    } else if was {
        println!("Post {id} no longer comes back (copies already scheduled stay)");
    } else {
        println!("Post {id} was not evergreen");
    }
    ExitCode::SUCCESS
}

pub fn ai_settings(v: &outpost_app::ai::AiSettingsView, json: bool) -> ExitCode {
    if json {
        return print_json(v);
    }
    if !v.configured {
        println!(
            "No AI provider is set up: outpost ai set --base-url URL --model NAME [--api-key-stdin]"
        );
        return ExitCode::SUCCESS;
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    println!("AI provider      {}", v.provider);
    println!("  base URL       {}", v.base_url);
    println!("  model          {}", v.model);
    println!("  local only     {}", yes_no(v.local_only));
    println!("  API key saved  {}", yes_no(v.has_api_key));
    println!(
        "  consent        {} (policy {})",
        yes_no(v.consented),
        v.policy_version
    );
    println!("  prompts        {}", v.prompt_version);
    ExitCode::SUCCESS
}

pub fn ai_persona(p: &outpost_app::ai::AiPersona, json: bool) -> ExitCode {
    if json {
        return print_json(p);
    }
    println!("tone       {}", p.tone);
    println!("audience   {}", p.audience);
    println!("notes      {}", p.notes);
    println!("avoid      {}", p.avoid_words.join(", "));
    for e in &p.examples {
        println!("example    {e}");
    }
    ExitCode::SUCCESS
}

/// The dry run: the body exactly as it would be sent (and nothing else on stdout).
pub fn ai_prepared(p: &outpost_app::ai::AiPrepared, json: bool) -> ExitCode {
    if json {
        return print_json(p);
    }
    println!("{}", p.body);
    ExitCode::SUCCESS
}

/// A piece of a streamed answer, printed as it arrives.
pub fn ai_piece(piece: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(piece.as_bytes());
    let _ = out.flush();
}

/// Ends a streamed answer's line; says so when the streamed text was replaced by one that fits.
pub fn ai_stream_end(printed: bool, replaced: bool) {
    if printed {
        println!();
    }
    if replaced {
        eprintln!("outpost: the answer above was over the platform's limit; the text that fits:");
    }
}

/// `shown`: the text was already printed as it arrived.
pub fn ai_answer(a: &outpost_app::ai::AiAnswer, shown: bool, json: bool) -> ExitCode {
    if json {
        return print_json(a);
    }
    if !shown {
        println!("{}", a.text);
    }
    if let Some(label) = a.sentiment {
        eprintln!("outpost: sentiment {}", label.as_str());
    }
    if !a.variables.is_empty() {
        eprintln!("outpost: variables {}", a.variables.join(", "));
    }
    if a.trimmed {
        eprintln!("outpost: the answer was over the platform's limit and was cut to fit");
    }
    ExitCode::SUCCESS
}

pub fn ai_template_saved(
    a: &outpost_app::ai::AiAnswer,
    t: &outpost_app::workspace::TemplateView,
    shown: bool,
    json: bool,
) -> ExitCode {
    if json {
        return print_json(&serde_json::json!({ "answer": a, "template": t }));
    }
    if !shown {
        println!("{}", a.text);
    }
    eprintln!(
        "outpost: saved as template {} ({}); variables {}",
        t.name,
        t.id,
        t.variables.join(", ")
    );
    ExitCode::SUCCESS
}

pub fn ai_image(a: &outpost_app::ai::AiImageAnswer, json: bool) -> ExitCode {
    if json {
        return print_json(a);
    }
    println!(
        "{}  {}  {}x{}  {} B",
        a.media.id,
        a.media.original_name,
        a.media.width.unwrap_or(0),
        a.media.height.unwrap_or(0),
        a.media.bytes
    );
    if let Some(r) = &a.revised_prompt {
        eprintln!("outpost: the provider rewrote the prompt: {r}");
    }
    ExitCode::SUCCESS
}

pub fn ai_ledger(list: &[outpost_app::ai::AiLedgerEntry], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No AI calls in the last 30 days.");
    }
    for c in list {
        let when = chrono::DateTime::from_timestamp_millis(c.at as i64)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        println!(
            "{}  {when}  {}  {} {}  sent {} B, received {} B  {}",
            c.id,
            c.action,
            c.provider,
            c.model,
            c.request_bytes,
            c.response_bytes,
            if c.ok {
                "ok"
            } else {
                c.error.as_deref().unwrap_or("error")
            }
        );
    }
    ExitCode::SUCCESS
}

pub fn ai_ledger_deleted(n: u32, json: bool) -> ExitCode {
    if json {
        return print_json(&serde_json::json!({ "deleted": n }));
    }
    println!("Deleted {n} AI call(s) from the ledger.");
    ExitCode::SUCCESS
}

pub fn boards(list: &[outpost_app::posts::BoardView], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("This Pinterest account has no boards yet; create one on Pinterest first.");
    }
    for b in list {
        println!(
            "{}  {}{}",
            b.id,
            b.name,
            b.privacy
                .as_deref()
                .map(|p| format!("  ({})", p.to_ascii_lowercase()))
                .unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}

pub fn media_host(
    s: &outpost_app::media_host::MediaHostSettings,
    json: bool,
    verb: &str,
) -> ExitCode {
    if json {
        return print_json(s);
    }
    match &s.config {
        None => println!("No media host is set up (outpost media-host set --help)."),
        Some(c) => {
            if !verb.is_empty() {
                println!("{verb} the media host.");
            }
            println!("  provider          {:?}", c.provider);
            println!(
                "  endpoint          {}",
                if c.endpoint.is_empty() {
                    "(AWS S3, from the region)"
                } else {
                    &c.endpoint
                }
            );
            println!("  bucket            {}", c.bucket);
            println!("  region            {}", c.region);
            println!("  access key id     {}", c.access_key_id);
            println!(
                "  path style        {}",
                if c.path_style { "yes" } else { "no" }
            );
            if let Some(u) = &c.public_base_url {
                println!("  public base URL   {u}");
            }
            println!(
                "  secret access key {}",
                if s.has_secret {
                    "saved (sealed in the vault)"
                } else {
                    "MISSING"
                }
            );
        }
    }
    ExitCode::SUCCESS
}

pub fn media_host_removed(json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "removed": true }));
    } else {
        println!("Removed the media host settings and its secret.");
    }
    ExitCode::SUCCESS
}

/// `outpost sentiment`: one result a line, flushed in blocks (a closed pipe ends quietly).
pub struct SentimentWriter {
    json: bool,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl SentimentWriter {
    pub fn new(json: bool) -> Self {
        SentimentWriter {
            json,
            out: std::io::BufWriter::new(std::io::stdout().lock()),
        }
    }

    pub fn write(&mut self, a: &outpost_app::sentiment::Analysis) -> Result<(), ExitCode> {
        use std::io::Write;
        let line = if self.json {
            serde_json::json!({ "label": a.label, "score": a.score, "reasons": a.reasons })
                .to_string()
        } else {
            let why: Vec<String> = a
                .reasons
                .iter()
                .map(|r| format!("{} ({:+.2})", r.word, r.weight))
                .collect();
            format!(
                "{:<8} {:+.2}  {}",
                a.label.as_str(),
                a.score,
                why.join(", ")
            )
        };
        writeln!(self.out, "{line}").map_err(|e| Self::closed(&e))
    }

    pub fn finish(mut self) -> ExitCode {
        use std::io::Write;
        match self.out.flush() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => Self::closed(&e),
        }
    }

    fn closed(e: &std::io::Error) -> ExitCode {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            ExitCode::SUCCESS
        } else {
            fail(&format!("cannot write the results: {e}"))
        }
    }
}

/// One line per channel; exit status 1 when a channel's read failed (channels whose platform has no
/// inbox in Outpost are reported, not failures).
fn cap_words(n: Option<u32>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

/// The expected reads and cost of syncing one X channel.
pub fn inbox_estimate(e: &outpost_app::inbox::XReadEstimate, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(e) {
            return code;
        }
        return ExitCode::SUCCESS;
    }
    println!(
        "{}  {} (X): expected about {} read(s), {}; at most {} read(s), {} ({})",
        e.channel_id,
        e.channel_name,
        e.expected_reads,
        e.expected_cost,
        e.max_reads,
        e.max_cost,
        e.basis
    );
    println!(
        "This month: {} read(s), {}. Caps: {} per sync, {} per month.",
        e.month_reads,
        e.month_cost,
        cap_words(e.cap.per_sync),
        cap_words(e.cap.per_month)
    );
    println!("Prices: {}", e.prices);
    ExitCode::SUCCESS
}

/// The X read caps.
pub fn x_read_cap(c: &outpost_app::inbox::XReadUsage, json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(c) {
            return code;
        }
        return ExitCode::SUCCESS;
    }
    println!(
        "X read caps: {} per sync, {} per month",
        cap_words(c.per_sync),
        cap_words(c.per_month)
    );
    println!(
        "This month ({}): {} read(s), {} ({})",
        c.month, c.month_reads, c.month_cost, c.prices
    );
    ExitCode::SUCCESS
}

pub fn inbox_synced(list: &[outpost_app::inbox::ChannelSync], json: bool) -> ExitCode {
    if json {
        if let Some(code) = json_line(&list) {
            return code;
        }
    } else {
        if list.is_empty() {
            println!("No channels.");
        }
        for c in list {
            match c.outcome.as_str() {
                "synced" => println!(
                    "{}  {} ({}): {} new item(s){}",
                    c.channel_id,
                    c.channel_name,
                    c.platform.name(),
                    c.new_items,
                    c.message
                        .as_deref()
                        .map(|m| format!(" - {m}"))
                        .unwrap_or_default()
                ),
                _ => println!(
                    "{}  {} ({}): {}{}",
                    c.channel_id,
                    c.channel_name,
                    c.platform.name(),
                    c.outcome.replace('_', " "),
                    c.message
                        .as_deref()
                        .map(|m| format!(" - {m}"))
                        .unwrap_or_default()
                ),
            }
        }
    }
    if list.iter().any(|c| c.outcome == "failed") {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

pub fn inbox_items(list: &[outpost_app::inbox::InboxItem], json: bool) -> ExitCode {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No inbox items.");
    }
    for i in list {
        println!(
            "{}  {:<7} {:<6} {:<8} {} ({}): {}",
            i.id,
            i.kind.as_str(),
            i.state.as_str(),
            i.sentiment.map_or("-", |s| s.as_str()),
            i.author_name,
            i.author_handle,
            i.text
        );
    }
    ExitCode::SUCCESS
}

pub fn inbox_replied(r: &outpost_app::inbox::InboxReplyView, json: bool) -> ExitCode {
    if json {
        return print_json(r);
    }
    println!(
        "Replied{} ({}){}",
        if r.private { " privately" } else { "" },
        r.platform_id.as_deref().unwrap_or("-"),
        r.url
            .as_deref()
            .map(|u| format!(": {u}"))
            .unwrap_or_default()
    );
    ExitCode::SUCCESS
}

/// `inbox mark`: one line per item, `{"id", "state"}` with --json.
pub fn inbox_marked(ids: &[String], mark: outpost_app::inbox::InboxMark, json: bool) -> ExitCode {
    let m = match mark {
        outpost_app::inbox::InboxMark::Read => "read",
        outpost_app::inbox::InboxMark::Unread => "unread",
        outpost_app::inbox::InboxMark::Done => "done",
    };
    for id in ids {
        if json {
            println!("{}", serde_json::json!({ "id": id, "state": m }));
        } else {
            println!("Marked {id} {m}");
        }
    }
    ExitCode::SUCCESS
}

/// `inbox label`: `{"ok": true, "similar": N}` with --json (N other items took the label).
pub fn inbox_labelled(
    id: &str,
    label: outpost_app::inbox::SentimentLabel,
    similar: u64,
    json: bool,
) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "ok": true, "similar": similar }));
    } else if similar == 0 {
        println!("Labelled {id} {}", label.as_str());
    } else {
        println!(
            "Labelled {id} {} (and {similar} item(s) with the same text)",
            label.as_str()
        );
    }
    ExitCode::SUCCESS
}

/// `vault rotate-key`: how many secrets were re-sealed, and the new key's id (not a secret).
pub fn key_rotated(r: &outpost_app::secrets::RotationReport, json: bool) -> ExitCode {
    if json {
        return print_json(r);
    }
    println!(
        "Re-sealed {} secret(s) under a new master key ({}); the old key is deleted.",
        r.resealed, r.new_key_id
    );
    ExitCode::SUCCESS
}

/// A command that only confirms: `{"ok": true}` with --json, the sentence otherwise.
pub fn done_line(sentence: &str, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "ok": true }));
    } else {
        println!("{sentence}");
    }
    ExitCode::SUCCESS
}

/// `analytics sync`: one line per channel (JSON: the list of per-channel outcomes).
pub fn analytics_synced(list: &[outpost_app::analytics::AnalyticsSync], json: bool) -> ExitCode {
    if json {
        return json_line(&list).unwrap_or(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No channels.");
    }
    for c in list {
        let note = c
            .message
            .as_deref()
            .map(|m| format!(" - {m}"))
            .unwrap_or_default();
        if c.outcome == "synced" {
            println!(
                "{}  {} ({}): {} post(s) read, {} deleted on the platform, {} snapshot(s){note}",
                c.channel_id,
                c.channel_name,
                c.platform.name(),
                c.posts_read,
                c.posts_deleted,
                c.snapshots
            );
        } else {
            println!(
                "{}  {} ({}): {}{note}",
                c.channel_id,
                c.channel_name,
                c.platform.name(),
                c.outcome.replace('_', " ")
            );
        }
    }
    ExitCode::SUCCESS
}

fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// `analytics posts`: one line per post; a metric the platform does not offer is not shown.
pub fn analytics_posts(list: &[outpost_app::analytics::AnalyticsPost], json: bool) -> ExitCode {
    if json {
        return json_line(&list).unwrap_or(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No published posts.");
    }
    for p in list {
        let metrics = if p.metrics.is_empty() {
            if outpost_app::analytics::offered_metrics(p.platform).is_empty() {
                format!("metrics not available for {} yet", p.platform.name())
            } else {
                "not read yet".to_string()
            }
        } else {
            p.metrics
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "{}  {}  {} ({}){}  {metrics}  {}",
            p.post_id,
            utc(p.published_at),
            p.channel_name,
            p.platform.name(),
            if p.deleted {
                " [deleted on the platform]"
            } else {
                ""
            },
            p.text.replace('\n', " ")
        );
    }
    ExitCode::SUCCESS
}

/// `analytics posts --sort/--limit/--offset`: the page's posts as [`analytics_posts`] prints
/// them (JSON: the same list), then which of how many they are.
pub fn analytics_posts_page(
    page: &outpost_app::analytics::AnalyticsPostsPage,
    json: bool,
) -> ExitCode {
    let code = analytics_posts(&page.posts, json);
    if !json && !page.posts.is_empty() {
        println!(
            "Posts {}–{} of {}.",
            page.offset + 1,
            page.offset as usize + page.posts.len(),
            page.total
        );
    }
    code
}

/// `analytics history`: one line per snapshot.
pub fn analytics_history(list: &[outpost_app::analytics::MetricPoint], json: bool) -> ExitCode {
    if json {
        return json_line(&list).unwrap_or(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No snapshots yet.");
    }
    for s in list {
        println!(
            "{}  {}  {} {}",
            utc(s.captured_at),
            s.channel_id,
            s.metric,
            s.value
        );
    }
    ExitCode::SUCCESS
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `analytics best-times`: the ranked slots with sample sizes, or why there are none.
pub fn analytics_best_times(b: &outpost_app::analytics::BestTimes, json: bool) -> ExitCode {
    if json {
        return json_line(b).unwrap_or(ExitCode::SUCCESS);
    }
    if !b.enough_data {
        println!(
            "Not enough data yet: {} post(s) with metrics; suggestions start at {}.",
            b.posts, b.min_posts
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "{} post(s); channel mean engagement rate {:.4}",
        b.posts, b.channel_rate
    );
    for s in &b.slots {
        println!(
            "{} {:02}:00  rate {:.4} ± {:.4}  ({:.2}x)  {} post(s)",
            WEEKDAYS.get(s.weekday as usize).copied().unwrap_or("?"),
            s.hour,
            s.rate,
            s.uncertainty,
            s.lift,
            s.posts
        );
    }
    ExitCode::SUCCESS
}

/// `analytics best-times --apply-slots N`: the ranking and the posting slots it set
/// (JSON: the best-times object with `applied_slots`).
pub fn analytics_best_times_applied(
    b: &outpost_app::analytics::BestTimes,
    slots: &[outpost_app::slots::PostingSlotView],
    json: bool,
) -> ExitCode {
    if json {
        let mut v = match serde_json::to_value(b) {
            Ok(v) => v,
            Err(e) => return fail(&format!("cannot print the result: {e}")),
        };
        v["applied_slots"] = serde_json::to_value(slots).unwrap_or_default();
        println!("{v}");
        return ExitCode::SUCCESS;
    }
    analytics_best_times(b, false);
    let list: Vec<String> = slots
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                WEEKDAYS
                    .get(usize::from(s.weekday.saturating_sub(1)))
                    .copied()
                    .unwrap_or("?"),
                s.local_time
            )
        })
        .collect();
    println!("Posting slots set: {}", list.join(", "));
    ExitCode::SUCCESS
}

/// `analytics export`: where the CSV went and how many rows it holds.
pub fn analytics_exported(out: &std::path::Path, rows: u32, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "ok": true, "out": out.display().to_string(), "rows": rows })
        );
    } else {
        println!("Wrote {rows} row(s) to {}", out.display());
    }
    ExitCode::SUCCESS
}

/// `analytics report`: where the PDF went and what it covers.
pub fn analytics_report(s: &outpost_app::analytics::ReportSummary, json: bool) -> ExitCode {
    if json {
        match serde_json::to_string(s) {
            Ok(line) => println!("{line}"),
            Err(e) => return fail(&format!("cannot print the result: {e}")),
        }
    } else {
        println!(
            "Wrote the report for {} to {} ({} channel(s), {} post(s)) to {}",
            s.from, s.to, s.channels, s.posts, s.path
        );
    }
    ExitCode::SUCCESS
}

/// Search results: one line each (kind, id, status, title) with the matched text beneath, the
/// matched words in [brackets]; `--json`: the results as the app gets them.
pub fn search_results(found: &[outpost_app::workspace::SearchResult], json: bool) -> ExitCode {
    if json {
        return print_json(&found);
    }
    if found.is_empty() {
        println!("Nothing found.");
    }
    for r in found {
        let kind = match r.kind {
            outpost_app::workspace::SearchItemKind::Post => "post",
            outpost_app::workspace::SearchItemKind::Idea => "idea",
            outpost_app::workspace::SearchItemKind::Template => "template",
        };
        let status = r
            .status
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        println!("{kind:<8} {}{status}  {}", r.id, r.title);
        println!(
            "         {}",
            r.snippet.replace('\u{2}', "[").replace('\u{3}', "]")
        );
    }
    ExitCode::SUCCESS
}
