/** Settings → Developer apps helpers: status labels and form validation. Pure, no DOM. */
import type { DeveloperAppView } from '$lib/ipc';

export interface DevAppStatus {
  label: string;
  tone: 'neutral' | 'accent' | 'success' | 'warning';
  /** Stable value for tests and styling. */
  value: 'self_registering' | 'configured' | 'not_set_up';
}

export function devAppStatus(app: Pick<DeveloperAppView, 'self_registering' | 'configured'>): DevAppStatus {
  if (app.self_registering) return { label: 'Nothing to set up', tone: 'accent', value: 'self_registering' };
  if (app.configured) return { label: 'Configured', tone: 'success', value: 'configured' };
  return { label: 'Not set up', tone: 'neutral', value: 'not_set_up' };
}

export interface DevAppInput {
  clientId: string;
  clientSecret: string;
}

export interface DevAppValues {
  clientId: string;
  /** null keeps the saved secret (or sends none where the platform has no secret). */
  clientSecret: string | null;
}

export type DevAppErrors = Partial<Record<keyof DevAppInput, string>>;

type SecretRules = Pick<DeveloperAppView, 'platform_name' | 'has_client_secret' | 'secret_required' | 'secret_allowed'>;

/** What the secret field says under it. */
export function secretHint(app: SecretRules): string {
  if (app.has_client_secret) return 'A secret is saved — leave empty to keep it.';
  if (app.secret_required) return `Required: ${app.platform_name} needs the secret to sign in.`;
  return 'Optional — only if your app has one.';
}

/**
 * Validates the form. Surrounding spaces (a common copy-paste slip) are dropped from both values.
 * An empty secret becomes null — the core rejects an empty string, and null means "keep".
 */
export function checkDevApp(app: SecretRules, input: DevAppInput): { values: DevAppValues | null; errors: DevAppErrors } {
  const errors: DevAppErrors = {};
  const clientId = input.clientId.trim();
  if (!clientId) errors.clientId = `Enter the client ID from your ${app.platform_name} developer app.`;
  else if (/\s/.test(clientId)) errors.clientId = 'A client ID has no spaces — check that you copied only the ID.';
  else if (clientId.length > 512) errors.clientId = 'That is too long for a client ID — check what you pasted.';

  let clientSecret: string | null = null;
  if (app.secret_allowed) {
    const secret = input.clientSecret.trim();
    if (secret) {
      if (/\s/.test(secret)) errors.clientSecret = 'A client secret has no spaces — check that you copied only the secret.';
      else if (secret === clientId) errors.clientSecret = 'That is the client ID. Paste the client secret here.';
      else clientSecret = secret;
    } else if (app.secret_required && !app.has_client_secret) {
      errors.clientSecret = `Enter the client secret — ${app.platform_name} requires one.`;
    }
  }

  if (Object.keys(errors).length > 0) return { values: null, errors };
  return { values: { clientId, clientSecret }, errors };
}

/** True when saving would change nothing (same id, no new secret): Save stays available but says so. */
export function isUnchanged(app: Pick<DeveloperAppView, 'client_id' | 'configured'>, input: DevAppInput): boolean {
  return app.configured && input.clientId.trim() === (app.client_id ?? '') && input.clientSecret.trim() === '';
}
