import { describe, expect, it } from 'vitest';
import type { AppError } from '$lib/ipc';
import {
  channelStatus,
  connectErrorMessage,
  disconnectMessage,
  formatHandle,
  formatSpan,
  formatTimeLeft,
  instanceHost,
  kindLabel,
  monogram,
  needsReconnect,
  tokenExpiry,
} from './format';
import { checkBluesky, checkMastodonServer } from './forms';

describe('status and labels', () => {
  it('labels each status with its tone', () => {
    expect(channelStatus('connected')).toEqual({ label: 'Connected', tone: 'success' });
    expect(channelStatus('reconnect_needed')).toEqual({ label: 'Reconnect needed', tone: 'warning' });
    expect(channelStatus('disconnected')).toEqual({ label: 'Disconnected', tone: 'neutral' });
    expect(channelStatus('rate_limited')).toEqual({ label: 'rate limited', tone: 'neutral' });
  });

  it('asks to reconnect only for broken channels', () => {
    expect(needsReconnect({ status: 'connected' })).toBe(false);
    expect(needsReconnect({ status: 'reconnect_needed' })).toBe(true);
    expect(needsReconnect({ status: 'disconnected' })).toBe(true);
  });

  it('names channel kinds', () => {
    expect(kindLabel('page')).toBe('Page');
    expect(kindLabel('organization')).toBe('Organization');
    expect(kindLabel('board')).toBe('Board');
    expect(kindLabel('business_account')).toBe('Business account');
    expect(kindLabel('')).toBe('');
  });

  it('makes monograms', () => {
    expect(monogram('Ada Lovelace')).toBe('AL');
    expect(monogram('@ada')).toBe('A');
    expect(monogram('analytical engines ltd')).toBe('AL');
    expect(monogram('  ')).toBe('?');
    expect(monogram('émile')).toBe('É');
  });

  it('formats handles and hosts', () => {
    expect(formatHandle('ada')).toBe('@ada');
    expect(formatHandle('@ada@mastodon.social')).toBe('@ada@mastodon.social');
    expect(formatHandle(' ')).toBe('');
    expect(instanceHost('https://mastodon.social/')).toBe('mastodon.social');
    expect(instanceHost('fosstodon.org')).toBe('fosstodon.org');
    expect(instanceHost('')).toBe('');
  });
});

describe('times', () => {
  it('counts down m:ss and never goes negative', () => {
    expect(formatTimeLeft(600_000)).toBe('10:00');
    expect(formatTimeLeft(61_200)).toBe('1:02');
    expect(formatTimeLeft(400)).toBe('0:01');
    expect(formatTimeLeft(-5000)).toBe('0:00');
  });

  it('describes spans coarsely', () => {
    expect(formatSpan(30_000)).toBe('less than a minute');
    expect(formatSpan(60_000)).toBe('1 minute');
    expect(formatSpan(3 * 3_600_000)).toBe('3 hours');
    expect(formatSpan(3 * 86_400_000 + 5)).toBe('3 days');
  });

  it('says when a token expires', () => {
    const now = new Date(2026, 2, 10, 12, 0).getTime();
    expect(tokenExpiry(null, now)).toBe('No expiry reported by the platform');
    expect(tokenExpiry(now + 2 * 86_400_000, now)).toBe('Expires in 2 days (12 Mar 2026, 12:00) — refreshed automatically');
    expect(tokenExpiry(now - 3_600_000, now)).toMatch(/^Expired 1 hour ago \(10 Mar 2026, 11:00\)/);
  });
});

