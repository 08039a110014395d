import { describe, expect, it } from 'vitest';
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

  it('has guidance for every code', () => {
    const codes = ['data_dir_unavailable', 'database_corrupt', 'database_too_new', 'database', 'vault_unavailable', 'vault_locked', 'vault', 'invalid_input', 'invalid_deep_link', 'not_found', 'core_unavailable', 'io'] as const;
    for (const code of codes) {
      const g = coreErrorGuidance(code);
      expect(g.title.length).toBeGreaterThan(0);
      expect(g.steps.length).toBeGreaterThan(0);
    }
  });
});
