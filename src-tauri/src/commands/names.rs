// The app's IPC commands. Shared by `build.rs` (ACL permissions `allow-<command>`) and the shell
// (a test checks the capability grants each one), so the list exists once.
pub const COMMANDS: &[&str] = &[
    "about",
    "core_status",
    "take_deep_links",
    "reveal_data_dir",
    "export_data",
    "import_data",
    "delete_all_data",
    "activity_log",
    "consent_records",
    "profile_summary",
];
