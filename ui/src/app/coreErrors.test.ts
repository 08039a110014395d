import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$lib/ipc';
import { coreErrorGuidance } from './coreErrors';

describe('coreErrorGuidance', () => {
  it('reassures that nothing changed for a corrupt database and says what to do', () => {
    const g = coreErrorGuidance('database_corrupt');
    expect(g.steps.join(' ')).toMatch(/did not change anything/);
    expect(g.steps.join(' ')).toMatch(/backup/);
  });

  it('asks for a newer version when the database is too new', () => {
    expect(coreErrorGuidance('database_too_new').steps.join(' ')).toMatch(/latest version/);
  });

  it('says nothing changed for rejected imports and what to do instead', () => {
    expect(coreErrorGuidance('invalid_archive').steps.join(' ')).toMatch(/Nothing was changed/);
    expect(coreErrorGuidance('archive_too_new').steps.join(' ')).toMatch(/latest version/);
    expect(coreErrorGuidance('profile_not_empty').steps.join(' ')).toMatch(/Delete all my data/);
  });

  it('has guidance for every code', () => {
    for (const code of ERROR_CODES) {
      const g = coreErrorGuidance(code);
      expect(g.title.length).toBeGreaterThan(0);
      expect(g.steps.length).toBeGreaterThan(0);
    }
  });
});
