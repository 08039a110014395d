// Helpers of the specs that drive the composer and wait for the platforms (publishing options, #15).
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns something truthy (returned), or fails after `timeout` ms. */
export async function until(what, check, timeout = 30_000) {
  for (const deadline = Date.now() + timeout; ; ) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

/** Sets a text field as a user typing does (input, then change when it loses focus). */
export async function fill(app, testId, text) {
  await app.waitFor(testId);
  await app.script(
    `const el = document.querySelector('[data-testid="${testId}"]');
     el.focus(); el.value = arguments[0];
     el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
    text,
  );
}

/** Turns the composer's channel chips on or off: `{ platform: true|false }`. */
export async function setChips(app, want) {
  for (const [platform, on] of Object.entries(want)) {
    await until(
      `the ${platform} chip ${on ? 'on' : 'off'}`,
      () =>
        app.script(
          `const c = document.querySelector('[data-testid="channel-chip"][data-platform="${platform}"]');
           if (!c) return false;
           if (c.getAttribute('aria-pressed') !== arguments[0]) c.click();
           return c.getAttribute('aria-pressed') === arguments[0];`,
          String(on),
        ),
      20_000,
    );
  }
}

/** Opens a platform's tab in the composer and waits for its options panel. */
export async function openTab(app, platform) {
  await until(
    `the ${platform} tab`,
    () => app.script(`const t = document.querySelector('[data-testid="variant-tab"][data-platform="${platform}"]'); if (!t) return false; t.click(); return true;`),
    20_000,
  );
  await app.waitFor(`target-options-${platform}`);
}

/** Chooses "Now" and submits the composer. */
export async function publishNow(app) {
  await app.script(`document.querySelector('input[name="when"][value="now"]').click()`);
  await app.waitForText('composer-submit', (t) => t.includes('Publish now'));
  await app.click('composer-submit');
}
