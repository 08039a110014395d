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

fn print_json<T: serde::Serialize>(value: &T) -> ExitCode {
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
