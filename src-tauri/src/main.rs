// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // A multi-call binary: started as `outpost` (the Linux packages install /usr/bin/outpost as a
    // link to this file), it is the command line, and nothing of Tauri or GTK starts.
    if outpost_cli::started_as_cli(std::env::args_os().next().as_deref()) {
        return outpost_cli::main();
    }
    outpost_desktop::run();
    ExitCode::SUCCESS
}
