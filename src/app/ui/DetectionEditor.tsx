import { useEffect, useRef, useState } from 'preact/hooks';
import { useRemoteSetting, type RemoteSettingSpec } from './use-remote-setting.ts';
import type { DetectionSettings, NormRect } from '../detection/types.ts';
import { readEvents } from '../db.ts';
import { rectFromPoints, cleanRects, MIN_SIDE } from '../camera/mask-geometry.ts';
import { ALERT_LIMITS } from '../../shared/alert-messages.ts';
import { useDevice } from './hooks.ts';
import { SaveToCamera } from './SaveToCamera.tsx';
import { i18n } from '../../i18n/i18n.ts';

type Kind = 'zones' | 'masks';

const DETECTION_SPEC: RemoteSettingSpec<DetectionSettings> = {
  get: { k: 'detect-get' },
  set: (settings) => ({ k: 'detect-set', settings }),
  state: (msg) => (msg.k === 'detect-state' ? msg.settings : null),
};

/**
 * From a viewer with `manage`: draw motion zones and privacy masks over a still of the
 * camera's picture (the live video, else the last alert's snapshot), set the
 * sensitivity, and save them to the camera, which applies them at once.
 */
export function DetectionEditor({ cameraId, video }: { cameraId: string; video: HTMLVideoElement | null }) {
  const { db } = useDevice();
  const remote = useRemoteSetting(cameraId, DETECTION_SPEC);
  const { value: settings, phase, denied } = remote;
  const [kind, setKind] = useState<Kind>('masks');
  const [drag, setDrag] = useState<{ ax: number; ay: number; bx: number; by: number } | null>(null);
  const surface = useRef<HTMLDivElement>(null);
  const picture = useRef<HTMLCanvasElement>(null);

  const grab = async () => {
    const c = picture.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    if (video && video.videoWidth > 0) {
      c.width = video.videoWidth;
      c.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      return;
    }
    const [last] = (await readEvents(db, cameraId, 10).catch(() => [])).filter((e) => e.snapshot);
    if (!last?.snapshot) return;
    const bitmap = await createImageBitmap(last.snapshot);
    c.width = bitmap.width;
    c.height = bitmap.height;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
  };
  useEffect(() => void grab(), [video, settings !== null]);

  if (denied) {
    return (
      <p class="warn" data-testid="detection-denied">
        {i18n._(
          'This device may not change the camera’s detection settings. Ask whoever manages the camera to allow it.',
        )}
      </p>
    );
  }
  if (!settings) return <p class="fine">{i18n._('Asking the camera…')}</p>;

  const edit = remote.edit;
  const point = (e: PointerEvent): [number, number] => {
    const r = surface.current?.getBoundingClientRect();
    if (!r || r.width === 0 || r.height === 0) return [0, 0];
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };
  const finishDrag = () => {
    if (!drag) return;
    const rect = rectFromPoints(drag.ax, drag.ay, drag.bx, drag.by);
    setDrag(null);
    if (rect.w < MIN_SIDE || rect.h < MIN_SIDE || settings[kind].length >= ALERT_LIMITS.maxRects) return;
    edit({ ...settings, [kind]: [...settings[kind], rect] });
  };
  const drawing = drag ? rectFromPoints(drag.ax, drag.ay, drag.bx, drag.by) : null;

  return (
    <section class="detection-editor" data-testid="detection-editor" data-state={phase}>
      <h2>{i18n._('Detection zones and privacy masks')}</h2>
      <p class="fine">
        {i18n._(
          'Drag over the picture. Motion counts only inside zones (none: the whole picture). Masks are blacked out on the camera before the video leaves it, and detection ignores them.',
        )}
      </p>
      <div class="editor-tools">
        <label>
          <input
            type="radio"
            name="kind"
            data-testid="zone-mode-masks"
            checked={kind === 'masks'}
            onChange={() => setKind('masks')}
          />{' '}
          {i18n._('Privacy mask')}
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            data-testid="zone-mode-zones"
            checked={kind === 'zones'}
            onChange={() => setKind('zones')}
          />{' '}
          {i18n._('Motion zone')}
        </label>
        <button type="button" data-testid="zone-refresh" onClick={() => void grab()}>
          {i18n._('New picture')}
        </button>
      </div>
      <div
        ref={surface}
        class="editor-surface"
        data-testid="zone-surface"
        onPointerDown={(e) => {
          const [x, y] = point(e);
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          setDrag({ ax: x, ay: y, bx: x, by: y });
        }}
        onPointerMove={(e) => {
          if (!drag) return;
          const [x, y] = point(e);
          setDrag({ ...drag, bx: x, by: y });
        }}
        onPointerUp={finishDrag}
        onPointerCancel={() => setDrag(null)}
      >
        <canvas ref={picture} width={640} height={480} />
        {(['zones', 'masks'] as const).flatMap((k) =>
          settings[k].map((r, i) => (
            <RectBox
              key={`${k}${i}`}
              rect={r}
              kind={k}
              onRemove={() => edit({ ...settings, [k]: settings[k].filter((_, j) => j !== i) })}
            />
          )),
        )}
        {drawing ? <div class={`rect rect-${kind} drawing`} style={boxStyle(drawing)} /> : null}
      </div>
      <label>
        {i18n._('Sensitivity')}{' '}
        <input
          type="range"
          min={1}
          max={10}
          data-testid="zone-sensitivity"
          value={settings.sensitivity}
          onInput={(e) => edit({ ...settings, sensitivity: Number((e.target as HTMLInputElement).value) })}
        />{' '}
        {settings.sensitivity}
      </label>{' '}
      <label>
        <input
          type="checkbox"
          data-testid="detection-enabled"
          checked={settings.enabled}
          onChange={(e) => edit({ ...settings, enabled: (e.target as HTMLInputElement).checked })}
        />{' '}
        {i18n._('Detection on')}
      </label>
      <SaveToCamera
        testId="zone-save"
        phase={phase}
        onSave={() =>
          remote.save({ ...settings, zones: cleanRects(settings.zones), masks: cleanRects(settings.masks) })
        }
      >
        <button type="button" data-testid="zone-clear" onClick={() => edit({ ...settings, [kind]: [] })}>
          {kind === 'masks' ? i18n._('Remove all masks') : i18n._('Remove all zones')}
        </button>
      </SaveToCamera>
    </section>
  );
}

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
const boxStyle = (r: NormRect) => ({ left: pct(r.x), top: pct(r.y), width: pct(r.w), height: pct(r.h) });

function RectBox({ rect, kind, onRemove }: { rect: NormRect; kind: Kind; onRemove: () => void }) {
  return (
    <div class={`rect rect-${kind}`} style={boxStyle(rect)} data-testid="zone-rect" data-kind={kind}>
      <button
        type="button"
        class="rect-remove"
        data-testid="zone-remove"
        aria-label={kind === 'masks' ? i18n._('Remove this mask') : i18n._('Remove this zone')}
        onPointerDown={(e) => e.stopPropagation()}
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
}
