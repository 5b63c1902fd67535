/**
 * Viewer: one camera setting edited from afar (detection zones and masks, clip
 * recording). Asks the camera for the current value, keeps local edits until
 * saved, and follows the camera's answer; a camera that refuses (`manage-denied`)
 * leaves `denied` set.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SessionMessage } from '../../shared/session.ts';
import { useDevice } from './hooks.ts';

/** How often an unanswered camera is asked again for the setting. */
const ASK_AGAIN_MS = 3000;

export type EditPhase = 'loading' | 'editing' | 'saving' | 'saved';

export interface RemoteSettingSpec<S> {
  get: SessionMessage;
  set(value: S): SessionMessage;
  /** The camera's answer carrying the value, if `msg` is one. */
  state(msg: SessionMessage): S | null;
}

export interface RemoteSetting<S> {
  value: S | null;
  phase: EditPhase;
  denied: boolean;
  edit(next: S): void;
  save(value: S): void;
}

export function useRemoteSetting<S>(cameraId: string, spec: RemoteSettingSpec<S>): RemoteSetting<S> {
  const { messenger } = useDevice();
  const [value, setValue] = useState<S | null>(null);
  const [phase, setPhase] = useState<EditPhase>('loading');
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    // Asked again until it answers: a camera that is reloading or offline misses the question.
    let answered = false;
    const off = messenger.on('message', (from, msg) => {
      if (from.deviceId !== cameraId) return;
      const v = spec.state(msg);
      if (v !== null) {
        answered = true;
        setValue(v);
        setPhase('saved');
      }
      if (msg.k === 'manage-denied') {
        answered = true;
        setDenied(true);
      }
    });
    const ask = () => !answered && void messenger.send(cameraId, spec.get).catch(() => undefined);
    ask();
    const timer = setInterval(ask, ASK_AGAIN_MS);
    return () => {
      off();
      clearInterval(timer);
    };
    // `spec` is a constant per editor.
  }, [messenger, cameraId]);
  return {
    value,
    phase,
    denied,
    edit: (next) => {
      setValue(next);
      setPhase('editing');
    },
    save: (v) => {
      setPhase('saving');
      // Not sent (relay offline): left to save again.
      void messenger.send(cameraId, spec.set(v)).then((sent) => !sent && setPhase('editing'));
    },
  };
}
