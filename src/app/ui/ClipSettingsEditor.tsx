import { CLIP_SETTING_RANGES, type ClipSettings } from '../../shared/history-messages.ts';
import { normaliseClipSettings } from '../history/clip-plan.ts';
import { SaveToCamera } from './SaveToCamera.tsx';
import { useRemoteSetting, type RemoteSettingSpec } from './use-remote-setting.ts';
import { i18n } from '../../i18n/i18n.ts';

const CLIP_SPEC: RemoteSettingSpec<ClipSettings> = {
  get: { k: 'clip-settings-get' },
  set: (settings) => ({ k: 'clip-settings-set', settings }),
  state: (msg) => (msg.k === 'clip-settings-state' ? msg.settings : null),
};

type Field = 'preRollMs' | 'calmMs' | 'maxMs';

const FIELDS: { field: Field; label: () => string; hint: () => string }[] = [
  {
    field: 'preRollMs',
    label: () => i18n._('Before the event'),
    hint: () => i18n._('seconds of video kept from before it'),
  },
  {
    field: 'calmMs',
    label: () => i18n._('After it calms down'),
    hint: () => i18n._('seconds the clip goes on after the last movement'),
  },
  { field: 'maxMs', label: () => i18n._('Longest clip'), hint: () => i18n._('seconds') },
];

/**
 * From a viewer with `manage`: how the camera records event clips (pre-roll,
 * calm time, longest clip, whether motion alone records). The camera applies
 * them at once; a running clip keeps going.
 */
export function ClipSettingsEditor({ cameraId }: { cameraId: string }) {
  const remote = useRemoteSetting(cameraId, CLIP_SPEC);
  const { value: settings, phase, denied } = remote;
  if (denied) {
    return (
      <p class="warn" data-testid="clip-settings-denied">
        {i18n._(
          'This device may not change how the camera records. Ask whoever manages the camera to allow it.',
        )}
      </p>
    );
  }
  if (!settings) return <p class="fine">{i18n._('Asking the camera…')}</p>;
  return (
    <section class="clip-settings" data-testid="clip-settings-editor" data-state={phase}>
      <h2>{i18n._('Event clips')}</h2>
      <p class="fine">
        {i18n._(
          'The camera records a clip for each person and each ring, sealed so only your devices can play it.',
        )}
      </p>
      {FIELDS.map(({ field, label, hint }) => {
        const [lo, hi] = CLIP_SETTING_RANGES[field];
        return (
          <label key={field} class="clip-setting">
            {label()}{' '}
            <input
              type="number"
              min={lo / 1000}
              max={hi / 1000}
              step={1}
              data-testid={`clip-${field}`}
              value={settings[field] / 1000}
              onInput={(e) => {
                const seconds = Number((e.target as HTMLInputElement).value);
                if (Number.isFinite(seconds))
                  remote.edit({ ...settings, [field]: Math.round(seconds * 1000) });
              }}
            />{' '}
            <span class="fine">{hint()}</span>
          </label>
        );
      })}
      <label>
        <input
          type="checkbox"
          data-testid="clip-motion"
          checked={settings.motion}
          onChange={(e) => remote.edit({ ...settings, motion: (e.target as HTMLInputElement).checked })}
        />{' '}
        {i18n._('Record motion too, not only people and rings')}
      </label>
      <SaveToCamera
        testId="clip-settings-save"
        phase={phase}
        onSave={() => remote.save(normaliseClipSettings(settings))}
      />
    </section>
  );
}
