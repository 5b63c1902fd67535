/**
 * What each camera health warning says (issue 15), in the active language (issue 14):
 * shown in the viewer's event list and notifications, and in pushes built at the camera.
 * Data crosses between devices (the kind and whether it is a warning); each receiver
 * renders it in its own language.
 */
import { i18n } from '../i18n/i18n.ts';
import type { HealthKind } from './health-messages.ts';

export type HealthState = 'warning' | 'normal';

interface HealthText {
  /** The short name of the warning ("charger unplugged"). */
  label: () => string;
  /** "<camera>: <warning>" */
  warning: (camera: string) => string;
  /** "<camera>: <warning>, back to normal" */
  normal: (camera: string) => string;
  /** What to do about it. */
  action: () => string;
}

const TEXT: Record<HealthKind, HealthText> = {
  unplugged: {
    label: () => i18n._('charger unplugged'),
    warning: (camera) => i18n._('{camera}: charger unplugged', { camera }),
    normal: (camera) => i18n._('{camera}: charger unplugged, back to normal', { camera }),
    action: () => i18n._('The camera runs on its battery. Check that its charger is plugged in.'),
  },
  'battery-low': {
    label: () => i18n._('battery low'),
    warning: (camera) => i18n._('{camera}: battery low', { camera }),
    normal: (camera) => i18n._('{camera}: battery low, back to normal', { camera }),
    action: () => i18n._('The camera’s battery is under 20 %. Plug in its charger before it switches off.'),
  },
  pressure: {
    label: () => i18n._('running hot'),
    warning: (camera) => i18n._('{camera}: running hot', { camera }),
    normal: (camera) => i18n._('{camera}: running hot, back to normal', { camera }),
    action: () =>
      i18n._(
        'The device is under heavy load or hot, so it does less until it cools down. Move it out of the sun, close other apps.',
      ),
  },
  'detection-slow': {
    label: () => i18n._('detection cannot keep up'),
    warning: (camera) => i18n._('{camera}: detection cannot keep up', { camera }),
    normal: (camera) => i18n._('{camera}: detection cannot keep up, back to normal', { camera }),
    action: () =>
      i18n._(
        'Detection checks fewer frames than it needs and may miss someone. Close other apps or lower the resolution.',
      ),
  },
  'storage-full': {
    label: () => i18n._('storage nearly full'),
    warning: (camera) => i18n._('{camera}: storage nearly full', { camera }),
    normal: (camera) => i18n._('{camera}: storage nearly full, back to normal', { camera }),
    action: () =>
      i18n._(
        'Little room is left for clips. Open Doorpeer on an owner device so the waiting clips are collected.',
      ),
  },
  silent: {
    label: () => i18n._('not heard from'),
    warning: (camera) => i18n._('{camera}: not heard from', { camera }),
    normal: (camera) => i18n._('{camera}: not heard from, back to normal', { camera }),
    action: () =>
      i18n._(
        'The camera has sent nothing for 3 minutes. Check its power, its network and that Doorpeer is open on it.',
      ),
  },
};

/** The warning's short name, for the owner's screens ("charger unplugged"). */
export function healthLabel(kind: HealthKind): string {
  return TEXT[kind].label();
}

/** "<camera>: <warning>", or with ", back to normal" once it is over. */
export function healthTitle(camera: string, kind: HealthKind, state: HealthState): string {
  return state === 'warning' ? TEXT[kind].warning(camera) : TEXT[kind].normal(camera);
}

/** What to do about the warning, or that the camera is fine again. */
export function healthBody(kind: HealthKind, state: HealthState): string {
  return state === 'warning' ? TEXT[kind].action() : i18n._('The camera is fine again.');
}
