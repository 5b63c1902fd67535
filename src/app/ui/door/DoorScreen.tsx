import { useEffect, useState } from 'preact/hooks';
import type { DoorStation } from '../../doorbell/door-station.ts';
import type { DoorState } from '../../doorbell/ring-machine.ts';
import type { CameraStreamer } from '../../camera/streamer.ts';
import type { DetectionEngine } from '../../detection/engine.ts';
import { useDevice, useSubscribed } from '../hooks.ts';
import { useCurrent } from '../use-current.ts';
import { PinPad } from './PinPad.tsx';
import { shortenedMs } from '../../util/test-hooks.ts';
import { i18n } from '../../../i18n/i18n.ts';
import { formatDuration } from '../../../i18n/format.ts';

/**
 * The locked door station (issue 12): the visitor's screen and nothing else. Ring,
 * feedback, the visitor message, who is watching or talking (never the owner's device
 * names: "The owner", or the name the owner chose to show) and the owner's way in, a PIN.
 * Nothing of the owner's (viewers, settings, logs, snapshots, pairing) is in the page.
 * Its texts address a visitor, a stranger: the German ones say "Sie" (the owner's screens say "du").
 */
export function DoorScreen({
  door,
  streamer,
  detection,
}: {
  door: DoorStation;
  streamer: CameraStreamer;
  detection: DetectionEngine | null;
}) {
  const device = useDevice();
  const dimmed = useDimming(door, detection);
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
  /** The name the owner chose to show at the door, or null ("The owner"). */
  const owner = useSubscribed(
    (f) => device.doorLock.on('config', f),
    () => device.doorLock.config.answerName || null,
    [device],
  );
  // Not shown to the visitor (a ring pressed without a relay is kept and sent later); for tests and drills.
  const relayState = useSubscribed(
    (f) => device.relay.on('state', f),
    () => device.relay.state,
    [device.relay],
  );
  const [unlocking, setUnlocking] = useState(false);
  return (
    <main
      class="door-station"
      data-testid="door-station"
      data-pending-messages={pending.length}
      data-relay-state={relayState}
      aria-label={i18n._('Doorbell')}
    >
      <h1 class="visually-hidden" data-testid="door-lock-state" data-state="locked">
        {i18n._('Doorbell')}
      </h1>
      <NotPinnedWarning />
      <p
        class="door-status"
        data-testid="door-status"
        data-state={state.phase}
        role="status"
        aria-live="assertive"
      >
        {statusText(state, owner)}
      </p>
      <button
        type="button"
        class="ring-button"
        data-testid="ring-button"
        aria-label={i18n._('Ring the doorbell')}
        disabled={state.phase === 'ringing'}
        onClick={() => door.ring()}
      >
        {i18n._('Ring')}
      </button>
      <WatchingNotice streamer={streamer} owner={owner} />
      <TalkingNotice door={door} owner={owner} />
      {state.phase === 'no-answer' || recording.state !== 'idle' ? <LeaveMessage door={door} /> : null}
      {reply ? (
        <p
          class="door-reply"
          data-testid="door-quick-reply"
          lang={reply.lang}
          role="status"
          aria-live="assertive"
        >
          {i18n._('“{text}”', { text: reply.text })}
        </p>
      ) : null}
      {dimmed ? <div class="door-dim" data-testid="door-dim" aria-hidden="true" /> : null}
      {unlocking ? (
        <PinPad onClose={() => setUnlocking(false)} />
      ) : (
        <button
          type="button"
          class="link door-exit"
          data-testid="door-unlock"
          onClick={() => setUnlocking(true)}
        >
          {i18n._('Owner')}
        </button>
      )}
    </main>
  );
}

/** Without motion or touch for this long, the door screen goes dark (a lit screen is an old phone's largest draw). */
export const DIM_AFTER_MS = 60_000;

/** Test hook: `localStorage['doorpeer:door-dim-ms']` dims sooner (it can only shorten the minute). */
function dimAfterMs(): number {
  return shortenedMs('doorpeer:door-dim-ms', DIM_AFTER_MS, 500);
}

/**
 * Dark after a minute without motion in front of the camera or a touch; lit again by
 * either, and by anything happening at the door (a ring, an answer, a voice, a reply).
 * The screen's wake lock stays held: the camera keeps running behind the black.
 */
