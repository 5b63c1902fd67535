import { useMemo } from 'preact/hooks';
import type { PairedPeer } from '../../db.ts';
import { errorTitle } from '../../errors.ts';
import { ErrorBox } from '../ErrorBox.tsx';
import { viewerPush, type CameraPushState } from '../../push/viewer-push.ts';
import type { PushUiState } from '../../push/viewer-state.ts';
import { useDevice, useSubscribed } from '../hooks.ts';
import { i18n } from '../../../i18n/i18n.ts';
import { formatDuration } from '../../../i18n/format.ts';

/** What the switch's state means, where no problem says more. */
function stateText(state: PushUiState): string {
  switch (state) {
    case 'off':
      return i18n._('Off: rings and alerts show only while Doorpeer is open.');
    case 'on':
      return i18n._(
        'On: rings and the alerts you choose below reach this device while Doorpeer is closed. Their content is encrypted by the camera for this device; the push service and the relay only pass it on.',
      );
    case 'denied':
    case 'unsupported':
    case 'error':
      return '';
  }
}

/** Where one camera's pushes stand. */
function cameraStateText(state: CameraPushState): string {
  switch (state) {
    case 'pending':
      return i18n._('waiting for the camera');
    case 'on':
      return i18n._('on');
    case 'off':
      return i18n._('off');
    case 'denied':
      return i18n._('refused: this device may not watch this camera');
    case 'gone':
      return i18n._('renewing the subscription');
  }
}

const OFFLINE_MINUTES = [1, 5, 15, 30, 60] as const;

/** "Notify me when the app is closed": the switch, what it means now, and each camera's events. */
export function PushSettings() {
  const device = useDevice();
  const push = useMemo(() => viewerPush(device), [device]);
  useSubscribed(
    (f) => push.on('changed', f),
    () => push.view,
    [push],
  );
  const peers = useSubscribed(
    (f) => device.peers.on('changed', f),
    () => device.peers.list(),
    [device],
  );
  const cameras = peers.filter((p) => p.role === 'camera');
  const { state, problem } = push.view;
  const text = problem ? errorTitle(problem) : stateText(state);
  return (
    <section class="push-settings" aria-label={i18n._('Notifications while the app is closed')}>
      <h2>{i18n._('Notifications while the app is closed')}</h2>
      <label>
        <input
          type="checkbox"
          role="switch"
          data-testid="push-enable"
          checked={state === 'on'}
          disabled={state === 'unsupported'}
          onChange={(e) => {
            const on = (e.target as HTMLInputElement).checked;
            void (on ? push.enable() : push.disable());
          }}
        />{' '}
        {i18n._('Notify me when the app is closed')}
      </label>
      <p
        data-testid="push-state"
        data-state={state}
        {...(problem ? { 'data-error-code': problem } : {})}
        class={state === 'on' || state === 'off' ? 'fine' : 'warn'}
        role="status"
      >
        {text}
      </p>
      {problem ? <ErrorBox code={problem} /> : null}
      {state === 'on' ? (
        <ul class="plain">
          {cameras.map((c) => (
            <CameraPushChoice key={c.deviceId} camera={c} state={push.cameras.get(c.deviceId)} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function CameraPushChoice({ camera, state }: { camera: PairedPeer; state: CameraPushState | undefined }) {
  const device = useDevice();
  const push = viewerPush(device);
  const events = push.eventsFor(camera.deviceId);
  const acked = push.settings.acked[camera.deviceId] === push.settings.sub?.endpoint;
  const shown: CameraPushState = state ?? (acked ? 'on' : 'pending');
  const set = (change: Partial<typeof events>) =>
    void push.setEvents(camera.deviceId, { ...events, ...change });
  return (
    <li data-testid="push-camera" data-camera-id={camera.deviceId} data-state={shown}>
      <strong>{camera.name}</strong> <span class="fine">({cameraStateText(shown)})</span>
      <br />
      <label>
        <input type="checkbox" checked disabled /> {i18n._('Rings')}
      </label>{' '}
      <label>
        <input
          type="checkbox"
          data-testid="push-event-person"
          checked={events.person}
          onChange={(e) => set({ person: (e.target as HTMLInputElement).checked })}
        />{' '}
        {i18n._('People')}
      </label>{' '}
      <label>
        <input
          type="checkbox"
          data-testid="push-event-motion"
          checked={events.motion}
          onChange={(e) => set({ motion: (e.target as HTMLInputElement).checked })}
        />{' '}
        {i18n._('Motion')}
      </label>{' '}
      <label>
        <input
          type="checkbox"
          data-testid="push-event-offline"
          checked={events.offline}
          onChange={(e) => set({ offline: (e.target as HTMLInputElement).checked })}
        />{' '}
        {i18n._('Camera offline for')}
      </label>{' '}
      <select
        data-testid="push-offline-minutes"
        aria-label={i18n._('Minutes before “camera offline”')}
        value={String(events.offlineAfterMin)}
        disabled={!events.offline}
        onChange={(e) => set({ offlineAfterMin: Number((e.target as HTMLSelectElement).value) })}
      >
        {OFFLINE_MINUTES.map((m) => (
          <option key={m} value={String(m)}>
            {formatDuration(m * 60_000)}
          </option>
        ))}
      </select>
    </li>
  );
}

/** Offered once, right after pairing a camera: turn on notifications for when the app is closed. */
export function PushOffer({ onDone }: { onDone: () => void }) {
  const device = useDevice();
  const push = useMemo(() => viewerPush(device), [device]);
  const view = useSubscribed(
    (f) => push.on('changed', f),
    () => push.view,
    [push],
  );
  if (push.settings.offered || view.state === 'on' || view.state === 'unsupported') return null;
  const done = () => {
    void push.markOffered();
    onDone();
  };
  return (
    <section
      class="push-offer"
      data-testid="push-offer"
      aria-label={i18n._('Notifications while the app is closed')}
    >
      <p>
        <strong>{i18n._('Get rings while Doorpeer is closed?')}</strong>{' '}
        {i18n._(
          'The camera encrypts each ring for this device; the browser’s push service only passes it on.',
        )}
      </p>
      <button
        type="button"
        data-testid="push-offer-accept"
        onClick={() => {
          void push.enable().then(done);
        }}
      >
        {i18n._('Notify me when the app is closed')}
      </button>{' '}
      <button type="button" data-testid="push-offer-dismiss" onClick={done}>
        {i18n._('Not now')}
      </button>
    </section>
  );
}
