import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Device } from '../device.ts';

export const DeviceContext = createContext<Device | null>(null);

export function useDevice(): Device {
  const d = useContext(DeviceContext);
  if (!d) throw new Error('DeviceContext missing');
  return d;
}

/** The part of the URL after `#`, e.g. `/viewer/live/abc`. */
export function useHashRoute(): string {
  const read = () => location.hash.replace(/^#/, '') || '/';
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function navigate(route: string): void {
  location.hash = `#${route}`;
}

/**
 * Re-renders whenever `subscribe` reports a change; returns `read()`.
 *
 * Effects run after the browser has painted, so a change that happens between this
 * render and the subscription would never be reported (a relay badge stuck at
 * "connecting" although the device is online). Right after subscribing, the value is
 * read again and compared with what was rendered.
 */
export function useSubscribed<T>(
  subscribe: (onChange: () => void) => () => void,
  read: () => T,
  deps: unknown[],
): T {
  const [, setTick] = useState(0);
  const value = read();
  const rendered = useRef(value);
  rendered.current = value;
  useEffect(() => {
    const rerender = () => setTick((n) => n + 1);
    const unsubscribe = subscribe(rerender);
    if (!Object.is(read(), rendered.current)) rerender();
    return unsubscribe;
  }, deps);
  return value;
}

/** Re-render every `ms` (for "since 2 min" labels and countdowns). */
export function useTicker(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