function useDimming(door: DoorStation, detection: DetectionEngine | null): boolean {
  const [dimmed, setDimmed] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wake = () => {
      setDimmed(false);
      clearTimeout(timer);
      timer = setTimeout(() => setDimmed(true), dimAfterMs());
    };
    wake();
    const kinds = ['pointerdown', 'keydown', 'touchstart'] as const;
    for (const k of kinds) document.addEventListener(k, wake, { capture: true, passive: true });
    const offs = [
      detection?.onEvent((e) => e.type !== 'motion-end' && wake()),
      door.on('state', wake),
      door.on('talkers', wake),
      door.on('reply', wake),
      door.on('recording', wake),
    ];
    return () => {
      clearTimeout(timer);
      for (const k of kinds) document.removeEventListener(k, wake, { capture: true });
      for (const off of offs) off?.();
    };
  }, [door, detection]);
  return dimmed;
}

function statusText(state: DoorState, owner: string | null): string {
  switch (state.phase) {
    case 'idle':
      return i18n._('Press the button to ring');
    case 'ringing':
      return i18n._('Ringing…');
    case 'answered':
      return owner === null
        ? i18n._('The owner is answering')
        : i18n._('{name} is answering', { name: owner });
    case 'no-answer':
      return i18n._('No answer. Please try again later.');
  }
}

/** Someone watches live: said plainly at the door, without saying who. */
function WatchingNotice({ streamer, owner }: { streamer: CameraStreamer; owner: string | null }) {
  const count = useSubscribed(
    (f) => streamer.on('watchers', f),
    () => streamer.watchers().length,
    [streamer],
  );
  if (count === 0) return null;
  return (
    <p class="watching" data-testid="door-watching" data-count={count} role="status" aria-live="polite">
      {owner === null
        ? i18n._('Live: the owner is watching this camera')
        : i18n._('Live: {name} is watching this camera', { name: owner })}
    </p>
  );
}

/** A viewer's voice plays here: "The owner is talking" (or the owner's chosen name). */
function TalkingNotice({ door, owner }: { door: DoorStation; owner: string | null }) {
  const talking = useSubscribed(
    (f) => door.on('talkers', f),
    () => door.talk.talkers().length > 0,
    [door],
  );
  if (!talking) return null;
  return (
    <p class="talking" data-testid="talking-indicator" role="status" aria-live="assertive">
      {owner === null ? i18n._('The owner is talking') : i18n._('{name} is talking', { name: owner })}
    </p>
  );
}

/** The page runs as an installed app or in full screen. */
// eslint-disable-next-line lingui/no-unlocalized-strings -- a CSS media query, not text for people
const PINNED_MEDIA = '(display-mode: standalone), (display-mode: fullscreen)';

/**
 * Where the door station can be left (not full screen, not an installed app), the owner
 * should pin the screen (README: "Door station as a kiosk"). Visitors see a small hint.
 */
function NotPinnedWarning() {
  const [pinned, setPinned] = useState(isPinned);
  useEffect(() => {
    const check = () => setPinned(isPinned());
    document.addEventListener('fullscreenchange', check);
    const mq = matchMedia(PINNED_MEDIA);
    mq.addEventListener('change', check);
    return () => {
      document.removeEventListener('fullscreenchange', check);
      mq.removeEventListener('change', check);
    };
  }, []);
  if (pinned) return null;
  return (
    <p class="door-pin-warning" data-testid="door-not-pinned" role="note">
      {i18n._('This screen is not pinned.')}{' '}
      <button
        type="button"
        class="link"
        onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
      >
        {i18n._('Full screen')}
      </button>
    </p>
  );
}

function isPinned(): boolean {
  return document.fullscreenElement !== null || matchMedia(PINNED_MEDIA).matches;
}

/** After no answer: the visitor may leave a short video message, sealed for the owners at once. */
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
          {i18n._('Leave a video message')}
        </button>
      );
    case 'recording':
      return (
        <div data-testid="message-recording" data-ms={rec.ms} role="status">
          <p>
            {i18n._('Recording… {duration}', { duration: formatDuration(Math.floor(rec.ms / 1000) * 1000) })}
          </p>
          <button type="button" data-testid="stop-message" onClick={() => door.finishMessage()}>
            {i18n._('Done')}
          </button>
        </div>
      );
    case 'saved':
      return (
        <p data-testid="message-status" data-state="saved" role="status">
          {i18n._('Thank you. Your message will reach the owner.')}
        </p>
      );
    case 'failed':
      return (
        <p data-testid="message-status" data-state="failed" role="status">
          {i18n._('Sorry, the message could not be recorded.')}
        </p>
      );
  }
}
