/**
 * What each camera health warning says (issue 15), in the languages pushes are sent
 * in: shown in the viewer's event list and notifications, and in pushes built at the
 * camera. Data crosses between devices (the kind and whether it is a warning); each
 * receiver renders it in its own language.
 */
import type { HealthKind } from './health-messages.ts';
import type { PushLang } from './push-messages.ts';

export interface HealthText {
  /** "<camera>: <warning>" */
  warning: string;
  /** What to do about it. */
  action: string;
}

export const HEALTH_TEXT: Record<
  PushLang,
  Record<HealthKind, HealthText> & { normal: string; normalBody: string }
> = {
  en: {
    unplugged: {
      warning: 'charger unplugged',
      action: 'The camera runs on its battery. Check that its charger is plugged in.',
    },
    'battery-low': {
      warning: 'battery low',
      action: 'The camera’s battery is under 20 %. Plug in its charger before it switches off.',
    },
    pressure: {
      warning: 'running hot',
      action:
        'The device is under heavy load or hot, so it does less until it cools down. Move it out of the sun, close other apps.',
    },
    'detection-slow': {
      warning: 'detection cannot keep up',
      action:
        'Detection checks fewer frames than it needs and may miss someone. Close other apps or lower the resolution.',
    },
    'storage-full': {
      warning: 'storage nearly full',
      action:
        'Little room is left for clips. Open Doorpeer on an owner device so the waiting clips are collected.',
    },
    silent: {
      warning: 'not heard from',
      action:
        'The camera has sent nothing for 3 minutes. Check its power, its network and that Doorpeer is open on it.',
    },
    normal: 'back to normal',
    normalBody: 'The camera is fine again.',
  },
  de: {
    unplugged: {
      warning: 'Ladegerät getrennt',
      action: 'Die Kamera läuft mit Akku. Prüfe, ob das Ladegerät eingesteckt ist.',
    },
    'battery-low': {
      warning: 'Akku schwach',
      action: 'Der Akku der Kamera ist unter 20 %. Schließe das Ladegerät an, bevor sie sich abschaltet.',
    },
    pressure: {
      warning: 'läuft heiß',
      action:
        'Das Gerät ist stark ausgelastet oder heiß und tut weniger, bis es abkühlt. Stelle es aus der Sonne, schließe andere Apps.',
    },
    'detection-slow': {
      warning: 'Erkennung kommt nicht nach',
      action:
        'Die Erkennung prüft zu wenige Bilder und kann jemanden übersehen. Schließe andere Apps oder senke die Auflösung.',
    },
    'storage-full': {
      warning: 'Speicher fast voll',
      action:
        'Für Clips ist kaum noch Platz. Öffne Doorpeer auf einem Gerät des Besitzers, damit die wartenden Clips abgeholt werden.',
    },
    silent: {
      warning: 'meldet sich nicht',
      action:
        'Die Kamera hat seit 3 Minuten nichts gesendet. Prüfe Strom, Netzwerk und ob Doorpeer auf ihr geöffnet ist.',
    },
    normal: 'wieder in Ordnung',
    normalBody: 'Mit der Kamera ist wieder alles in Ordnung.',
  },
};

export function healthTitle(
  lang: PushLang,
  camera: string,
  kind: HealthKind,
  state: 'warning' | 'normal',
): string {
  const t = HEALTH_TEXT[lang];
  return `${camera}: ${state === 'warning' ? t[kind].warning : `${t[kind].warning}, ${t.normal}`}`;
}

export function healthBody(lang: PushLang, kind: HealthKind, state: 'warning' | 'normal'): string {
  return state === 'warning' ? HEALTH_TEXT[lang][kind].action : HEALTH_TEXT[lang].normalBody;
}
