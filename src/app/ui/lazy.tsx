import { useEffect, useState } from 'preact/hooks';
import type { ComponentType, FunctionComponent } from 'preact';
import { i18n } from '../../i18n/i18n.ts';

/**
 * A screen or panel kept out of the first load (issue 16): its module is fetched the first
 * time it renders, or earlier by `prefetch()` (called when the browser is idle, so a tap
 * seldom waits). Until then it shows a short "Loading…"; if the chunk cannot be fetched
 * (offline, a new version deployed meanwhile) it says so and offers a reload. A quiet
 * one shows nothing meanwhile (`LazyOptions`).
 */
export interface LazyComponent<P> {
  Component: FunctionComponent<P>;
  prefetch(): Promise<unknown>;
}

export interface LazyOptions {
  /**
   * A panel beside the screen's point (an event list, a health badge): nothing is shown
   * until it is there, and nothing if it cannot be loaded (the app says that once, `App`).
   */
  quiet?: boolean;
}

export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  { quiet = false }: LazyOptions = {},
): LazyComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const fetchOnce = (): Promise<ComponentType<P>> => {
    pending ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        pending = undefined; // a later render may try again
        throw e;
      },
    );
    return pending;
  };
  function Lazy(props: P) {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      fetchOnce().then(
        () => live && setReady((n) => n + 1),
        () => live && setFailed(true),
      );
      return () => void (live = false);
    }, []);
    const Loaded = loaded;
    if (Loaded) return <Loaded {...props} />;
    if (quiet) return null;
    if (failed) return <LoadFailed />;
    return (
      <p class="fine" aria-busy="true">
        {i18n._('Loading…')}
      </p>
    );
  }
  return { Component: Lazy, prefetch: () => fetchOnce().catch(() => undefined) };
}

/** A part of the app that could not be fetched (offline, a new version deployed meanwhile). */
export function LoadFailed() {
  return (
    <p class="lazy-failed" role="alert" data-testid="lazy-failed">
      {i18n._('This part of Doorpeer could not be loaded. Check the connection to your relay, then reload.')}{' '}
      <button type="button" onClick={() => location.reload()}>
        {i18n._('Reload')}
      </button>
    </p>
  );
}

/** Runs `work` when the browser is idle (or after a short while where there is no `requestIdleCallback`). */
export function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(work, { timeout: 3000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(work, 500);
  return () => clearTimeout(id);
}
