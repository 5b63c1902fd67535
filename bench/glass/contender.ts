/** One way of getting the camera's picture onto the viewer's screen, left streaming for a window. */
import type { Browser, Page } from '@playwright/test';
import type { Cleanup } from '../lib/cleanup.ts';
import type { StaticServer } from '../lib/static-server.ts';
import { openPage } from '../ttff/page-calls.ts';
import type { InitScripts } from './scripts.ts';

export const CONTENDERS = ['floor', 'peerjs', 'doorpeer'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

/** A stream that is up: the camera page paints frame codes, the viewer page reads them. The same page for the floor. */
export interface LiveStream {
  camera: Page;
  viewer: Page;
}

export interface ContenderEnv {
  /** Teardown for this contender alone: run before the next contender starts. */
  cleanup: Cleanup;
  signal: AbortSignal;
  /** The harness's own pages (floor, PeerJS). */
  pages: StaticServer;
  scripts: InitScripts;
  /** A new Chromium process with the fake camera; closed by `cleanup`. */
  launch(label: string): Promise<Browser>;
  /** Longest any one step of setting up may take. */
  timeoutMs: number;
}

export type StartContender = (env: ContenderEnv) => Promise<LiveStream>;

/** Opens `url` in a new page of `browser` with `scripts` installed before anything of the page runs. */
export function openWithScripts(browser: Browser, url: string, scripts: readonly string[]): Promise<Page> {
  return openPage(
    {
      async newPage() {
        const page = await browser.newPage();
        for (const content of scripts) await page.addInitScript({ content });
        return page;
      },
    },
    url,
  );
}
