// TEMPORARY STAND-IN written by the UI until the lead generates this file from Rust with tauri-specta.
// Shape mirrors the brief; it will be overwritten by the generated bindings.
/* eslint-disable */
import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";
import * as TAURI_API_EVENT from "@tauri-apps/api/event";

export const commands = {
async about() : Promise<Result<DoctorReport, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("about") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async coreStatus() : Promise<CoreStatus> {
    return await TAURI_INVOKE("core_status");
},
async takeDeepLinks() : Promise<DeepLinkEvent[]> {
    return await TAURI_INVOKE("take_deep_links");
},
async revealDataDir() : Promise<Result<null, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("reveal_data_dir") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
// ---- TEMPORARY STAND-IN (UI, Settings → Privacy & data): mirrors the brief until the lead regenerates this file ----
async exportData() : Promise<Result<ExportSummary | null, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("export_data") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async importData() : Promise<Result<ImportSummary | null, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("import_data") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async deleteAllData() : Promise<Result<DeleteAllReport, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("delete_all_data") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async activityLog(query: ActivityQuery, page: number, pageSize: number) : Promise<Result<ActivityPage, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("activity_log", { query, page, pageSize }) };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async consentRecords() : Promise<Result<ConsentRow[], IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("consent_records") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async profileSummary() : Promise<Result<ProfileSummary, IpcError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("profile_summary") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
}
// ---- END TEMPORARY STAND-IN ----
}

export const events = {
deepLinkEvent: {
  listen: (cb: TAURI_API_EVENT.EventCallback<DeepLinkEvent>) => TAURI_API_EVENT.listen<DeepLinkEvent>("deep-link-event", cb),
  once: (cb: TAURI_API_EVENT.EventCallback<DeepLinkEvent>) => TAURI_API_EVENT.once<DeepLinkEvent>("deep-link-event", cb),
},
// ---- TEMPORARY STAND-IN (UI, Settings → Privacy & data) ----
dataProgressEvent: {
  listen: (cb: TAURI_API_EVENT.EventCallback<DataProgressEvent>) => TAURI_API_EVENT.listen<DataProgressEvent>("data-progress-event", cb),
  once: (cb: TAURI_API_EVENT.EventCallback<DataProgressEvent>) => TAURI_API_EVENT.once<DataProgressEvent>("data-progress-event", cb),
}
// ---- END TEMPORARY STAND-IN ----
}

export type CoreStatus = { ready: boolean; error: IpcError | null }
export type DeepLinkAction = { kind: "open"; page: Page }
export type DeepLinkEvent = { action: DeepLinkAction | null; error: IpcError | null }
export type DoctorReport = { version: string; data_dir: string; database_file: string; schema_version: number | null; latest_schema_version: number; vault_backend: VaultBackend | null; keychain_available: boolean; vault_detail: string; log_dir: string; problems: string[] }
export type ErrorCode = "data_dir_unavailable" | "database_corrupt" | "database_too_new" | "database" | "vault_unavailable" | "vault_locked" | "vault" | "invalid_input" | "invalid_deep_link" | "not_found" | "core_unavailable" | "io"
export type IpcError = { code: ErrorCode; message: string }
export type Page = "calendar" | "board" | "compose" | "inbox" | "analytics" | "channels" | "settings"
export type VaultBackend = "keychain" | "passphrase"
// ---- TEMPORARY STAND-IN types (UI, Settings → Privacy & data), copied from the brief ----
export type ExportSummary = { path: string; entities: number; media_files: number; bytes: number }
export type ImportSummary = { entities: number; media_files: number; channels_needing_reconnect: number }
export type DeleteAllReport = { revocation: RevocationRow[] }
export type RevocationOutcome = "revoked" | "not_supported" | "failed"
export type RevocationRow = { channel_id: string; platform: string; display_name: string; outcome: RevocationOutcome; detail: string | null }
export type DataOperation = "export" | "import"
export type DataProgressEvent = { operation: DataOperation; stage: string; done: number; total: number }
export type StatusClass = "success" | "redirect" | "client_error" | "server_error" | "network_error"
export type ActivityQuery = { platform: string | null; status_class: StatusClass | null; since: number | null; until: number | null }
export type ActivityPage = { entries: ActivityRow[]; total: number; page: number; page_size: number }
export type ActivityRow = { id: number; at: number; platform: string; method: string; host: string; path: string; status: number | null; duration_ms: number; bytes: number; error_kind: string | null }
export type ConsentRow = { id: string; kind: string; granted: boolean; policy_version: string; given_at: number; given_where: string }
export type EntityCount = { entity: string; label: string; rows: number }
export type ProfileSummary = { counts: EntityCount[] }
// ---- END TEMPORARY STAND-IN types ----

export type Result<T, E> =
  | { status: "ok"; data: T }
  | { status: "error"; error: E };
