/** Camera: what the clip recorder does, and how many sealed clips wait for delivery (or that storage is full). */
import type { CameraClips } from '../history/camera-clips.ts';
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
        Event clips:{' '}
        {state === 'recording'
          ? 'recording now'
          : state === 'unsupported'
            ? 'this browser cannot record'
            : state}
        . Sealed for the owners (this camera cannot play them back): {held.clips} waiting for delivery,{' '}
        {(held.bytes / 1024 / 1024).toFixed(1)} MB.
      </p>
      {held.full ? <ErrorBox code="camera-clips-full" detail={`${held.refused} clips not kept`} /> : null}
      {clips.tooBig > 0 ? (
        <ErrorBox code="camera-clip-too-big" detail={`${clips.tooBig} clips not kept`} />
      ) : null}
    </section>
  );
}
