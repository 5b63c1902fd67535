/**
 * Calls into the benchmark pages by expression string (see `pages/api.ts` for
 * why not functions) and turns page failures into typed errors.
 */
import type { Page } from '@playwright/test';
import { BenchError } from '../lib/errors.ts';

/** Node-side margin over the page's own timeout, for a page that hangs outright. */
const GUARD_MS = 10_000;

/** Opens `url` and remembers the page's last uncaught error, to explain a later failure. */
export async function openPage(browser: { newPage(): Promise<Page> }, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => {
    lastErrors.set(page, err.message);
  });
  await page.goto(url);
  return page;
}

const lastErrors = new WeakMap<Page, string>();

/** Waits for `window.<api>` to exist and its `ready` promise to settle. */
export async function waitReady(page: Page, api: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(`window.${api} !== undefined`, undefined, { timeout: timeoutMs });
  } catch (err) {
    const pageError = lastErrors.get(page);
    throw new BenchError('PAGE_FAILED', `window.${api} never appeared${pageError ? ` (${pageError})` : ''}`, {
      cause: err,
    });
  }
  await call(page, `window.${api}.ready.then(() => 0)`, timeoutMs);
}

/** Evaluates `expression` in the page and checks that it produced a plausible duration in ms. */
export async function measureIn(page: Page, expression: string, timeoutMs: number): Promise<number> {
  const ms = await call(page, expression, timeoutMs);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new BenchError('PAGE_FAILED', `${expression} returned ${JSON.stringify(ms)}, not a duration`);
  }
  return ms;
}

export async function call(page: Page, expression: string, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new BenchError('TIMEOUT', `page did not answer ${expression} in ${timeoutMs + GUARD_MS} ms`)),
      timeoutMs + GUARD_MS,
    );
  });
  try {
    return await Promise.race([page.evaluate(expression), guard]);
  } catch (err) {
    if (err instanceof BenchError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const pageError = lastErrors.get(page);
    const detail = pageError ? ` (last page error: ${pageError})` : '';
    const code = message.includes('TIMEOUT:') ? 'TIMEOUT' : 'PAGE_FAILED';
    throw new BenchError(code, `${message.split('\n')[0]}${detail}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
