/**
 * The connect dialog's state machine. One instance per open dialog:
 *
 *   choose ──► needs-setup                      (developer app missing)
 *     │──────► mastodon ──┐                     (asks for the server first)
 *     │──────► bluesky ───┼──► done             (app password: one call)
 *     └───────────────────┴──► starting ──► waiting ──► select ──► finishing ──► done
 *                                  │           │                      │
 *                                  └───────────┴──────► failed ◄──────┘   (Try again)
 *
 * Every asynchronous answer is tagged with the generation it belongs to: after Cancel, Back or close, a
 * late answer of the abandoned sign-in is ignored (and the core is told to cancel it).
 */
import {
  ipc,
  toAppError,
  type AppError,
  type ChannelView,
  type ConnectCandidates,
  type ConnectStarted,
  type DeveloperAppView,
  type Platform,
} from '$lib/ipc';
import { checkBluesky, checkMastodonServer, type BlueskyErrors, type BlueskyInput } from './forms';

/** What the dialog signs in to: a platform, and for Mastodon the server. */
export interface ConnectTarget {
  platform: Platform;
  instanceUrl: string | null;
}

/** Reconnecting a channel: the dialog starts straight with its platform (and server / handle). */
export interface ConnectPreset extends ConnectTarget {
  identifier?: string;
}

export type ConnectStep =
  | { kind: 'choose' }
  | { kind: 'needs-setup'; platform: Platform }
  | { kind: 'mastodon'; error: string | null }
  | { kind: 'bluesky'; submitting: boolean; errors: BlueskyErrors; error: AppError | null }
  | { kind: 'starting'; target: ConnectTarget }
  | { kind: 'waiting'; target: ConnectTarget; started: ConnectStarted }
  | { kind: 'select'; target: ConnectTarget; result: ConnectCandidates; selected: string[] }
  | { kind: 'finishing'; target: ConnectTarget; result: ConnectCandidates; selected: string[] }
  | { kind: 'done'; target: ConnectTarget; channels: ChannelView[] }
  | { kind: 'failed'; target: ConnectTarget; error: AppError; stage: 'start' | 'wait' | 'finish'; result?: ConnectCandidates };

export type StepKind = ConnectStep['kind'];

export type AppsState =
  | { kind: 'loading' }
  | { kind: 'ready'; apps: DeveloperAppView[] }
  /** The list could not be read: every platform is offered, the core says if one is not set up. */
  | { kind: 'unavailable'; error: AppError };

/** The part of the IPC facade the flow uses (tests pass a fake). */
export type ConnectApi = Pick<
  typeof ipc,
  'developerApps' | 'connectStart' | 'connectWait' | 'connectCancel' | 'connectFinish' | 'connectBluesky'
>;

/** True when a platform cannot sign in until the user adds their developer app. */
export function needsDeveloperApp(app: Pick<DeveloperAppView, 'self_registering' | 'configured'> | undefined): boolean {
  return app !== undefined && !app.self_registering && !app.configured;
}

/**
 * Candidates ticked at first: the only one when there is one; otherwise the ones being reconnected
 * (the user already chose them once). New pages and organisations are opt-in.
 */
export function preselect(result: ConnectCandidates): string[] {
  if (result.candidates.length === 1) return result.candidates.map((c) => c.key);
  return result.candidates.filter((c) => c.existing_channel_id !== null).map((c) => c.key);
}

export class ConnectFlow {
  step = $state<ConnectStep>({ kind: 'choose' });
  apps = $state<AppsState>({ kind: 'loading' });

  private generation = 0;
  private readonly api: ConnectApi;
  private readonly onconnected: (channels: ChannelView[]) => void;

  constructor(options: { api?: ConnectApi; onconnected?: (channels: ChannelView[]) => void } = {}) {
    this.api = options.api ?? ipc;
    this.onconnected = options.onconnected ?? (() => {});
  }

  /** The developer app of a platform, when the list is known. */
  app(platform: Platform): DeveloperAppView | undefined {
    return this.apps.kind === 'ready' ? this.apps.apps.find((a) => a.platform === platform) : undefined;
  }

  async loadApps(): Promise<void> {
    this.apps = { kind: 'loading' };
    try {
      this.apps = { kind: 'ready', apps: await this.api.developerApps() };
    } catch (error) {
      this.apps = { kind: 'unavailable', error: toAppError(error) };
    }
  }

  /** The user picked a platform in the grid. */
  choose(platform: Platform): void {
    if (this.busy) return;
    if (platform === 'bluesky') {
      this.step = { kind: 'bluesky', submitting: false, errors: {}, error: null };
    } else if (platform === 'mastodon') {
      this.step = { kind: 'mastodon', error: null };
    } else if (needsDeveloperApp(this.app(platform))) {
      this.step = { kind: 'needs-setup', platform };
    } else {
      void this.start({ platform, instanceUrl: null });
    }
  }

