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
        let schema = r.schema_version.map_or_else(|| "unknown".to_string(), |v| v.to_string());
        let backend = r.vault_backend.map_or("none", |b| match b {
            outpost_app::VaultBackend::Keychain => "OS keychain",
            outpost_app::VaultBackend::Passphrase => "passphrase (OUTPOST_VAULT_PASSPHRASE)",
        });
        println!("Outpost {}", r.version);
        println!("  data directory   {}", r.data_dir);
        println!("  database         {}", r.database_file);
        println!("  schema version   {schema} (this build knows {})", r.latest_schema_version);
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
        fail(r.problems.first().map_or("the profile has problems", String::as_str))
    }
}
