import { useEffect, useMemo } from 'preact/hooks';
import { TalkSender } from '../viewer/talk.ts';
import type { LiveSession, LiveState } from '../viewer/live-session.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { useDevice, useSubscribed } from './hooks.ts';
import { QuickReplies } from './QuickReplies.tsx';
import { i18n } from '../../i18n/i18n.ts';

/** The live view's doorbell controls: talk-back and quick replies, which share one talk sender. */
export function DoorControls({
  cameraId,
  session,
  live,
}: {
  cameraId: string;
  session: LiveSession | null;
  live: LiveState;
}) {
  const device = useDevice();
  const talk = useMemo(
    () => new TalkSender(device.messenger, cameraId, () => session?.peerConnection ?? null),
    [device, cameraId, session],
  );
  useEffect(() => () => talk.dispose(), [talk]);
  return (
    <>
      <TalkControls talk={talk} live={live} />
      <QuickReplies cameraId={cameraId} talk={talk} live={live} />
    </>
  );
}

/**
 * Talk to the door: hold the button (push-to-talk, by pointer or Space/Enter),
 * or tick "keep talking" (toggle). The camera plays it only if this device may talk.
 */
function TalkControls({ talk, live }: { talk: TalkSender; live: LiveState }) {
  const state = useSubscribed(
    (f) => talk.on('state', f),
    () => talk.state,
    [talk],
  );
  // A dropped connection ends talking (the next connection starts silent).
  useEffect(() => {
    if (live !== 'live') talk.stop();
  }, [live, talk]);
  const on = state !== 'off';
  const press = () => void talk.start();
  const release = () => talk.stop();
  return (
    <div class="talk">
      <button
        type="button"
        class={`talk-button${on ? ' talking' : ''}`}
        data-testid="talk"
        data-state={state}
        aria-pressed={on}
        disabled={live !== 'live'}
        onPointerDown={(e) => {
          (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
          press();
        }}
        onPointerUp={release}
        onPointerCancel={release}
        onKeyDown={(e) => {
          if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
            e.preventDefault();
            press();
          }
        }}
        onKeyUp={(e) => {
          if (e.key === ' ' || e.key === 'Enter') release();
        }}
      >
        🎙 {on ? i18n._('Talking…') : i18n._('Hold to talk')}
      </button>
      <label>
        <input
          type="checkbox"
          data-testid="talk-toggle"
          checked={on}
          disabled={live !== 'live'}
          onChange={(e) => ((e.target as HTMLInputElement).checked ? press() : release())}
        />{' '}
        {i18n._('Keep talking')}
      </label>
      {talk.problem ? <ErrorBox code={talk.problem} /> : null}
    </div>
  );
}
