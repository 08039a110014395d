/**
 * Channels page helpers: labels, dates and messages. Pure functions, no DOM; dates in local time.
 */
import type { AppError, ChannelView, DisconnectReport, ErrorCode, Platform } from '$lib/ipc';
import { platformName } from './platforms';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export interface StatusLabel {
  label: string;
  tone: Tone;
}

/** The badge of a channel's `status`. Anything unknown is shown as it is, neutral. */
export function channelStatus(status: string): StatusLabel {
  switch (status) {
    case 'connected':
      return { label: 'Connected', tone: 'success' };
    case 'reconnect_needed':
      return { label: 'Reconnect needed', tone: 'warning' };
    case 'disconnected':
      return { label: 'Disconnected', tone: 'neutral' };
    default:
      return { label: status.replace(/_/g, ' '), tone: 'neutral' };
  }
}

/** True when the channel cannot publish until the user signs in again. */
export function needsReconnect(channel: Pick<ChannelView, 'status'>): boolean {
  return channel.status === 'reconnect_needed' || channel.status === 'disconnected';
}

/** `kind` → "Profile", "Page", "Organization", "Board"; unknown kinds capitalised. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'profile':
      return 'Profile';
    case 'page':
      return 'Page';
    case 'organization':
      return 'Organization';
    case 'board':
      return 'Board';
    default:
      return kind ? kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ') : '';
  }
}

/** One or two letters for an avatar placeholder: "Ada Lovelace" → "AL", "@ada" → "A". */
export function monogram(name: string): string {
  const words = name
    .replace(/[@#]/g, ' ')
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  const first = words[0];
  if (first === undefined) return '?';
  const letter = (w: string) => (Array.from(w).find((c) => /[\p{L}\p{N}]/u.test(c)) ?? '').toUpperCase();
  const second = words.length > 1 ? words[words.length - 1] : undefined;
  return letter(first) + (second ? letter(second) : '');
}

/** "@ada" stays, "ada" becomes "@ada"; Mastodon handles with a server stay as given; empty stays empty. */
export function formatHandle(handle: string): string {
  const h = handle.trim();
  if (!h) return '';
  return h.startsWith('@') ? h : `@${h}`;
}

/** The host of an instance URL for display: "https://mastodon.social/" → "mastodon.social". */
export function instanceHost(url: string): string {
  const trimmed = url.trim();
  if (!trimmed) return '';
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).host;
  } catch {
    return trimmed;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number) => String(n).padStart(2, '0');

/** Unix ms → "12 Mar 2026, 14:05" in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix ms → "12 Mar 2026". */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** A span in words, coarsely: "3 days", "5 hours", "12 minutes", "less than a minute". */
export function formatSpan(ms: number): string {
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < minute) return 'less than a minute';
  if (ms < hour) return plural(Math.floor(ms / minute), 'minute');
  if (ms < 2 * day) return plural(Math.floor(ms / hour), 'hour');
  return plural(Math.floor(ms / day), 'day');
}

/** The token expiry line of the details: "Expires in 3 days (12 Mar 2026, 14:05)", "Expired …", or none. */
export function tokenExpiry(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'No expiry reported by the platform';
  const when = formatDateTime(expiresAt);
  if (expiresAt <= now) return `Expired ${formatSpan(now - expiresAt)} ago (${when}) — Outpost refreshes it before publishing`;
  return `Expires in ${formatSpan(expiresAt - now)} (${when}) — refreshed automatically`;
}

/** Time left of a sign-in, "4:07" (m:ss), never negative. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${pad(total % 60)}`;
}

export interface ToastMessage {
  tone: 'success' | 'info' | 'error';
  title: string;
  message: string;
}

/** What to tell the user after a disconnect, from what happened upstream. */
export function disconnectMessage(channel: Pick<ChannelView, 'display_name' | 'platform'>, report: DisconnectReport): ToastMessage {
  const name = channel.display_name || 'Channel';
  const platform = platformName(channel.platform);
  const note = report.note ? ` ${report.note}` : '';
  switch (report.upstream) {
    case 'revoked':
      return {
        tone: 'success',
        title: `${name} disconnected`,
        message: `Access was revoked on ${platform} and the tokens were deleted from this computer.${note}`,
      };
    case 'not_offered':
      return {
        tone: 'info',
        title: `${name} disconnected`,
        message: `The tokens were deleted. ${platform} offers no way for apps to revoke access — remove Outpost in your ${platform} account settings if you want it gone there too.${note}`,
      };
    case 'shared_grant':
      return {
        tone: 'info',
        title: `${name} disconnected`,
        message: `The tokens were deleted. Access stays granted on ${platform} because other connected channels share the same sign-in.${note}`,
      };
    case 'failed':
      return {
        tone: 'error',
        title: `${name} disconnected, but not revoked on ${platform}`,
        message: `The tokens were deleted from this computer. ${platform} did not confirm the revocation — remove Outpost in your ${platform} account settings.${note}`,
      };
    default:
      return { tone: 'success', title: `${name} disconnected`, message: `The tokens were deleted from this computer.${note}` };
  }
}

export interface ErrorMessage {
  title: string;
  /** A sentence of guidance; the core's own message is shown under it. */
  hint: string;
  /** Offer "Set up developer app" instead of (or next to) "Try again". */
  setup: boolean;
}

/** How a failed sign-in is explained in the connect dialog, by the core's error code. */
export function connectErrorMessage(error: Pick<AppError, 'code'>, platform: Platform): ErrorMessage {
  const name = platformName(platform);
  const code: ErrorCode | string = error.code;
  switch (code) {
    case 'sign_in_cancelled':
      return { title: 'Sign-in was cancelled', hint: `The sign-in was declined or closed before ${name} sent Outpost back.`, setup: false };
    case 'sign_in_timed_out':
      return { title: 'Sign-in timed out', hint: 'The browser step was not finished in time. Start again when you are ready.', setup: false };
    case 'sign_in_failed':
      return { title: 'Sign-in failed', hint: `${name} did not complete the sign-in.`, setup: false };
    case 'app_not_configured':
      return {
        title: `Your ${name} developer app is not set up`,
        hint: `Outpost signs in to ${name} with your own developer app. Add its client id in Settings → Developer apps.`,
        setup: true,
      };
    case 'platform_unavailable':
      return { title: `${name} could not be reached`, hint: 'Check your internet connection, or try again in a moment.', setup: false };
    case 'platform_rejected':
      return { title: `${name} refused the request`, hint: 'Check the details you entered and your developer app settings.', setup: false };
    case 'reconnect_needed':
      return { title: 'Sign in again', hint: `${name} no longer accepts the saved sign-in.`, setup: false };
    case 'invalid_input':
      return { title: 'Check what you entered', hint: '', setup: false };
    case 'vault_locked':
    case 'vault_unavailable':
      return { title: 'Your keychain is locked', hint: 'Outpost needs the system keychain to store tokens safely.', setup: false };
    default:
      return { title: 'Connecting did not work', hint: '', setup: false };
  }
}
