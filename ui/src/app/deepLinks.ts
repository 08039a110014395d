/**
 * What the app does with a deep link the core validated (or refused).
 */
import type { DeepLinkEvent, Page } from '$lib/ipc';

export interface DeepLinkTarget {
  open(page: Page): void;
  /** A client's decision code arrived (`app.outpost.desktop://approval/<code>`). */
  approval(code: string): void;
  error(title: string, message: string): void;
}

export function applyDeepLink(event: DeepLinkEvent, target: DeepLinkTarget): void {
  if (event.error) {
    target.error('Link not opened', event.error.message);
    return;
  }
  const action = event.action;
  if (action && action.kind === 'open') target.open(action.page);
  else if (action && action.kind === 'approval') target.approval(action.code);
}
