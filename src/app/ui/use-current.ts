import { useEffect, useState } from 'preact/hooks';

/**
 * Like `useSubscribed`, but reads again when it subscribes: a value that changed between the
 * render and the subscription (an IndexedDB load finishing meanwhile) is not missed.
 */
export function useCurrent<T>(
  subscribe: (onChange: () => void) => () => void,
  read: () => T,
  deps: unknown[],
): T {
  const [, setTick] = useState(0);
  useEffect(() => {
    const off = subscribe(() => setTick((n) => n + 1));
    setTick((n) => n + 1);
    return off;
  }, deps);
  return read();
}
