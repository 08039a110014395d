import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { OnboardingStatus } from '$lib/ipc/updates';

const finished = vi.hoisted(() => ({ calls: [] as boolean[] }));
vi.mock('$lib/ipc/updates', () => ({
  updates: {
    finishOnboarding: async (checks: boolean) => {
      finished.calls.push(checks);
      return {};
    },
  },
}));

import Onboarding from './Onboarding.svelte';

const base: OnboardingStatus = {
  needed: true,
  statement_changed: false,
  statement_version: '2026-12-07',
  statement: ['Outpost runs on this computer.', 'No telemetry.'],
  data_dir: '/home/u/.local/share/outpost',
  keychain_available: false,
  vault_backend: null,
  channels_connected: 0,
  update_checks: null,
};

describe('Onboarding', () => {
  it('explains passphrase mode when no keychain answered, and records the update-check choice', async () => {
    const user = userEvent.setup();
    const ondone = vi.fn();
    render(Onboarding, { status: base, ondone });
    expect(screen.getByTestId('onboarding-data-dir')).toHaveTextContent('/home/u/.local/share/outpost');
    await user.click(screen.getByTestId('onboarding-next'));
    expect(screen.getByTestId('onboarding-keychain')).toHaveAttribute('data-available', 'false');
    expect(screen.getByTestId('onboarding')).toHaveTextContent('OUTPOST_VAULT_PASSPHRASE');
    await user.click(screen.getByTestId('onboarding-next'));
    expect(screen.getByTestId('privacy-statement')).toHaveTextContent('No telemetry.');
    await user.click(screen.getByTestId('onboarding-update-checks'));
    await user.click(screen.getByTestId('onboarding-accept'));
    expect(await screen.findByTestId('onboarding-connect')).toBeInTheDocument();
    expect(finished.calls).toEqual([true]);
    await user.click(screen.getByTestId('onboarding-later'));
    expect(ondone).toHaveBeenCalled();
  });

  it('opens on the statement when it changed, and closes once it is acknowledged', async () => {
    const user = userEvent.setup();
    const ondone = vi.fn();
    finished.calls = [];
    render(Onboarding, { status: { ...base, statement_changed: true }, ondone });
    expect(screen.getByTestId('onboarding-changed')).toBeInTheDocument();
    await user.click(screen.getByTestId('onboarding-accept'));
    await vi.waitFor(() => expect(ondone).toHaveBeenCalled());
    expect(finished.calls).toEqual([false]);
  });
});
