//! The IPC edge: the error type the UI receives, the events the core emits, and the TypeScript
//! bindings generated from them (committed in `ui/src/lib/ipc/bindings.ts`, checked for drift by a test).

use outpost_app::ErrorCode;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Every command failure as the UI sees it: a stable machine `code` and a human `message`.
#[derive(Debug, Clone, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<outpost_app::Error> for IpcError {
    fn from(e: outpost_app::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<outpost_app::deeplink::DeepLinkError> for IpcError {
    fn from(e: outpost_app::deeplink::DeepLinkError) -> Self {
        outpost_app::Error::from(e).into()
    }
}

/// A deep link arrived: either what to do, or why it was refused.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct DeepLinkEvent {
    pub action: Option<outpost_app::deeplink::DeepLinkAction>,
    pub error: Option<IpcError>,
}

/// Whether the core opened; when it did not, the UI shows this error instead of the app.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CoreStatus {
    pub ready: bool,
    pub error: Option<IpcError>,
}

pub(crate) fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            crate::commands::about,
            crate::commands::core_status,
            crate::commands::take_deep_links,
            crate::commands::reveal_data_dir,
            crate::commands::privacy::export_data,
            crate::commands::privacy::import_data,
            crate::commands::privacy::delete_all_data,
            crate::commands::privacy::rotate_master_key,
            crate::commands::privacy::activity_log,
            crate::commands::privacy::consent_records,
            crate::commands::updates::update_status,
            crate::commands::updates::set_update_checks,
            crate::commands::updates::set_update_endpoint,
            crate::commands::updates::check_for_update,
            crate::commands::updates::install_update,
            crate::commands::updates::onboarding_needed,
            crate::commands::updates::onboarding_status,
            crate::commands::updates::finish_onboarding,
            crate::commands::privacy::profile_summary,
            crate::commands::channels::developer_apps,
            crate::commands::channels::save_developer_app,
            crate::commands::channels::remove_developer_app,
            crate::commands::channels::channels,
            crate::commands::channels::connect_start,
            crate::commands::channels::connect_wait,
            crate::commands::channels::connect_cancel,
            crate::commands::channels::connect_finish,
            crate::commands::channels::connect_bluesky,
            crate::commands::channels::check_channel,
            crate::commands::channels::disconnect_channel,
            crate::commands::media_host::media_host_settings,
            crate::commands::media_host::save_media_host,
            crate::commands::media_host::remove_media_host,
            crate::commands::media_host::test_media_host,
            crate::commands::workspace::board,
            crate::commands::workspace::board_columns,
            crate::commands::workspace::create_board_column,
            crate::commands::workspace::update_board_column,
            crate::commands::workspace::move_board_column,
            crate::commands::workspace::delete_board_column,
            crate::commands::workspace::move_card,
            crate::commands::workspace::place_on_board,
            crate::commands::workspace::remove_from_board,
            crate::commands::workspace::ideas,
            crate::commands::workspace::idea,
            crate::commands::workspace::create_idea,
            crate::commands::workspace::update_idea,
            crate::commands::workspace::delete_idea,
            crate::commands::workspace::promote_idea,
            crate::commands::workspace::templates,
            crate::commands::workspace::create_template,
            crate::commands::workspace::update_template,
            crate::commands::workspace::delete_template,
            crate::commands::workspace::fill_template,
            crate::commands::workspace::template_variables,
            crate::commands::workspace::tags,
            crate::commands::workspace::create_tag,
            crate::commands::workspace::update_tag,
            crate::commands::workspace::delete_tag,
            crate::commands::workspace::campaigns,
            crate::commands::workspace::create_campaign,
            crate::commands::workspace::update_campaign,
            crate::commands::workspace::delete_campaign,
            crate::commands::workspace::set_post_tags,
            crate::commands::workspace::set_idea_tags,
            crate::commands::workspace::set_post_campaign,
            crate::commands::workspace::set_idea_campaign,
            crate::commands::workspace::post_labels,
            crate::commands::workspace::search_workspace,
            crate::commands::workspace::undo_delete,
            crate::commands::scheduling::scheduling,
            crate::commands::scheduling::time_zones,
            crate::commands::scheduling::set_publishing_paused,
            crate::commands::scheduling::set_time_zone,
            crate::commands::scheduling::set_missed_grace_minutes,
            crate::commands::scheduling::set_native_schedule_default,
            crate::commands::scheduling::set_desktop_prefs,
            crate::commands::scheduling::set_start_at_login,
            crate::commands::analytics::analytics_overview,
            crate::commands::analytics::analytics_history,
            crate::commands::analytics::analytics_best_times,
            crate::commands::analytics::analytics_sync,
            crate::commands::analytics::analytics_report,
            crate::commands::analytics::analytics_post_numbers,
            crate::commands::analytics::analytics_overview_range,
            crate::commands::analytics::analytics_apply_best_times,
            crate::commands::analytics::analytics_post_latest,
            crate::commands::analytics::analytics_sync_post,
            crate::commands::analytics::analytics_posts_page,
            crate::commands::slots::posting_slots,
            crate::commands::slots::add_posting_slot,
            crate::commands::slots::set_posting_slots,
            crate::commands::slots::remove_posting_slot,
            crate::commands::slots::next_free_slot,
            crate::commands::slots::add_to_queue,
            crate::commands::csv::csv_import_preview,
            crate::commands::csv::csv_import_commit,
            crate::commands::csv::csv_export,
            crate::commands::workspace::pick_media_file,
            crate::commands::posts::create_post,
            crate::commands::posts::update_post,
            crate::commands::posts::composer_post,
            crate::commands::posts::delete_post,
            crate::commands::posts::restore_post,
            crate::commands::posts::cancel_post,
            crate::commands::posts::resolve_job,
            crate::commands::posts::needs_attention_page,
            crate::commands::posts::pinterest_boards,
            crate::commands::posts::tiktok_creator_info,
            crate::commands::posts::reschedule_post,
            crate::commands::posts::move_post_to_date,
            crate::commands::posts::calendar_posts,
            crate::commands::posts::preview_post,
            crate::commands::posts::import_picked_media,
            crate::commands::posts::import_media_bytes,
            crate::commands::posts::pick_media,
            crate::commands::posts::media_item,
            crate::commands::posts::media_thumbnail,
            crate::commands::posts::composer_autosave,
            crate::commands::posts::composer_autosaved,
            crate::commands::posts::composer_discard_autosave,
            crate::commands::posts::creator_time_zone,
            crate::commands::automation::feeds,
            crate::commands::automation::add_feed,
            crate::commands::automation::update_feed,
            crate::commands::automation::set_feed_paused,
            crate::commands::automation::remove_feed,
            crate::commands::automation::poll_feeds,
            crate::commands::automation::feed_items,
            crate::commands::automation::preview_feed,
            crate::commands::automation::post_evergreen,
            crate::commands::automation::set_post_evergreen,
            crate::commands::automation::clear_post_evergreen,
            crate::commands::approvals::create_approval_preview,
            crate::commands::approvals::approval_previews,
            crate::commands::approvals::revoke_approval_preview,
            crate::commands::approvals::apply_approval_code,
            crate::commands::approvals::post_approval,
            crate::commands::approvals::set_post_needs_approval,
            crate::commands::approvals::set_channel_requires_approval,
            crate::commands::approvals::channels_requiring_approval,
            crate::commands::ai::ai_presets,
            crate::commands::ai::ai_settings,
            crate::commands::ai::ai_save_settings,
            crate::commands::ai::ai_forget_api_key,
            crate::commands::ai::ai_consent,
            crate::commands::ai::ai_persona,
            crate::commands::ai::ai_save_persona,
            crate::commands::ai::ai_prepare,
            crate::commands::ai::ai_run,
            crate::commands::ai::ai_test_connection,
            crate::commands::ai::ai_ledger,
            crate::commands::ai::ai_delete_ledger,
            crate::commands::ai::ai_run_stream,
            crate::commands::ai::ai_cancel,
            crate::commands::ai::ai_prepare_image,
            crate::commands::ai::ai_generate_image,
            crate::commands::inbox::inbox_items,
            crate::commands::inbox::inbox_item,
            crate::commands::inbox::inbox_counts,
            crate::commands::inbox::inbox_sync,
            crate::commands::inbox::inbox_gaps,
            crate::commands::inbox::inbox_mark,
            crate::commands::inbox::inbox_set_sentiment,
            crate::commands::inbox::inbox_delete,
            crate::commands::inbox::inbox_reply,
            crate::commands::inbox::inbox_reply_private,
            crate::commands::inbox::inbox_estimate,
            crate::commands::inbox::x_read_cap,
            crate::commands::inbox::set_x_read_cap,
            crate::commands::inbox::x_read_usage,
            crate::commands::inbox::inbox_reply_quota,
        ])
        .events(tauri_specta::collect_events![
            DeepLinkEvent,
            crate::commands::privacy::DataProgressEvent,
            crate::commands::channels::ChannelsChanged,
            crate::desktop::SchedulerActivity,
            crate::desktop::SchedulingChanged,
            crate::commands::posts::PostsChanged,
            crate::commands::posts::MediaDropped,
            crate::commands::automation::FeedsChanged,
            crate::commands::ai::AiStreamDelta,
            crate::commands::updates::UpdateProgress,
            crate::commands::updates::UpdateChecked,
            crate::commands::inbox::InboxChanged
        ])
        .typ::<ErrorCode>()
        .constant("ERROR_CODES", ErrorCode::ALL)
}

