//! The `outpost` binary: the command line of `outpost_cli` (src/lib.rs) on its own, without the desktop
//! app (development, tests, and the platforms where the CLI ships as a separate program).

fn main() -> std::process::ExitCode {
    outpost_cli::main()
}
