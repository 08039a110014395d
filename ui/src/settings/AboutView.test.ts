import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { AppError, type DoctorReport } from '$lib/ipc';
import AboutView from './AboutView.svelte';
import { schemaLabel, schemaState, vaultBackendLabel } from './about';

const report: DoctorReport = {
  version: '0.1.0',
  data_dir: '/home/ada/.local/share/app.outpost.desktop',
  database_file: '/home/ada/.local/share/app.outpost.desktop/outpost.sqlite',
  schema_version: 2,
  latest_schema_version: 3,
  vault_backend: 'keychain',
  keychain_available: true,
  vault_detail: 'Secret Service (gnome-keyring)',
  log_dir: '/home/ada/.local/share/app.outpost.desktop/logs',
  rendering: 'compositing off: no GPU render node in /dev/dri, so OpenGL would be software',
  problems: [],
};

describe('AboutView', () => {
  it('shows every value of the report under its test id', () => {
    render(AboutView, { view: { kind: 'ready', report } });
    expect(screen.getByTestId('about-version')).toHaveTextContent('0.1.0');
    expect(screen.getByTestId('about-data-dir')).toHaveTextContent(report.data_dir);
    expect(screen.getByTestId('about-schema-version')).toHaveTextContent('2 · this build knows 3');
    expect(screen.getByTestId('about-vault-backend')).toHaveTextContent('System keychain');
    expect(screen.getByTestId('about-vault-backend')).toHaveAttribute('data-value', 'keychain');
    expect(screen.getByTestId('about-keychain')).toHaveTextContent('Available');
    expect(screen.getByTestId('about-log-dir')).toHaveTextContent(report.log_dir);
    expect(screen.getByTestId('about-rendering')).toHaveTextContent(report.rendering);
    expect(screen.getByText('Will be upgraded')).toBeInTheDocument();
    expect(screen.queryByTestId('about-problems')).toBeNull();
    expect(screen.getByText(/No problems found/)).toBeInTheDocument();
  });

  it('lists problems only when there are some', () => {
    render(AboutView, {
      view: {
        kind: 'ready',
        report: { ...report, keychain_available: false, vault_backend: null, problems: ['No keychain found', 'Log dir not writable'] },
      },
    });
    const problems = screen.getByTestId('about-problems');
    expect(problems).toHaveTextContent('2 problems found');
    expect(problems).toHaveTextContent('No keychain found');
    expect(problems).toHaveTextContent('Log dir not writable');
    expect(screen.getByTestId('about-keychain')).toHaveTextContent('Not available');
    expect(screen.getByTestId('about-vault-backend')).toHaveTextContent('Not set up yet');
  });

  it('reveals the data directory and copies paths', async () => {
    const user = userEvent.setup();
    const onreveal = vi.fn(async () => {});
    render(AboutView, { view: { kind: 'ready', report }, onreveal });
    await user.click(screen.getByRole('button', { name: 'Reveal in file manager' }));
    expect(onreveal).toHaveBeenCalledOnce();

    await user.click(screen.getByRole('button', { name: 'Copy data directory path' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(report.data_dir);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('says so in preview mode instead of inventing values', () => {
    render(AboutView, { view: { kind: 'preview' } });
    expect(screen.getByText('Preview mode — run the desktop app to see real values')).toBeInTheDocument();
    expect(screen.queryByTestId('about-version')).toBeNull();
  });

  it('shows an error with its code and offers a retry', async () => {
    const onretry = vi.fn();
    render(AboutView, { view: { kind: 'error', error: new AppError('database', 'locked by another process') }, onretry });
    expect(screen.getByRole('alert')).toHaveTextContent('locked by another process');
    expect(screen.getByRole('alert')).toHaveTextContent('(database)');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onretry).toHaveBeenCalled();
  });
});

describe('about helpers', () => {
  it('labels the schema state', () => {
    expect(schemaState({ schema_version: 3, latest_schema_version: 3 })).toBe('current');
    expect(schemaState({ schema_version: 1, latest_schema_version: 3 })).toBe('behind');
    expect(schemaState({ schema_version: 4, latest_schema_version: 3 })).toBe('ahead');
    expect(schemaState({ schema_version: null, latest_schema_version: 3 })).toBe('missing');
    expect(schemaLabel({ schema_version: null, latest_schema_version: 3 })).toBe('No database yet · this build knows 3');
    expect(vaultBackendLabel('passphrase')).toBe('Passphrase');
  });
});
