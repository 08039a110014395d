/**
 * The one door from the UI to the Rust core. Everything else imports from here, never from
 * `./bindings` (generated) or from `@tauri-apps/api` directly.
 *
 * - Commands that return `Result` are unwrapped: success gives the data, failure throws `AppError`
 *   carrying the core's stable `code` and human `message`.
 * - Outside the desktop app (plain browser during `npm run dev` / `vite preview`) there is no IPC;
 *   `isPreview()` is true and the facade answers with clearly empty values, never invented data.
 */
import { forgetKept } from '../kept';
import { commands, ERROR_CODES, events } from './bindings';
import type {
  ActivityPage,
  ActivityQuery,
  ActivityRow,
  ActivityStatusClass,
  ChannelRevocation,
  ChannelView,
  ConnectCandidate,
  ConnectCandidates,
  ConnectStarted,
  ConsentRow,
  CoreStatus,
  DataOperation,
  DataProgress,
  DataProgressEvent,
  DataStage,
  DeleteAllReport,
  RotationReport,
  EntityCount,
  ExportSummary,
  ImportSummary,
  ProfileSummary,
  DeepLinkAction,
  DeepLinkEvent,
  DesktopPrefs,
  DeveloperAppView,
  DisconnectReport,
  DoctorReport,
  ErrorCode,
  HostState,
  IpcError,
  MediaHostConfig,
  MediaHostSettings,
  MediaHostTestReport,
  NextPost,
  Page,
  Platform,
  Provider,
  RedirectKind,
  Result,
  SchedulerEvent,
  SchedulingChanged,
  SchedulingView,
  TestStep,
  VaultBackend,
} from './bindings';

export type {
  ActivityPage,
  ActivityQuery,
  ActivityRow,
  ActivityStatusClass,
  ChannelRevocation,
  ChannelView,
  ConnectCandidate,
  ConnectCandidates,
  ConnectStarted,
  ConsentRow,
  CoreStatus,
  DataOperation,
  DataProgress,
  DataProgressEvent,
  DataStage,
  DeleteAllReport,
  RotationReport,
  EntityCount,
  ExportSummary,
  ImportSummary,
  ProfileSummary,
  DeepLinkAction,
  DeepLinkEvent,
  DesktopPrefs,
  DeveloperAppView,
  DisconnectReport,
  DoctorReport,
  ErrorCode,
  HostState,
  IpcError,
  MediaHostConfig,
  MediaHostSettings,
  MediaHostTestReport,
  NextPost,
  Page,
  Platform,
  Provider,
  RedirectKind,
  SchedulerEvent,
  SchedulingChanged,
  SchedulingView,
  TestStep,
  VaultBackend,
};

/** Every error code the core can send, generated from the Rust `ErrorCode` enum. */
export { ERROR_CODES };

/** Derived helper types (the core defines the unions they come from). */
export type RevocationOutcome = ChannelRevocation['outcome'];
/** Rows per table, as in `ExportSummary.counts` and `ImportSummary.counts`. */
export type EntityCounts = ExportSummary['counts'];
/** `ChannelView.status`: `connected`, `reconnect_needed` or `disconnected`. */
export type ChannelStatus = ChannelView['status'];
/** What `disconnectChannel` managed upstream: `revoked`, `not_offered`, `shared_grant` or `failed`. */
export type UpstreamRevocation = DisconnectReport['upstream'];
/** Payload of the `channelsChanged` event: which channels changed and why (refresh, connect, disconnect). */
export type ChannelsChangedEvent = { channel_ids: string[]; reason: string };

// Compile-time guard: the generated list and the generated union must name the same codes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const errorCodesComplete: Same<(typeof ERROR_CODES)[number], ErrorCode> = true;
void errorCodesComplete;

/** A failure reported by the core (or the IPC layer itself), with a stable machine code. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message };
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** True for a value shaped like the core's `IpcError`. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return isErrorCode(record.code) && typeof record.message === 'string';
}

/** Turns anything thrown across the IPC edge into an `AppError`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isIpcError(error)) return new AppError(error.code, error.message);
  if (error instanceof Error) return new AppError('core_unavailable', error.message);
  if (typeof error === 'string') return new AppError('core_unavailable', error);
  return new AppError('core_unavailable', 'The Outpost core did not answer.');
}

/** Returns the data of an `ok` result or throws the error as an `AppError`. */
export function unwrap<T>(result: Result<T, IpcError>): T {
  if (result.status === 'ok') return result.data;
  throw new AppError(result.error.code, result.error.message);
}

/** Runs a command and unwraps its result (for the per-domain facades beside this file). */
export async function callCore<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  return call(run);
}

export async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  let result: Result<T, IpcError>;
  try {
    result = await run();
  } catch (error) {
    throw toAppError(error);
  }
  return unwrap(result);
}

