//! `outpost`: the command line over Outpost's core. Scripts depend on its flags, output and exit
//! status (DESIGN.md §3): change them only by adding.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use outpost_app::{OpenOptions, Paths};

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
    /// Delete all data: revoke tokens, delete every row, media and log file and the keychain entry.
    DeleteAll {
        /// Confirm; nothing is deleted without it.
        #[arg(long)]
        yes: bool,
    },
}

fn main() -> ExitCode {
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
            // The command line has no platform clients yet: nothing is revoked upstream.
            let result = outpost.delete_all_data(&outpost_app::data::NoRevoker).await;
            outpost.close().await;
            match result {
                Ok(report) => output::deleted_all(&report, cli.json),
                Err(e) => output::fail(&e.to_string()),
            }
        }
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
