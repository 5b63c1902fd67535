/**
 * German in the browser tests (issue 14), read from the same compiled catalogs the app
 * loads, so a test names a message by its English source and asserts its German:
 *
 *   await expect(page.getByText(de('Pair a viewer'))).toBeVisible();
 *   expect(await englishLeftovers(page)).toEqual([]);   // no English sentence on a German screen
 *   await checkScreens(page, testInfo, 'camera-pairing'); // 360x740 + 1280x800 shots, no overflow
 */
import { expect, type Page, type TestInfo } from '@playwright/test';
import { setupI18n } from '@lingui/core';
import { messages as deMessages } from '../../../src/i18n/locales/de.ts';
import { messages as enMessages } from '../../../src/i18n/locales/en.ts';

const german = setupI18n({ locale: 'de', messages: { de: deMessages } });

/** The German of an English source message, with its values. */
export function de(english: string, values?: Record<string, unknown>): string {
  if (!(english in deMessages)) throw new Error(`not a catalog message: ${english}`);
  return german._(english, values);
}

/**
 * English messages that would give themselves away on a German screen: whole phrases (two
 * words or more, no placeholders) whose German is different.
 */
const englishPhrases: string[] = Object.keys(enMessages).filter(
  (id) => !id.includes('{') && /[A-Za-z]{2,} [A-Za-z]{2,}/.test(id) && german._(id) !== id,
);

/** English phrases from the catalog shown on the page, in its text or its accessible names and hints. */
export async function englishLeftovers(page: Page): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    }
    return parts.join('\n');
  });
  return englishPhrases.filter((phrase) => shown.includes(phrase));
}

export const SCREEN_SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

/** Labelled controls whose text runs past their box (`scrollWidth > clientWidth`); visually hidden ones (1 px wide, for screen readers) aside. */
export function overflowingControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, [role="button"], a, select, summary, label, h1, h2')]
      .filter((el) => el.offsetParent !== null && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 60)}"`),
  );
}

/**
 * Screenshots of the page at a phone's and a desktop's size (kept as test artifacts), and
 * no labelled control overflowing its box at either; the viewport is put back after.
 */
export async function checkScreens(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    const file = testInfo.outputPath(`${name}-${size.width}x${size.height}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`${name}-${size.width}x${size.height}`, { path: file, contentType: 'image/png' });
    expect(
      await overflowingControls(page),
      `${name} at ${size.width}x${size.height}: text overflows`,
    ).toEqual([]);
  }
  if (before) await page.setViewportSize(before);
}