async function callPlain<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toAppError(error);
  }
}

/** False inside the desktop app; true in a plain browser (dev server or `vite preview`). */
/**
 * Starts an event subscription for an `$effect` and returns its cleanup: an unlisten that
 * arrives after the component is gone is called at once; a failed subscription is ignored (the
 * page still works, it just does not refresh by itself).
 */
export function listenWhileMounted(start: () => Promise<() => void>): () => void {
  let stop: (() => void) | null = null;
  let gone = false;
  start()
    .then((unlisten) => {
      if (gone) unlisten();
      else stop = unlisten;
    })
    .catch(() => {});
  return () => {
    gone = true;
    stop?.();
  };
}

export function isPreview(): boolean {
  return typeof window === 'undefined' || !('__TAURI_INTERNALS__' in window);
}

/** Thrown by commands that have nothing honest to return in preview mode. */
export class PreviewModeError extends AppError {
  constructor() {
    super('core_unavailable', 'Preview mode — run the desktop app to see real values.');
    this.name = 'PreviewModeError';
  }
}

export const ipc = {
  /** Whether the core opened at start, and why not if it did not. */
  async coreStatus(): Promise<CoreStatus> {
    if (isPreview()) return { ready: true, error: null };
    return callPlain(() => commands.coreStatus());
  },

  /** Settings → About. Throws `PreviewModeError` in preview mode. */
  async about(): Promise<DoctorReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.about());
  },

  /** Opens the data directory in the system file manager. */
  async revealDataDir(): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.revealDataDir());
  },

  /** Deep links that arrived before the window listened (e.g. the one that launched the app). */
  async takeDeepLinks(): Promise<DeepLinkEvent[]> {
    if (isPreview()) return [];
    return callPlain(() => commands.takeDeepLinks());
  },

  /**
   * Settings → Privacy & data. Exports everything to an archive; the core asks where with the native
   * save dialog. Resolves to `null` when the user cancels that dialog.
   */
  async exportData(): Promise<ExportSummary | null> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.exportData());
  },

  /** Imports an archive into an empty profile (native open dialog in the core); `null` = cancelled. */
  async importData(): Promise<ImportSummary | null> {
    if (isPreview()) throw new PreviewModeError();
    const summary = await call(() => commands.importData());
    if (summary) forgetKept();
    return summary;
  },

  /** Re-seals every stored secret under a new master key; the old key is deleted. */
  async rotateMasterKey(): Promise<RotationReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.rotateMasterKey());
  },

  /** Revokes every channel's token upstream, then deletes all local data and the master key. */
  async deleteAllData(): Promise<DeleteAllReport> {
    if (isPreview()) throw new PreviewModeError();
    try {
      return await call(() => commands.deleteAllData());
    } finally {
      // Even a deletion that stopped part-way may have removed what the pages keep.
      forgetKept();
    }
  },

  /** One page (0-based) of the outbound API call log, newest first. */
  async activityLog(query: ActivityQuery, page: number, pageSize: number): Promise<ActivityPage> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.activityLog(query, page, pageSize));
  },

  /** Every consent the user was asked for, with policy version, time and place. */
  async consentRecords(): Promise<ConsentRow[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.consentRecords());
  },

  /** Row counts per kind of data, for "Delete all my data". */
  async profileSummary(): Promise<ProfileSummary> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.profileSummary());
  },

  /** Progress of a running export or import; resolves to an unsubscribe function. */
  async onDataProgress(handler: (event: DataProgressEvent) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.dataProgressEvent.listen((e) => handler(e.payload)));
  },

  /** Settings → Developer apps: one entry per platform, all ten, in display order. */
  async developerApps(): Promise<DeveloperAppView[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.developerApps());
  },

  /**
   * Saves a platform's developer app (kept in the vault). `clientSecret` null keeps the saved secret
   * unchanged; an empty string is rejected by the core, so callers pass null instead.
   * `organizationAccess` (LinkedIn only): the app has the Community Management product.
   */
  async saveDeveloperApp(
    platform: Platform,
    clientId: string,
    clientSecret: string | null,
    organizationAccess = false,
  ): Promise<DeveloperAppView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.saveDeveloperApp(platform, clientId, clientSecret, organizationAccess));
  },

  /** Forgets a platform's developer app (client id and secret). */
  async removeDeveloperApp(platform: Platform): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.removeDeveloperApp(platform));
  },

  /** Settings → Media host: the saved settings and whether a secret is saved (never the secret). */
  async mediaHostSettings(): Promise<MediaHostSettings> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.mediaHostSettings());
  },

  /** Saves the media host settings; `secretAccessKey` null keeps the saved secret. */
  async saveMediaHost(config: MediaHostConfig, secretAccessKey: string | null): Promise<MediaHostSettings> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.saveMediaHost(config, secretAccessKey));
  },

  /** Forgets the media host (settings and secret). */
  async removeMediaHost(): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.removeMediaHost());
  },

  /** Uploads, fetches and deletes a tiny file with the saved settings; says which step failed. */
  async testMediaHost(): Promise<MediaHostTestReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.testMediaHost());
  },

  /** Every connected (or reconnect-needed) channel. Empty in preview mode: there is no core to ask. */
  async channels(): Promise<ChannelView[]> {
    if (isPreview()) return [];
    return call(() => commands.channels());
  },

  /**
   * Starts an OAuth sign-in: the core opens the system browser. `instanceUrl` is the Mastodon server
   * (`mastodon.social` or `https://…`), null for every other platform.
   */
  async connectStart(platform: Platform, instanceUrl: string | null): Promise<ConnectStarted> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.connectStart(platform, instanceUrl));
  },

  /**
   * Resolves once the browser step of `flowId` finished (may take minutes) with the accounts, pages or
   * organisations the user can connect. Rejects with `sign_in_cancelled`, `sign_in_timed_out`, …
   */
  async connectWait(flowId: string): Promise<ConnectCandidates> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.connectWait(flowId));
  },

  /** Abandons a running sign-in; its pending `connectWait` rejects with `sign_in_cancelled`. */
  async connectCancel(flowId: string): Promise<void> {
    if (isPreview()) return;
    await call(() => commands.connectCancel(flowId));
  },

  /** Connects the chosen candidates (their `key`s) of a finished sign-in. */
  async connectFinish(flowId: string, keys: string[]): Promise<ChannelView[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.connectFinish(flowId, keys));
  },

  /** Bluesky app-password sign-in; `service` null means `https://bsky.social`. */
  async connectBluesky(service: string | null, identifier: string, appPassword: string): Promise<ChannelView[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.connectBluesky(service, identifier, appPassword));
  },

  /** Asks the platform whether the channel's sign-in still works (refreshing first when needed). */
  async checkChannel(channelId: string): Promise<ChannelView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.checkChannel(channelId));
  },

  /** Revokes the channel's token upstream where the platform allows, and deletes it locally. */
  async disconnectChannel(channelId: string): Promise<DisconnectReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.disconnectChannel(channelId));
  },

  /** Channels connected, disconnected or marked "reconnect needed"; resolves to an unsubscribe function. */
  async onChannelsChanged(handler: (event: ChannelsChangedEvent) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.channelsChanged.listen((e) => handler(e.payload)));
  },

  /** Settings → Scheduling: who publishes, pause, time zone, grace period, tray and login options. */
  async scheduling(): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.scheduling());
  },

  /** Every IANA time zone the core knows, sorted. Empty in preview mode. */
  async timeZones(): Promise<string[]> {
    if (isPreview()) return [];
    return callPlain(() => commands.timeZones());
  },

  /** Pauses or resumes publishing; resolves to the new view. */
  async setPublishingPaused(paused: boolean): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setPublishingPaused(paused));
  },

  /** Sets the IANA time zone local times are read in (rejects an unknown name). */
  async setTimeZone(timeZone: string): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setTimeZone(timeZone));
  },

  /** Whether new posts start handed to the platform's own scheduler (YouTube, Facebook, Mastodon). */
  async setNativeScheduleDefault(on: boolean): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setNativeScheduleDefault(on));
  },

  /** Posts missed while Outpost was off go out if at most this many minutes late (0–10080). */
  async setMissedGraceMinutes(minutes: number): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setMissedGraceMinutes(minutes));
  },

  /** Notifications on/off and keep running in the tray when the window is closed. */
  async setDesktopPrefs(prefs: DesktopPrefs): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setDesktopPrefs(prefs));
  },

  /** Start Outpost (in the tray) when the user logs in. */
  async setStartAtLogin(enabled: boolean): Promise<SchedulingView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setStartAtLogin(enabled));
  },

  /** Scheduling state changed (who publishes, pause); resolves to an unsubscribe function. */
  async onSchedulingChanged(handler: (event: SchedulingChanged) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.schedulingChanged.listen((e) => handler(e.payload)));
  },

  /** Every scheduler event (job state, progress, timer); resolves to an unsubscribe function. */
  async onSchedulerActivity(handler: (event: SchedulerEvent) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.schedulerActivity.listen((e) => handler(e.payload.event)));
  },

  /** Subscribes to deep links delivered while the app runs; resolves to an unsubscribe function. */
  async onDeepLink(handler: (event: DeepLinkEvent) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.deepLinkEvent.listen((e) => handler(e.payload)));
  },
};
