/**
 * What the browser can tell a camera about its device (issue 15), each where the
 * browser has it and "unknown" (null) where it does not: battery (Battery Status
 * API), CPU pressure (Compute Pressure API), network type, free storage. Side
 * effects only; `camera-health.ts` turns them into reports.
 */
import type { PressureState } from '../../shared/health-messages.ts';

export interface BatteryReading {
  level: number | null;
  charging: boolean | null;
}

interface BatteryLike extends EventTarget {
  level: number;
  charging: boolean;
}

/** Calls `onChange` with the battery now and on every change until `signal` aborts. */
export async function watchBattery(
  signal: AbortSignal,
  onChange: (b: BatteryReading) => void,
): Promise<void> {
  const nav = navigator as Navigator & { getBattery?: () => Promise<BatteryLike> };
  if (typeof nav.getBattery !== 'function') return onChange({ level: null, charging: null });
  let battery: BatteryLike;
  try {
    battery = await nav.getBattery();
  } catch {
    return onChange({ level: null, charging: null });
  }
  const read = () => onChange({ level: battery.level, charging: battery.charging });
  read();
  for (const e of ['levelchange', 'chargingchange']) battery.addEventListener(e, read, { signal });
}

interface PressureRecordLike {
  state: PressureState;
}
type PressureObserverCtor = new (cb: (records: PressureRecordLike[]) => void) => {
  observe(source: 'cpu', opts?: { sampleInterval?: number }): Promise<void>;
  disconnect(): void;
};

/** CPU pressure from `PressureObserver` where the browser has it; `unknown` otherwise. */
export function watchPressure(signal: AbortSignal, onChange: (p: PressureState) => void): void {
  const Ctor = (globalThis as { PressureObserver?: PressureObserverCtor }).PressureObserver;
  if (!Ctor) return onChange('unknown');
  const observer = new Ctor((records) => {
    const last = records[records.length - 1];
    if (last) onChange(last.state);
  });
  observer.observe('cpu', { sampleInterval: 2000 }).catch(() => onChange('unknown'));
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
}

/** `wifi`, `cellular`, `4g`... where the browser says (Network Information API), else null. */
export function networkType(): string | null {
  const c = (navigator as Navigator & { connection?: { type?: string; effectiveType?: string } }).connection;
  return (c?.type && c.type !== 'unknown' ? c.type : c?.effectiveType)?.slice(0, 24) ?? null;
}

/** What the browser still lets this origin store, or null where it does not say. */
export async function storageFree(): Promise<number | null> {
  try {
    const e = await navigator.storage?.estimate?.();
    if (!e || e.quota === undefined) return null;
    return Math.max(0, e.quota - (e.usage ?? 0));
  } catch {
    return null;
  }
}