/// Where the generated bindings are committed, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/lib/ipc/bindings.ts";

/// Renders the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::ExportError> {
    let ts = specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// Generated from the Rust IPC types by tauri-specta. Do not edit: run `OUTPOST_UPDATE_BINDINGS=1 cargo test -p outpost-desktop bindings`.\n");
    specta_builder().export(ts, path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// CI's drift gate: the committed bindings must equal what the Rust types generate now.
    #[test]
    fn bindings_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let committed_path = root.join(BINDINGS_PATH);
        let tmp = tempfile::tempdir().unwrap();
        let fresh_path = tmp.path().join("bindings.ts");
        export_bindings(&fresh_path).unwrap();
        let fresh = std::fs::read_to_string(&fresh_path).unwrap();
        if std::env::var_os("OUTPOST_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{BINDINGS_PATH} is out of date with the Rust IPC types. Regenerate it with \
             `OUTPOST_UPDATE_BINDINGS=1 cargo test -p outpost-desktop bindings` and commit it."
        );
    }

    #[test]
    fn every_command_has_an_acl_permission() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let capability =
            std::fs::read_to_string(root.join("src-tauri/capabilities/main.json")).unwrap();
        for cmd in crate::commands::COMMANDS {
            let perm = format!("\"allow-{}\"", cmd.replace('_', "-"));
            assert!(
                capability.contains(&perm),
                "{perm} missing from the main capability"
            );
        }
        assert!(!capability.contains("-all\""), "no *-all permissions");
        // The names granted are exactly the commands the invoke handler exposes.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("bindings.ts");
        export_bindings(&path).unwrap();
        let bindings = std::fs::read_to_string(path).unwrap();
        let invoked = bindings.matches("TAURI_INVOKE(\"").count();
        assert_eq!(
            invoked,
            crate::commands::COMMANDS.len(),
            "COMMANDS and collect_commands! disagree"
        );
        for cmd in crate::commands::COMMANDS {
            assert!(
                bindings.contains(&format!("TAURI_INVOKE(\"{cmd}\"")),
                "{cmd} is not an exported command"
            );
        }
    }
}
