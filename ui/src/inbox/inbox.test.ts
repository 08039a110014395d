import { describe, expect, it } from 'vitest';
import { authorLine, correctionMessage, quotaLine, replyLength, step, toggled, triageKey } from './inbox';

const key = (k: string, extra: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...extra });

describe('inbox helpers', () => {
  it('maps j/k/e/r to triage actions, never while typing or with a modifier', () => {
    expect(triageKey(key('j'), false)).toBe('next');
    expect(triageKey(key('k'), false)).toBe('previous');
    expect(triageKey(key('e'), false)).toBe('done');
    expect(triageKey(key('r'), false)).toBe('reply');
    expect(triageKey(key('x'), false)).toBe('select');
    expect(triageKey(key('/'), false)).toBe('search');
    expect(triageKey(key('q'), false)).toBeNull();
    expect(triageKey(key('j'), true)).toBeNull();
    expect(triageKey(key('e', { ctrlKey: true }), false)).toBeNull();
  });

  it('steps through the list without wrapping', () => {
    expect(step(-1, 1, 3)).toBe(0);
    expect(step(0, 1, 3)).toBe(1);
    expect(step(2, 1, 3)).toBe(2);
    expect(step(0, -1, 3)).toBe(0);
    expect(step(0, 1, 0)).toBe(-1);
  });

  it('counts the reply as Mastodon does, the mention included', () => {
    expect(replyLength('@bob@b.example ', 'hi')).toBe(17);
    expect(replyLength('', '  héllo 👋 ')).toBe(7);
  });

  it('shows the author by name and handle', () => {
    expect(authorLine({ author_name: 'Bob', author_handle: 'bob@b.example' })).toBe('Bob · @bob@b.example');
    expect(authorLine({ author_name: 'bob', author_handle: 'bob' })).toBe('@bob');
    // X, Threads and YouTube handles carry their `@` already: never `@@`.
    expect(authorLine({ author_name: 'Ben', author_handle: '@ben.bakes' })).toBe('Ben · @ben.bakes');
    expect(authorLine({ author_name: '', author_handle: '@ben.bakes' })).toBe('@ben.bakes');
    // No handle on the platform: the name alone.
    expect(authorLine({ author_name: 'Ada Lovelace', author_handle: 'Ada Lovelace' })).toBe('Ada Lovelace');
    expect(authorLine({ author_name: '', author_handle: 'urn:li:person:abc' })).toBe('LinkedIn member');
    expect(authorLine({ author_name: 'Grace', author_handle: 'urn:li:person:abc' })).toBe('Grace');
  });

  it('toggles a selection without changing the one it was given', () => {
    const a = new Set(['1']);
    const b = toggled(a, '2');
    expect([...b].sort()).toEqual(['1', '2']);
    expect([...toggled(b, '1')]).toEqual(['2']);
    expect([...a]).toEqual(['1']);
  });

  it('says how many items with the same text took a correction', () => {
    expect(correctionMessage('negative', 0)).toBe('Labelled negative.');
    expect(correctionMessage('negative', 1)).toBe('Labelled negative, and 1 item with the same text.');
    expect(correctionMessage('positive', 3)).toBe('Labelled positive, and 3 items with the same text.');
  });
});

describe('avatars and reply windows', () => {
  it('takes up to two initials from a name, one from a handle', async () => {
    const { initials } = await import('./inbox');
    expect(initials('Alice Example')).toBe('AE');
    expect(initials('@alice.bakes')).toBe('A');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('')).toBe('?');
    expect(initials('  ')).toBe('?');
  });

  it('counts the window down in hours and minutes, then says it closed', async () => {
    const { replyWindow } = await import('./inbox');
    const now = 1_000_000_000_000;
    expect(replyWindow(null, now)).toBeNull();
    expect(replyWindow(now + (3 * 60 + 12) * 60000 + 5000, now)).toEqual({ open: true, label: 'Reply within 3 h 12 min' });
    expect(replyWindow(now + 59 * 60000, now)).toEqual({ open: true, label: 'Reply within 59 min' });
    expect(replyWindow(now + (6 * 1440 + 120) * 60000, now)).toEqual({ open: true, label: 'Reply within 6 d 2 h' });
    expect(replyWindow(now - 1, now)).toEqual({ open: false, label: 'Reply window closed' });
  });

  it('takes the window of the latest message the other person wrote', async () => {
    const { conversationReplyBy } = await import('./inbox');
    expect(conversationReplyBy({ reply_by: 5 }, [{ reply_by: 9, outbound: false }, { reply_by: 20, outbound: true }])).toBe(9);
    expect(conversationReplyBy({ reply_by: null }, [])).toBeNull();
  });
});

describe('Threads reply quota', () => {
  it('says N of M replies used today', () => {
    expect(quotaLine(12, 1000)).toEqual({ text: '12 of 1,000 replies used today', full: false });
  });
  it('says when the quota is used up', () => {
    const q = quotaLine(1000, 1000);
    expect(q.full).toBe(true);
    expect(q.text).toMatch(/^1,000 of 1,000 replies used today — /);
  });
});
