/** Camera: what the clip recorder does, and how many sealed clips wait for delivery (or that storage is full). */
import type { CameraClips, CameraClipState } from '../history/camera-clips.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatBytes } from '../../i18n/format.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { useCurrent } from './use-current.ts';

export function CameraClipStatus({ clips }: { clips: CameraClips }) {
  const state = useCurrent(
    (f) => clips.on('state', f),
    () => clips.state,
    [clips],
  );
  const held = useCurrent(
    (f) => clips.outbox.on('changed', f),
    () => clips.outbox.state(),
    [clips],
  );
  return (
    <section
      class="clip-status"
      data-testid="clip-store"
      data-state={held.full ? 'full' : 'ok'}
      data-recorder={state}
      data-clips={held.clips}
      data-too-big={clips.tooBig}
    >
      <p class="fine">
        {recorderText(state)}{' '}
        {i18n._(
          '{count, plural, one {Sealed for the owners (this camera cannot play them back): # waiting for delivery, {size}.} other {Sealed for the owners (this camera cannot play them back): # waiting for delivery, {size}.}}',
          { count: held.clips, size: formatBytes(held.bytes) },
        )}
      </p>
      {held.full ? <ErrorBox code="camera-clips-full" detail={notKept(held.refused)} /> : null}
      {clips.tooBig > 0 ? <ErrorBox code="camera-clip-too-big" detail={notKept(clips.tooBig)} /> : null}
    </section>
  );
}

function recorderText(state: CameraClipState): string {
  switch (state) {
    case 'off':
      return i18n._('Event clips: off.');
    case 'unsupported':
      return i18n._('Event clips: this browser cannot record.');
    case 'ready':
      return i18n._('Event clips: ready.');
    case 'recording':
      return i18n._('Event clips: recording now.');
    case 'sealing':
      return i18n._('Event clips: sealing.');
  }
}

const notKept = (count: number): string =>
  i18n._('{count, plural, one {# clip not kept} other {# clips not kept}}', { count });
