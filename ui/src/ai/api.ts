/**
 * The AI assistant's door to the core: provider settings (the key is write-only), consent,
 * persona, the exact request before sending, the actions, test connection and the ledger.
 */
import { commands, events } from '$lib/ipc/bindings';
import type {
  AiAction,
  AiAnswer,
  AiAsk,
  AiConnectionTest,
  AiImageAnswer,
  AiImageAsk,
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
  AiImageAnswer,
  AiImageAsk,
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
  /** Runs `ask` with the answer streamed: `onpiece` gets each piece as it arrives. */
  runStream: async (ask: AiAsk, runId: string, onpiece: (text: string) => void): Promise<AiAnswer> => {
    if (isPreview()) throw new PreviewModeError();
    const unlisten = await events.aiStreamDelta.listen((e) => {
      if (e.payload.run_id === runId) onpiece(e.payload.text);
    });
    try {
      return await callCore(() => commands.aiRunStream({ ...ask, stream: true }, runId));
    } finally {
      unlisten();
    }
  },
  /** Stops a streamed run (nothing changes in the draft). */
  cancel: async (runId: string): Promise<boolean> => (isPreview() ? false : commands.aiCancel(runId)),
  prepareImage: (ask: AiImageAsk): Promise<AiPrepared> => call(() => commands.aiPrepareImage(ask)),
  generateImage: (ask: AiImageAsk): Promise<AiImageAnswer> => call(() => commands.aiGenerateImage(ask)),
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
  sentiment: 'Label the sentiment',
  template: 'Make a template with {{variables}}',
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
