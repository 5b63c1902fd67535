import { i18n } from '../i18n/i18n.ts';

/**
 * Every error a person can see, with a fixed code (shown as `data-error-code`
 * on the `error` element), what happened, and what to do about it. Each text is looked
 * up when it is called, in the language shown then (`errorTitle` / `errorAction`).
 */
export const APP_ERRORS = {
  'camera-denied': {
    title: () => i18n._('Camera permission was denied'),
    action: () =>
      i18n._(
        'Allow camera access for this site in the browser (the camera icon in the address bar, or site settings), then press Retry.',
      ),
  },
  'camera-missing': {
    title: () => i18n._('No camera was found on this device'),
    action: () => i18n._('Connect a camera or open Doorpeer on a device that has one, then press Retry.'),
  },
  'camera-busy': {
    title: () => i18n._('The camera is in use by another app'),
    action: () => i18n._('Close the other app or tab that uses the camera, then press Retry.'),
  },
  'camera-lost': {
    title: () => i18n._('The camera stopped'),
    action: () =>
      i18n._(
        'Another app may have taken the camera, or its permission was withdrawn. Close other apps that use the camera, check this site’s camera permission, then press Retry.',
      ),
  },
  'camera-background': {
    title: () => i18n._('This camera page was in the background'),
    action: () =>
      i18n._(
        'Phones stop the camera of a page in the background. Keep Doorpeer in the foreground with the screen on, keep the phone plugged in, and turn off battery optimisation for the browser in the phone’s settings.',
      ),
  },
  'camera-insecure': {
    title: () => i18n._('This page is not a secure context, so the browser blocks the camera'),
    action: () => i18n._('Open Doorpeer over https:// or on localhost.'),
  },
  'relay-unreachable': {
    title: () => i18n._('Cannot reach the relay'),
    action: () =>
      i18n._(
        'Check that this device is online and that the Doorpeer relay is running. Doorpeer keeps retrying by itself.',
      ),
  },
  'pair-malformed': {
    title: () => i18n._('That is not a pairing code'),
    action: () =>
      i18n._(
        'A code looks like K7QM-4T9X: four letters or digits, a dash, four more. Check the camera screen.',
      ),
  },
  'pair-unknown': {
    title: () => i18n._('No camera is waiting for this code'),
    action: () =>
      i18n._('Check the code on the camera screen. If the camera shows a new code, type that one.'),
  },
  'pair-expired': {
    title: () => i18n._('This pairing code has expired'),
    action: () => i18n._('Codes last 5 minutes and work once. The camera shows a fresh code: type that one.'),
  },
  'pair-wrong-code': {
    title: () => i18n._('Wrong pairing code'),
    action: () => i18n._('Check the code on the camera screen and type it again.'),
  },
  'pair-locked-out': {
    title: () => i18n._('Too many wrong codes for this camera'),
    action: () =>
      i18n._(
        'Pairing with this camera is locked for a while. Wait, then try again with the code on its screen.',
      ),
  },
  'pair-timeout': {
    title: () => i18n._('The camera did not answer'),
    action: () => i18n._('Check that the camera is on and shows its pairing code, then try again.'),
  },
  'pair-busy': {
    title: () => i18n._('The camera is pairing with another device right now'),
    action: () => i18n._('Wait a minute, then type the code the camera shows.'),
  },
  'pair-cancelled': {
    title: () => i18n._('Pairing was cancelled'),
    action: () =>
      i18n._(
        'The numbers were not confirmed on both screens. If they did not match, someone may be interfering: check your relay. To try again, type the code the camera shows now.',
      ),
  },
  'pair-interrupted': {
    title: () => i18n._('The connection to the relay dropped during pairing'),
    action: () =>
      i18n._(
        'Nothing was paired. When this device is back online, the camera shows a new code: type that one and compare the numbers again.',
      ),
  },
  'pair-self': {
    title: () => i18n._('This device cannot pair with itself'),
    action: () => i18n._('Open the pairing code on another device.'),
  },
  'camera-offline': {
    title: () => i18n._('The camera is offline'),
    action: () =>
      i18n._('Check that the camera device is on, has Doorpeer open and is online. Doorpeer keeps retrying.'),
  },
  'stream-failed': {
    title: () => i18n._('The live connection failed'),
    action: () =>
      i18n._(
        'Doorpeer retries by itself. If it keeps failing, both devices may need to be on the same network or the relay needs a TURN server.',
      ),
  },
  'not-allowed': {
    title: () => i18n._('The camera refused this device'),
    action: () =>
      i18n._('This device is no longer paired with the camera. Pair it again with a code from the camera.'),
  },
  'security-warning': {
    title: () => i18n._('Security warning: the connection was refused'),
    action: () =>
      i18n._(
        'The other device did not present the certificate it was paired with, so someone may be tampering with the connection (for example the relay). Nothing was shown or sent. Check your relay; if it keeps happening, unpair and pair again in person.',
      ),
  },
  'detector-unavailable': {
    title: () => i18n._('Person detection could not start on this camera'),
    action: () =>
      i18n._(
        'Motion detection and the live stream keep working. Reload the page; if it keeps happening, reinstall Doorpeer on the relay (npm install prepares the detection models) or use a newer browser.',
      ),
  },
  'detector-slow': {
    title: () => i18n._('This device is too slow to keep up with detection'),
    action: () =>
      i18n._(
        'The live stream and motion detection keep working, but detection checks fewer frames than it needs, so it may miss someone passing quickly. Close other apps and tabs on this device, choose a lower resolution, or use a faster device as the camera.',
      ),
  },
  'talk-not-allowed': {
    title: () => i18n._('This device may not talk through this camera'),
    action: () =>
      i18n._(
        'The camera did not play your voice. Someone with the camera in hand can allow talking for this device (the “talk” box next to it in Paired viewers).',
      ),
  },
  'talk-busy': {
    title: () => i18n._('Someone else answered the door'),
    action: () =>
      i18n._('Only the person who answered first can talk to the visitor. You can keep watching.'),
  },
  'mic-denied': {
    title: () => i18n._('Microphone permission was denied'),
    action: () =>
      i18n._(
        'Allow the microphone for this site in the browser (the icon in the address bar, or site settings), then press Talk again.',
      ),
  },
  'clip-storage-full': {
    title: () => i18n._('There is no room to store a new clip on this device'),
    action: () =>
      i18n._(
        'The clip stays on the camera until there is room. Delete clips you do not need, lower the history limits, or free storage on this device.',
      ),
  },
  'clip-unreadable': {
    title: () => i18n._('A clip from a camera could not be opened on this device'),
    action: () =>
      i18n._(
        'It was not sealed for this device or was damaged. Unpair and pair the camera again if it keeps happening.',
      ),
  },
  'camera-clips-full': {
    title: () => i18n._('The camera’s clip storage is full'),
    action: () =>
      i18n._(
        'New clips are not kept until the owner devices collect the waiting ones. Open Doorpeer on an owner device so they are delivered.',
      ),
  },
  'camera-clip-too-big': {
    title: () => i18n._('A clip was too big to send and was not kept'),
    action: () =>
      i18n._(
        'This browser records clips in a format that cannot be cut short. On an owner device, lower "Longest clip" in this camera’s clip settings.',
      ),
  },
  'push-failed': {
    title: () => i18n._('Notifications for when the app is closed could not be turned on'),
    action: () =>
      i18n._(
        'This browser could not subscribe with its push service. Check that this device is online, then try again. Rings and alerts still show while Doorpeer is open.',
      ),
  },
  'push-denied': {
    title: () => i18n._('Notifications are blocked for this site'),
    action: () =>
      i18n._(
        'Allow notifications for this site in the browser’s site settings (the icon in the address bar), then turn this switch on again.',
      ),
  },
  'push-unsupported': {
    title: () => i18n._('This browser cannot get notifications while Doorpeer is closed'),
    action: () =>
      i18n._(
        'On an iPhone or iPad, add Doorpeer to the home screen (Share, then Add to Home Screen; iOS 16.4 or later) and open it from there. Elsewhere, use a current Chrome, Edge, Firefox or Safari. Rings and alerts still show while Doorpeer is open.',
      ),
  },
  'push-relay-off': {
    title: () => i18n._('Your relay has push notifications turned off'),
    action: () =>
      i18n._(
        'Rings and alerts show while Doorpeer is open. Whoever runs the relay can turn push on by starting it without --no-push (or DOORPEER_PUSH=0).',
      ),
  },
  'storage-failed': {
    title: () => i18n._('This browser cannot store Doorpeer’s keys'),
    action: () => i18n._('Leave private browsing mode or free some storage, then reload.'),
  },
  'storage-blocked': {
    title: () => i18n._('Doorpeer is waiting for another Doorpeer tab or window'),
    action: () =>
      i18n._(
        'An older Doorpeer is open in another tab or window of this browser and holds its storage. Close that tab or window (or reload it); Doorpeer then starts here by itself. Nothing stored is lost.',
      ),
  },
  'storage-closed': {
    title: () => i18n._('A newer Doorpeer opened in another tab or window'),
    action: () =>
      i18n._(
        'This tab let go of Doorpeer’s storage so that the newer one could update it, and can no longer save anything. Reload this tab, or close it and use the other one. Nothing stored is lost.',
      ),
  },
  'storage-full': {
    title: () => i18n._('This device’s storage is full: something could not be saved'),
    action: () =>
      i18n._(
        'What was saved before is kept. Free storage on this device (delete clips you do not need, or other sites’ data), then do again what did not stick.',
      ),
  },
  'storage-write-failed': {
    title: () => i18n._('Something could not be saved on this device'),
    action: () =>
      i18n._(
        'What was saved before is kept. Reload Doorpeer and do again what did not stick; if it keeps happening, free storage on this device or use another browser.',
      ),
  },
  'storage-damaged': {
    title: () => i18n._('Some stored records could not be read and were skipped'),
    action: () =>
      i18n._(
        'Doorpeer goes on with everything else, and the damaged records are left on this device untouched. If a paired device, setting or clip is missing, pair or set it again.',
      ),
  },
  'storage-identity-damaged': {
    title: () => i18n._('This device’s keys could not be read from storage'),
    action: () =>
      i18n._(
        'Doorpeer did not replace them, since new keys would end every pairing. Reload; if this keeps happening, clear this site’s data in the browser settings and pair this device again.',
      ),
  },
} as const satisfies Record<string, { title: () => string; action: () => string }>;

export type AppErrorCode = keyof typeof APP_ERRORS;

/** What happened, in the language shown now. */
export function errorTitle(code: AppErrorCode): string {
  return APP_ERRORS[code].title();
}

/** What to do about it, in the language shown now. */
export function errorAction(code: AppErrorCode): string {
  return APP_ERRORS[code].action();
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly detail?: string,
  ) {
    super(`${errorTitle(code)}${detail ? ` (${detail})` : ''}`);
    this.name = 'AppError';
  }
}
