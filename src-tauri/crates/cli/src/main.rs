//! `outpost`: the command line over Outpost's core. Scripts depend on its flags, output and exit
//! status (DESIGN.md §3): change them only by adding.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use outpost_app::{OpenOptions, Paths};

#[derive(Debug, Parser)]
#[command(name = "outpost", version, about = "Outpost: local-first social media manager (command line)")]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
            let _guard = paths.ensure().ok().and_then(|()| {
                outpost_app::logging::init(
                    &paths.logs_dir(),
                    outpost_app::logging::LogOptions { prefix: "cli", stderr_warnings: false },
                )
                .ok()
            });
            let report = outpost_app::doctor(OpenOptions::new(paths)).await;
            output::doctor(&report, cli.json)
        }
    }
}
