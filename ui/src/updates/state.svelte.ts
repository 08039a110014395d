/** The update flow shared by Settings → About and the banner: status, last result, download progress. */
import { toAppError } from '$lib/ipc';
import { updates, type UpdateCheck, type UpdateStatus } from '$lib/ipc/updates';

class UpdateState {
  status = $state<UpdateStatus | null>(null);
  /** The newest result (a check or an install), from this session or the last one. */
  last = $state<UpdateCheck | null>(null);
  busy = $state<'checking' | 'installing' | null>(null);
  downloaded = $state(0);
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  #stop: (() => void)[] = [];

  /** Percent downloaded, or null while the total is unknown. */
  get percent(): number | null {
    return this.total ? Math.min(100, Math.round((this.downloaded / this.total) * 100)) : null;
  }

  async start(): Promise<void> {
    this.#stop.push(
      await updates.onProgress((p) => {
        this.downloaded = p.downloaded;
        this.total = p.total;
      }),
      await updates.onChecked((c) => {
        this.last = c;
        void this.load();
      }),
    );
  }

  stop(): void {
    for (const s of this.#stop.splice(0)) s();
  }

  async load(): Promise<void> {
    try {
      this.status = await updates.status();
      if (!this.last || (this.status.last_check && this.status.last_check.at >= this.last.at)) {
        this.last = this.status.last_check;
      }
      this.error = null;
    } catch (e) {
      this.error = toAppError(e).message;
    }
  }

  async run(what: 'checking' | 'installing', action: () => Promise<UpdateCheck>): Promise<void> {
    this.busy = what;
    this.error = null;
    this.downloaded = 0;
    this.total = null;
    try {
      this.last = await action();
      await this.load();
    } catch (e) {
      this.error = toAppError(e).message;
    } finally {
      // After "installed" the app relaunches; keep the bar full until then.
      if (this.last?.outcome !== 'installed') this.busy = null;
    }
  }

  check(): Promise<void> {
    return this.run('checking', () => updates.check());
  }

  install(): Promise<void> {
    return this.run('installing', () => updates.install());
  }

  async setChecks(enabled: boolean): Promise<void> {
    try {
      this.status = await updates.setChecks(enabled);
    } catch (e) {
      this.error = toAppError(e).message;
    }
  }

  async setEndpoint(endpoint: string | null): Promise<boolean> {
    try {
      this.status = await updates.setEndpoint(endpoint);
      this.error = null;
      return true;
    } catch (e) {
      this.error = toAppError(e).message;
      return false;
    }
  }
}

export const updateState = new UpdateState();
