/**
 * Updates and first-run onboarding: the facade over their generated commands, following `index.ts`
 * (results unwrapped into `AppError`, preview mode answers honestly).
 */
import { commands, events } from './bindings';
import type { OnboardingStatus, UpdateCheck, UpdateOutcome, UpdateProgress, UpdateStatus } from './bindings';
import { call, isPreview, PreviewModeError, toAppError } from './index';

export type { OnboardingStatus, UpdateCheck, UpdateOutcome, UpdateProgress, UpdateStatus };

async function listen(run: () => Promise<() => void>): Promise<() => void> {
  if (isPreview()) return () => {};
  try {
    return await run();
  } catch (error) {
    throw toAppError(error);
  }
}

export const updates = {
  async status(): Promise<UpdateStatus> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.updateStatus());
  },
  async setChecks(enabled: boolean): Promise<UpdateStatus> {
    return call(() => commands.setUpdateChecks(enabled));
  },
  async setEndpoint(endpoint: string | null): Promise<UpdateStatus> {
    return call(() => commands.setUpdateEndpoint(endpoint));
  },
  async check(): Promise<UpdateCheck> {
    return call(() => commands.checkForUpdate());
  },
  /** Downloads, verifies, installs and relaunches; a refusal comes back as the result. */
  async install(): Promise<UpdateCheck> {
    return call(() => commands.installUpdate());
  },
  async onProgress(handler: (p: UpdateProgress) => void): Promise<() => void> {
    return listen(() => events.updateProgress.listen((e) => handler(e.payload)));
  },
  /** An automatic check (at start or daily) finished. */
  async onChecked(handler: (c: UpdateCheck) => void): Promise<() => void> {
    return listen(() => events.updateChecked.listen((e) => handler(e.payload)));
  },
  /** Whether the first-run screen must show (cheap: asked at every start). */
  async onboardingNeeded(): Promise<boolean> {
    if (isPreview()) return false;
    return call(() => commands.onboardingNeeded());
  },
  /** What the first-run screen shows (checks the keychain: asked only when it is needed). */
  async onboardingStatus(): Promise<OnboardingStatus | null> {
    if (isPreview()) return null;
    return call(() => commands.onboardingStatus());
  },
  async finishOnboarding(updateChecks: boolean): Promise<OnboardingStatus> {
    return call(() => commands.finishOnboarding(updateChecks));
  },
};
