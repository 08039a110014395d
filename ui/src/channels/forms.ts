/**
 * Validation of the connect dialog's small forms (Mastodon server, Bluesky app-password sign-in).
 * Pure functions: each returns the value to send, or the message to show next to the field.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses "host", "host:port" or "http(s)://host[:port][/]" into an origin; null when it is not one. */
function parseOrigin(input: string): string | null {
  const text = input.trim();
  if (!text || /\s/.test(text)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/' && url.pathname !== '') return null;
  const host = url.hostname;
  // A bare word ("mastodon") is almost always a typo; localhost and IP addresses are fine for testing.
  if (!host.includes('.') && host !== 'localhost' && !host.startsWith('[')) return null;
  return url.origin;
}

/**
 * The Mastodon server to sign in to. Accepts "mastodon.social", "https://mastodon.social/" and a full
 * handle ("@ada@mastodon.social") — people often know their handle better than their server.
 * Sends what the user typed (trimmed, handle reduced to its server); the core normalises the URL.
 */
export function checkMastodonServer(input: string): Checked<string> {
  let text = input.trim();
  if (!text) return { ok: false, error: 'Enter the address of your Mastodon server, e.g. mastodon.social.' };
  const handle = /^@?[^@\s/]+@([^@\s/]+)$/.exec(text);
  if (handle?.[1]) text = handle[1];
  if (parseOrigin(text) === null) {
    return { ok: false, error: 'That is not a server address. Use the part after the second @ of your handle, e.g. mastodon.social.' };
  }
  return { ok: true, value: text.replace(/\/+$/, '') };
}

/** Bluesky app passwords are four groups of four letters or digits: `abcd-efgh-ijkl-mnop`. */
export const APP_PASSWORD_PATTERN = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;

export interface BlueskyInput {
  service: string;
  identifier: string;
  appPassword: string;
}

export interface BlueskyValues {
  /** null = the default, https://bsky.social. */
  service: string | null;
  identifier: string;
  appPassword: string;
}

export type BlueskyErrors = Partial<Record<keyof BlueskyInput, string>>;

/** Validates the Bluesky form; `errors` is empty exactly when `values` is set. */
export function checkBluesky(input: BlueskyInput): { values: BlueskyValues | null; errors: BlueskyErrors } {
  const errors: BlueskyErrors = {};

  let service: string | null = null;
  if (input.service.trim()) {
    service = parseOrigin(input.service);
    if (service === null) errors.service = 'Enter a server address such as bsky.social or https://pds.example.com — or leave it empty.';
  }

  const identifier = input.identifier.trim().replace(/^@/, '');
  if (!identifier) errors.identifier = 'Enter your handle (e.g. ada.bsky.social) or the email of your account.';
  else if (/\s/.test(identifier)) errors.identifier = 'A handle has no spaces, e.g. ada.bsky.social.';

  const appPassword = input.appPassword.trim();
  if (!appPassword) errors.appPassword = 'Enter an app password.';
  else if (!APP_PASSWORD_PATTERN.test(appPassword)) {
    errors.appPassword =
      'That is not an app password. App passwords look like xxxx-xxxx-xxxx-xxxx — never use your account password here.';
  }

  if (Object.keys(errors).length > 0) return { values: null, errors };
  return { values: { service, identifier, appPassword }, errors };
}
