/**
 * Camera page: every event of the detection engine goes to the paired viewers
 * (`sender.ts`), and changed detection settings reach the running engine at once.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { DetectionSettingsStore } from '../camera/detection-settings.ts';
import type { DetectionEngine } from '../detection/engine.ts';
import type { Messenger } from '../messenger.ts';
import { AlertSender } from './sender.ts';

export function useAlertSender(
  messenger: Messenger,
  engine: DetectionEngine | null,
  settings: DetectionSettingsStore | null,
): void {
  const sender = useMemo(() => new AlertSender(messenger), [messenger]);
  useEffect(() => () => sender.dispose(), [sender]);
  useEffect(() => engine?.onEvent((e) => void sender.send(e)), [engine, sender]);
  useEffect(() => {
    if (!engine || !settings) return;
    return settings.on('changed', (s) => engine.updateSettings(s));
  }, [engine, settings]);
}