  /** The Mastodon step's Continue. */
  submitMastodon(server: string): void {
    const checked = checkMastodonServer(server);
    if (!checked.ok) {
      this.step = { kind: 'mastodon', error: checked.error };
      return;
    }
    void this.start({ platform: 'mastodon', instanceUrl: checked.value });
  }

  /** Starts the browser sign-in and waits for it; ends in `select` or `failed`. */
  async start(target: ConnectTarget): Promise<void> {
    const gen = ++this.generation;
    this.step = { kind: 'starting', target };
    let started: ConnectStarted;
    try {
      started = await this.api.connectStart(target.platform, target.instanceUrl);
    } catch (error) {
      if (gen === this.generation) this.step = { kind: 'failed', target, error: toAppError(error), stage: 'start' };
      return;
    }
    if (gen !== this.generation) {
      // Abandoned while the browser was opening: tell the core to drop it.
      void this.api.connectCancel(started.flow_id).catch(() => {});
      return;
    }
    this.step = { kind: 'waiting', target, started };
    try {
      const result = await this.api.connectWait(started.flow_id);
      if (gen !== this.generation) return;
      this.step = { kind: 'select', target, result, selected: preselect(result) };
    } catch (error) {
      if (gen === this.generation) this.step = { kind: 'failed', target, error: toAppError(error), stage: 'wait' };
    }
  }

  /** Ticks or unticks a candidate in the selection step. */
  toggle(key: string): void {
    if (this.step.kind !== 'select') return;
    const selected = this.step.selected.includes(key)
      ? this.step.selected.filter((k) => k !== key)
      : [...this.step.selected, key];
    this.step = { ...this.step, selected };
  }

  /** Connects the ticked candidates. */
  async finish(): Promise<void> {
    if (this.step.kind !== 'select' || this.step.selected.length === 0) return;
    const { target, result, selected: ticked } = this.step;
    // Keep the order of the list, not of the clicks.
    const selected = result.candidates.map((c) => c.key).filter((k) => ticked.includes(k));
    const gen = ++this.generation;
    this.step = { kind: 'finishing', target, result, selected };
    try {
      const channels = await this.api.connectFinish(result.flow_id, selected);
      if (gen !== this.generation) return;
      this.step = { kind: 'done', target, channels };
      this.onconnected(channels);
    } catch (error) {
      if (gen === this.generation) this.step = { kind: 'failed', target, error: toAppError(error), stage: 'finish', result };
    }
  }

  /** The Bluesky form's Connect. */
  async submitBluesky(input: BlueskyInput): Promise<void> {
    if (this.step.kind !== 'bluesky' || this.step.submitting) return;
    const { values, errors } = checkBluesky(input);
    if (!values) {
      this.step = { kind: 'bluesky', submitting: false, errors, error: null };
      return;
    }
    const gen = ++this.generation;
    this.step = { kind: 'bluesky', submitting: true, errors: {}, error: null };
    try {
      const channels = await this.api.connectBluesky(values.service, values.identifier, values.appPassword);
      if (gen !== this.generation) return;
      this.step = { kind: 'done', target: { platform: 'bluesky', instanceUrl: values.service }, channels };
      this.onconnected(channels);
    } catch (error) {
      if (gen === this.generation) this.step = { kind: 'bluesky', submitting: false, errors: {}, error: toAppError(error) };
    }
  }

  /** "Try again" after a failure. */
  retry(): void {
    if (this.step.kind !== 'failed') return;
    const { target, stage, result, error } = this.step;
    if (stage === 'finish' && result && error.code !== 'not_found') {
      // The sign-in itself worked: let the user confirm the selection again.
      this.step = { kind: 'select', target, result, selected: preselect(result) };
      return;
    }
    void this.start(target);
  }

  /** True while a call is in flight that the user may be waiting on. */
  get busy(): boolean {
    const k = this.step.kind;
    return k === 'starting' || k === 'finishing' || (k === 'bluesky' && this.step.submitting);
  }

  /** The flow id of a running browser sign-in, if any. */
  get activeFlowId(): string | null {
    if (this.step.kind === 'waiting') return this.step.started.flow_id;
    if (this.step.kind === 'select') return this.step.result.flow_id;
    return null;
  }

  /** Cancel while waiting, or Back: abandons the running sign-in and returns to the platform grid. */
  async cancel(): Promise<void> {
    const flowId = this.activeFlowId;
    this.generation++;
    this.step = { kind: 'choose' };
    if (flowId !== null) {
      try {
        await this.api.connectCancel(flowId);
      } catch {
        // The flow may have ended on its own meanwhile; nothing to undo.
      }
    }
  }

  /** The dialog closes: abandon whatever runs, without changing what the user sees. */
  dispose(): void {
    const flowId = this.activeFlowId;
    this.generation++;
    if (flowId !== null) void this.api.connectCancel(flowId).catch(() => {});
  }
}
