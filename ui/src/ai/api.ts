/**
 * The AI assistant's door to the core: provider settings (the key is write-only), consent,
 * persona, the exact request before sending, the actions, test connection and the ledger.
 */
import { commands } from '$lib/ipc/bindings';
import type {
  AiAction,
  AiAnswer,
  AiAsk,
  AiConnectionTest,
  AiLedgerEntry,
  AiPersona,
  AiPrepared,
  AiPreset,
  AiSettingsInput,
  AiSettingsView,
  IpcError,
  Result,
} from '$lib/ipc/bindings';
import { callCore, isPreview, PreviewModeError } from '$lib/ipc';

export type {
  AiAction,
  AiAnswer,
  AiAsk,
  AiConnectionTest,
  AiLedgerEntry,
  AiPersona,
  AiPrepared,
  AiPreset,
  AiSettingsInput,
  AiSettingsView,
};

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  if (isPreview()) throw new PreviewModeError();
  return callCore(run);
}

export const ai = {
  presets: async (): Promise<AiPreset[]> => (isPreview() ? [] : commands.aiPresets()),
  settings: (): Promise<AiSettingsView> => call(() => commands.aiSettings()),
  save: (input: AiSettingsInput, apiKey: string | null): Promise<AiSettingsView> =>
    call(() => commands.aiSaveSettings(input, apiKey)),
  forgetKey: (): Promise<AiSettingsView> => call(() => commands.aiForgetApiKey()),
  consent: (granted: boolean, source: string): Promise<AiSettingsView> => call(() => commands.aiConsent(granted, source)),
  persona: (): Promise<AiPersona> => call(() => commands.aiPersona()),
  savePersona: (p: AiPersona): Promise<AiPersona> => call(() => commands.aiSavePersona(p)),
  prepare: (ask: AiAsk): Promise<AiPrepared> => call(() => commands.aiPrepare(ask)),
  run: (ask: AiAsk): Promise<AiAnswer> => call(() => commands.aiRun(ask)),
  test: (): Promise<AiConnectionTest> => call(() => commands.aiTestConnection()),
  ledger: (): Promise<AiLedgerEntry[]> => call(() => commands.aiLedger()),
  deleteLedger: (id: string | null): Promise<number> => call(() => commands.aiDeleteLedger(id)),
};

export const ACTION_LABEL: Record<AiAction, string> = {
  refine: 'Refine',
  expand: 'Expand into a post',
  repurpose: 'Repurpose for a platform',
  hashtags: 'Suggest hashtags',
  reply: 'Suggest a reply',
};

/** The body pretty-printed for reading (the exact bytes are shown too). */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body) as unknown, null, 2);
  } catch {
    return body;
  }
}

/** Lines, one per item; empty lines dropped. */
export function lines(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