describe('disconnectMessage', () => {
  const ch = { display_name: 'Ada Lovelace', platform: 'linkedin' as const };
  it('reports each upstream outcome', () => {
    expect(disconnectMessage(ch, { channel_id: '1', upstream: 'revoked', note: null })).toEqual({
      tone: 'success',
      title: 'Ada Lovelace disconnected',
      message: 'Access was revoked on LinkedIn and the tokens were deleted from this computer.',
    });
    const notOffered = disconnectMessage(ch, { channel_id: '1', upstream: 'not_offered', note: null });
    expect(notOffered.tone).toBe('info');
    expect(notOffered.message).toMatch(/offers no way for apps to revoke access/);
    expect(disconnectMessage(ch, { channel_id: '1', upstream: 'shared_grant', note: null }).message).toMatch(/share the same sign-in/);
    const failed = disconnectMessage(ch, { channel_id: '1', upstream: 'failed', note: 'HTTP 503' });
    expect(failed.tone).toBe('error');
    expect(failed.title).toBe('Ada Lovelace disconnected, but not revoked on LinkedIn');
    expect(failed.message).toMatch(/HTTP 503$/);
  });
});

describe('connectErrorMessage', () => {
  const err = (code: string) => ({ code }) as Pick<AppError, 'code'>;
  it('explains each sign-in failure', () => {
    expect(connectErrorMessage(err('sign_in_cancelled'), 'x').title).toBe('Sign-in was cancelled');
    expect(connectErrorMessage(err('sign_in_timed_out'), 'x').title).toBe('Sign-in timed out');
    expect(connectErrorMessage(err('platform_unavailable'), 'tiktok').title).toBe('TikTok could not be reached');
    expect(connectErrorMessage(err('platform_rejected'), 'x').title).toBe('X refused the request');
    expect(connectErrorMessage(err('database'), 'x').title).toBe('Connecting did not work');
  });
  it('offers the developer app setup only when the app is missing', () => {
    expect(connectErrorMessage(err('app_not_configured'), 'youtube')).toMatchObject({ title: 'Your YouTube developer app is not set up', setup: true });
    expect(connectErrorMessage(err('sign_in_failed'), 'youtube').setup).toBe(false);
  });
});

describe('checkMastodonServer', () => {
  it('accepts hosts, URLs and handles', () => {
    expect(checkMastodonServer('mastodon.social')).toEqual({ ok: true, value: 'mastodon.social' });
    expect(checkMastodonServer(' https://mastodon.social/ ')).toEqual({ ok: true, value: 'https://mastodon.social' });
    expect(checkMastodonServer('@ada@hachyderm.io')).toEqual({ ok: true, value: 'hachyderm.io' });
    expect(checkMastodonServer('http://localhost:3000')).toEqual({ ok: true, value: 'http://localhost:3000' });
  });
  it('refuses what is not a server', () => {
    expect(checkMastodonServer('').ok).toBe(false);
    expect(checkMastodonServer('mastodon').ok).toBe(false);
    expect(checkMastodonServer('mastodon social').ok).toBe(false);
    expect(checkMastodonServer('ftp://mastodon.social').ok).toBe(false);
    expect(checkMastodonServer('https://mastodon.social/@ada').ok).toBe(false);
  });
});

describe('checkBluesky', () => {
  const ok = { service: '', identifier: 'ada.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' };
  it('sends null for the default server and strips the @ of a handle', () => {
    expect(checkBluesky({ ...ok, identifier: '@ada.bsky.social ' })).toEqual({
      values: { service: null, identifier: 'ada.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
      errors: {},
    });
    expect(checkBluesky({ ...ok, service: 'pds.example.com' }).values?.service).toBe('https://pds.example.com');
    expect(checkBluesky({ ...ok, service: 'http://localhost:2583/' }).values?.service).toBe('http://localhost:2583');
  });
  it('refuses an account password and a bad server, field by field', () => {
    const { values, errors } = checkBluesky({ service: 'not a url', identifier: 'ada bsky', appPassword: 'correct horse battery' });
    expect(values).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['appPassword', 'identifier', 'service']);
    expect(errors.appPassword).toMatch(/never use your account password/);
    expect(checkBluesky({ ...ok, appPassword: '' }).errors.appPassword).toBe('Enter an app password.');
  });
});
