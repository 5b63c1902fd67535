import { useEffect, useState } from 'preact/hooks';
import type { DoorStation } from '../doorbell/door-station.ts';
import type { DoorState } from '../doorbell/ring-machine.ts';
import { getSetting, setSetting } from '../db.ts';
import { useDevice, useSubscribed } from './hooks.ts';
import { useCurrent } from './use-current.ts';

const STATUS: Record<DoorState['phase'], string> = {
  idle: 'Press the button to ring',
  ringing: 'Ringing…',
  answered: 'is answering',
  'no-answer': 'No answer. Please try again later.',
};

/**
 * The camera as a door station: a switch on the camera page, and when on, a
 * full-screen view for visitors with one large ring button and plain feedback.
 * Whoever talks through the door is always shown, in either mode.
 */
export function DoorbellLayer({ door }: { door: DoorStation }) {
  const device = useDevice();
  const [mode, setMode] = useState(false);
  useEffect(() => {
    void getSetting(device.db, 'doorbellMode').then((m) => setMode(!!m));
  }, [device]);
  const toggle = (on: boolean) => {
    setMode(on);
    void setSetting(device.db, 'doorbellMode', on);
    if (on) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };
  return (
    <>
      <button type="button" data-testid="doorbell-mode" aria-pressed={mode} onClick={() => toggle(!mode)}>
        {mode ? 'Leave door station' : 'Use as door station (ring button for visitors)'}
      </button>
      {mode ? <StationView door={door} onExit={() => toggle(false)} /> : <TalkingIndicator door={door} />}
    </>
  );
}

function StationView({ door, onExit }: { door: DoorStation; onExit: () => void }) {
  const state = useSubscribed(
    (f) => door.on('state', f),
    () => door.state,
    [door],
  );
  const reply = useSubscribed(
    (f) => door.on('reply', f),
    () => door.reply,
    [door],
  );
  const recording = useSubscribed(
    (f) => door.on('recording', f),
    () => door.recording,
    [door],
  );
  const pending = useCurrent(
    (f) => door.outbox.on('changed', f),
    () => door.outbox.list(),
    [door],
  );
  const status = state.phase === 'answered' ? `${state.owner.name} ${STATUS.answered}` : STATUS[state.phase];
  return (
    <div class="door-station" data-testid="door-station" data-pending-messages={pending.length}>
      <p
        class="door-status"
        data-testid="door-status"
        data-state={state.phase}
        role="status"
        aria-live="assertive"
      >
        {status}
      </p>
      <button
        type="button"
        class="ring-button"
        data-testid="ring-button"
        aria-label="Ring the doorbell"
        disabled={state.phase === 'ringing'}
        onClick={() => door.ring()}
      >
        🔔 Ring
      </button>
      <TalkingIndicator door={door} />
      {state.phase === 'no-answer' || recording.state !== 'idle' ? <LeaveMessage door={door} /> : null}
      {reply ? (
        <p class="door-reply" data-testid="door-quick-reply" role="status" aria-live="assertive">
          “{reply.text}”
        </p>
      ) : null}
      <button type="button" class="link door-exit" data-testid="doorbell-exit" onClick={onExit}>
        Camera settings
      </button>
    </div>
  );
}

/** "<viewer> is talking", shown whenever a viewer's voice plays here. */
function TalkingIndicator({ door }: { door: DoorStation }) {
  const talkers = useSubscribed(
    (f) => door.on('talkers', f),
    () => door.talk.talkers(),
    [door],
  );
  if (talkers.length === 0) return null;
  return (
    <p class="talking" data-testid="talking-indicator" role="status" aria-live="assertive">
      🔊 {talkers.map((t) => t.name).join(', ')} {talkers.length === 1 ? 'is' : 'are'} talking
    </p>
  );
}

/** After no answer: the visitor may leave a short video message, kept here until the owner's devices have it. */
function LeaveMessage({ door }: { door: DoorStation }) {
  const rec = useSubscribed(
    (f) => door.on('recording', f),
    () => door.recording,
    [door],
  );
  switch (rec.state) {
    case 'idle':
      return (
        <button type="button" class="primary" data-testid="leave-message" onClick={() => door.leaveMessage()}>
          Leave a video message
        </button>
      );
    case 'recording':
      return (
        <div data-testid="message-recording" data-ms={rec.ms} role="status">
          <p>● Recording… {Math.floor(rec.ms / 1000)} s</p>
          <button type="button" data-testid="stop-message" onClick={() => door.finishMessage()}>
            Done
          </button>
        </div>
      );
    case 'saved':
      return (
        <p data-testid="message-status" data-state="saved" role="status">
          Thank you. Your message will reach the owner.
        </p>
      );
    case 'failed':
      return (
        <p data-testid="message-status" data-state="failed" role="status">
          Sorry, the message could not be recorded.
        </p>
      );
  }
}
