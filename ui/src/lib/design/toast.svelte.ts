/**
 * Toast notifications: a small store the whole app shares. Errors stay until dismissed
 * by default; other toasts leave on their own.
 */
export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  message?: string;
  /** Milliseconds until it leaves on its own; null keeps it until dismissed. */
  timeout: number | null;
  /** A button on the toast (e.g. Undo); the toast leaves when it is pressed. */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface ToastInput {
  tone?: ToastTone;
  title: string;
  message?: string;
  timeout?: number | null;
  action?: ToastAction;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const ERROR_TIMEOUT_MS = 10000;
export const MAX_TOASTS = 4;

export class ToastStore {
  items = $state<Toast[]>([]);
  private nextId = 1;
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  push(input: ToastInput): number {
    const tone = input.tone ?? 'info';
    const timeout =
      input.timeout !== undefined ? input.timeout : tone === 'error' ? ERROR_TIMEOUT_MS : DEFAULT_TIMEOUT_MS;
    const toast: Toast = { id: this.nextId++, tone, title: input.title, message: input.message, timeout, action: input.action };
    const next = [...this.items, toast];
    while (next.length > MAX_TOASTS) {
      const dropped = next.shift();
      if (dropped) this.clearTimer(dropped.id);
    }
    this.items = next;
    if (timeout !== null) {
      this.timers.set(toast.id, setTimeout(() => this.dismiss(toast.id), timeout));
    }
    return toast.id;
  }

  info(title: string, message?: string): number {
    return this.push({ tone: 'info', title, message });
  }

  success(title: string, message?: string): number {
    return this.push({ tone: 'success', title, message });
  }

  error(title: string, message?: string): number {
    return this.push({ tone: 'error', title, message });
  }

  dismiss(id: number): void {
    this.clearTimer(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  clear(): void {
    for (const id of this.timers.keys()) this.clearTimer(id);
    this.items = [];
  }

  private clearTimer(id: number): void {
    const timer = this.timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(id);
  }
}

export const toasts = new ToastStore();
