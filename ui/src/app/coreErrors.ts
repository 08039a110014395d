/**
 * What to tell the user when the core could not open, per error code.
 */
import type { ErrorCode } from '$lib/ipc';

export interface CoreErrorGuidance {
  title: string;
  /** What to do next, in plain words. */
  steps: string[];
}

export function coreErrorGuidance(code: ErrorCode): CoreErrorGuidance {
  switch (code) {
    case 'database_corrupt':
      return {
        title: 'Your Outpost database could not be read',
        steps: [
          'Outpost did not change anything. Your file is exactly as it was.',
          'Quit Outpost, move the database file aside (or restore it from a backup), then open Outpost again.',
          'If you moved it aside, Outpost starts with an empty database; your old file stays where you put it.',
        ],
      };
    case 'database_too_new':
      return {
        title: 'This database was written by a newer Outpost',
        steps: [
          'Outpost did not change anything, so the newer version can still open it.',
          'Install the latest version of Outpost, then open it again.',
        ],
      };
    case 'database':
      return {
        title: 'Outpost could not open its database',
        steps: [
          'Check that the disk is not full and that the data directory is writable.',
          'Make sure no other copy of Outpost or the outpost command line is holding the database, then try again.',
        ],
      };
    case 'data_dir_unavailable':
      return {
        title: 'Outpost cannot use its data directory',
        steps: [
          'Check that the folder exists, is on a mounted disk, and that your user can write to it.',
          'If you set OUTPOST_DATA_DIR or --data-dir, check that it points to the folder you meant.',
        ],
      };
    case 'vault_unavailable':
      return {
        title: 'The secure vault is not available',
        steps: [
          'Outpost keeps its master key in your system keychain, and could not reach it.',
          'Unlock or start your keychain (for example GNOME Keyring or KWallet), then open Outpost again.',
          'On a machine without a keychain, set OUTPOST_VAULT_PASSPHRASE to use passphrase mode.',
        ],
      };
    case 'vault_locked':
      return {
        title: 'The secure vault is locked',
        steps: [
          'Unlock your system keychain, or provide the vault passphrase, then open Outpost again.',
          'Nothing was written while the vault was locked.',
        ],
      };
    case 'vault':
      return {
        title: 'The secure vault could not be opened',
        steps: [
          'Your tokens stay encrypted; Outpost did not fall back to storing anything in plain text.',
          'Check the log directory for details, then try again.',
        ],
      };
    case 'io':
      return {
        title: 'Outpost could not read or write a file',
        steps: ['Check free disk space and the permissions of the data directory, then try again.'],
      };
    case 'invalid_archive':
      return {
        title: 'The archive could not be imported',
        steps: [
          'Nothing was changed: an import either completes or leaves Outpost exactly as it was.',
          'Check that the file is a .zip made by Outpost’s Export and that it was copied completely, then try again.',
        ],
      };
    case 'archive_too_new':
      return {
        title: 'This archive was made by a newer Outpost',
        steps: [
          'Nothing was changed, and the archive itself is fine.',
          'Install the latest version of Outpost, then import the archive again.',
        ],
      };
    case 'profile_not_empty':
      return {
        title: 'Import needs an empty profile',
        steps: [
          'Nothing was changed. Import never mixes an archive into data you already have.',
          'Export what you want to keep, then use Settings → Privacy & data → Delete all my data, or start Outpost with an empty data directory (--data-dir), and import again.',
        ],
      };
    case 'invalid_input':
    case 'invalid_deep_link':
    case 'not_found':
    case 'core_unavailable':
    // Sign-in and platform codes never stop the core from opening; listed so the switch stays exhaustive.
    case 'app_not_configured':
    case 'sign_in_failed':
    case 'sign_in_cancelled':
    case 'sign_in_timed_out':
    case 'platform_unavailable':
    case 'reconnect_needed':
    case 'platform_rejected':
    case 'scheduler_busy':
    case 'approval_refused':
    case 'ai_not_configured':
    case 'ai_consent_required':
    case 'ai_unauthorized':
    case 'ai_rate_limited':
    case 'ai_unavailable':
    case 'ai_bad_answer':
    case 'ai_cancelled':
      return {
        title: 'Outpost could not start',
        steps: ['Quit and open Outpost again. If this keeps happening, the log directory has the details.'],
      };
  }
}

/** A human name for an error code, shown next to the code itself. */
export function errorCodeLabel(code: ErrorCode): string {
  return code.replace(/_/g, ' ');
}
