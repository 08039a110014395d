//! An empty Tauri 2 window: the floor Outpost's memory and start-up are compared with.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("empty-app: {e}");
        std::process::exit(1);
    }
}
