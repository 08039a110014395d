import type { AppError, DoctorReport, VaultBackend } from '$lib/ipc';

export type AboutState =
  | { kind: 'loading' }
  | { kind: 'preview' }
  | { kind: 'error'; error: AppError }
  | { kind: 'ready'; report: DoctorReport };

export function vaultBackendLabel(backend: VaultBackend | null): string {
  switch (backend) {
    case 'keychain':
      return 'System keychain';
    case 'passphrase':
      return 'Passphrase';
    case null:
      return 'Not set up yet';
  }
}

export type SchemaState = 'current' | 'behind' | 'ahead' | 'missing';

export function schemaState(report: Pick<DoctorReport, 'schema_version' | 'latest_schema_version'>): SchemaState {
  const { schema_version: have, latest_schema_version: known } = report;
  if (have === null) return 'missing';
  if (have === known) return 'current';
  return have < known ? 'behind' : 'ahead';
}

export function schemaLabel(report: Pick<DoctorReport, 'schema_version' | 'latest_schema_version'>): string {
  const known = `this build knows ${report.latest_schema_version}`;
  return report.schema_version === null ? `No database yet · ${known}` : `${report.schema_version} · ${known}`;
}
