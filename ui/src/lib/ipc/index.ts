/**
 * The one door from the UI to the Rust core. Everything else imports from here, never from
 * `./bindings` (generated) or from `@tauri-apps/api` directly.
 *
 * - Commands that return `Result` are unwrapped: success gives the data, failure throws `AppError`
 *   carrying the core's stable `code` and human `message`.
 * - Outside the desktop app (plain browser during `npm run dev` / `vite preview`) there is no IPC;
 *   `isPreview()` is true and the facade answers with clearly empty values, never invented data.
 */
import { commands, ERROR_CODES, events } from './bindings';
import type {
  ActivityPage,
  ActivityQuery,
  ActivityRow,
  ActivityStatusClass,
  ChannelRevocation,
  ConsentRow,
  CoreStatus,
  DataOperation,
  DataProgress,
  DataProgressEvent,
  DataStage,
  DeleteAllReport,
  EntityCount,
  ExportSummary,
  ImportSummary,
  ProfileSummary,
  DeepLinkAction,
  DeepLinkEvent,
  DoctorReport,
  ErrorCode,
  IpcError,
  Page,
  Result,
  VaultBackend,
} from './bindings';

export type {
  ActivityPage,
  ActivityQuery,
  ActivityRow,
  ActivityStatusClass,
  ChannelRevocation,
  ConsentRow,
  CoreStatus,
  DataOperation,
  DataProgress,
  DataProgressEvent,
  DataStage,
  DeleteAllReport,
  EntityCount,
  ExportSummary,
  ImportSummary,
  ProfileSummary,
  DeepLinkAction,
  DeepLinkEvent,
  DoctorReport,
  ErrorCode,
  IpcError,
  Page,
  VaultBackend,
};

/** Every error code the core can send, generated from the Rust `ErrorCode` enum. */
export { ERROR_CODES };

/** Derived helper types (the core defines the unions they come from). */
export type RevocationOutcome = ChannelRevocation['outcome'];
/** Rows per table, as in `ExportSummary.counts` and `ImportSummary.counts`. */
export type EntityCounts = ExportSummary['counts'];

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

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
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
    return call(() => commands.importData());
  },

  /** Revokes every channel's token upstream, then deletes all local data and the master key. */
  async deleteAllData(): Promise<DeleteAllReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.deleteAllData());
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

  /** Subscribes to deep links delivered while the app runs; resolves to an unsubscribe function. */
  async onDeepLink(handler: (event: DeepLinkEvent) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    return callPlain(() => events.deepLinkEvent.listen((e) => handler(e.payload)));
  },
};
