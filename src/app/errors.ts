/**
 * Every error a person can see, with a fixed code (shown as `data-error-code`
 * on the `error` element), what happened, and what to do about it.
 */
export const APP_ERRORS = {
  'camera-denied': {
    title: 'Camera permission was denied',
    action:
      'Allow camera access for this site in the browser (the camera icon in the address bar, or site settings), then press Retry.',
  },
  'camera-missing': {
    title: 'No camera was found on this device',
    action: 'Connect a camera or open Doorpeer on a device that has one, then press Retry.',
  },
  'camera-busy': {
    title: 'The camera is in use by another app',
    action: 'Close the other app or tab that uses the camera, then press Retry.',
  },
  'camera-lost': {
    title: 'The camera stopped',
    action:
      'Another app may have taken the camera, or its permission was withdrawn. Close other apps that use the camera, check this site’s camera permission, then press Retry.',
  },
  'camera-background': {
    title: 'This camera page was in the background',
    action:
      'Phones stop the camera of a page in the background. Keep Doorpeer in the foreground with the screen on, keep the phone plugged in, and turn off battery optimisation for the browser in the phone’s settings.',
  },
  'camera-insecure': {
    title: 'This page is not a secure context, so the browser blocks the camera',
    action: 'Open Doorpeer over https:// or on localhost.',
  },
  'relay-unreachable': {
    title: 'Cannot reach the relay',
    action:
      'Check that this device is online and that the Doorpeer relay is running. Doorpeer keeps retrying by itself.',
  },
  'pair-malformed': {
    title: 'That is not a pairing code',
    action:
      'A code looks like K7QM-4T9X: four letters or digits, a dash, four more. Check the camera screen.',
  },
  'pair-unknown': {
    title: 'No camera is waiting for this code',
    action: 'Check the code on the camera screen. If the camera shows a new code, type that one.',
  },
  'pair-expired': {
    title: 'This pairing code has expired',
    action: 'Codes last 5 minutes and work once. The camera shows a fresh code: type that one.',
  },
  'pair-wrong-code': {
    title: 'Wrong pairing code',
    action: 'Check the code on the camera screen and type it again.',
  },
  'pair-locked-out': {
    title: 'Too many wrong codes for this camera',
    action:
      'Pairing with this camera is locked for a while. Wait, then try again with the code on its screen.',
  },
  'pair-timeout': {
    title: 'The camera did not answer',
    action: 'Check that the camera is on and shows its pairing code, then try again.',
  },
  'pair-busy': {
    title: 'The camera is pairing with another device right now',
    action: 'Wait a minute, then type the code the camera shows.',
  },
  'pair-cancelled': {
    title: 'Pairing was cancelled',
    action:
      'The numbers were not confirmed on both screens. If they did not match, someone may be interfering: check your relay. To try again, type the code the camera shows now.',
  },
  'pair-interrupted': {
    title: 'The connection to the relay dropped during pairing',
    action:
      'Nothing was paired. When this device is back online, the camera shows a new code: type that one and compare the numbers again.',
  },
  'pair-self': {
    title: 'This device cannot pair with itself',
    action: 'Open the pairing code on another device.',
  },
  'camera-offline': {
    title: 'The camera is offline',
    action: 'Check that the camera device is on, has Doorpeer open and is online. Doorpeer keeps retrying.',
  },
  'stream-failed': {
    title: 'The live connection failed',
    action:
      'Doorpeer retries by itself. If it keeps failing, both devices may need to be on the same network or the relay needs a TURN server.',
  },
  'not-allowed': {
    title: 'The camera refused this device',
    action: 'This device is no longer paired with the camera. Pair it again with a code from the camera.',
  },
  'security-warning': {
    title: 'Security warning: the connection was refused',
    action:
      'The other device did not present the certificate it was paired with, so someone may be tampering with the connection (for example the relay). Nothing was shown or sent. Check your relay; if it keeps happening, unpair and pair again in person.',
  },
  'detector-unavailable': {
    title: 'Person detection could not start on this camera',
    action:
      'Motion detection and the live stream keep working. Reload the page; if it keeps happening, reinstall Doorpeer on the relay (npm install prepares the detection models) or use a newer browser.',
  },
  'detector-slow': {
    title: 'This device is too slow to keep up with detection',
    action:
      'The live stream and motion detection keep working, but detection checks fewer frames than it needs, so it may miss someone passing quickly. Close other apps and tabs on this device, choose a lower resolution, or use a faster device as the camera.',
  },
  'talk-not-allowed': {
    title: 'This device may not talk through this camera',
    action:
      'The camera did not play your voice. Someone with the camera in hand can allow talking for this device (the “talk” box next to it in Paired viewers).',
  },
  'talk-busy': {
    title: 'Someone else answered the door',
    action: 'Only the person who answered first can talk to the visitor. You can keep watching.',
  },
  'mic-denied': {
    title: 'Microphone permission was denied',
    action:
      'Allow the microphone for this site in the browser (the icon in the address bar, or site settings), then press Talk again.',
  },
  'clip-storage-full': {
    title: 'There is no room to store a new clip on this device',
    action:
      'The clip stays on the camera until there is room. Delete clips you do not need, lower the history limits, or free storage on this device.',
  },
  'clip-unreadable': {
    title: 'A clip from a camera could not be opened on this device',
    action:
      'It was not sealed for this device or was damaged. Unpair and pair the camera again if it keeps happening.',
  },
  'camera-clips-full': {
    title: 'The camera’s clip storage is full',
    action:
      'New clips are not kept until the owner devices collect the waiting ones. Open Doorpeer on an owner device so they are delivered.',
  },
  'camera-clip-too-big': {
    title: 'A clip was too big to send and was not kept',
    action:
      'This browser records clips in a format that cannot be cut short. On an owner device, lower "Longest clip" in this camera’s clip settings.',
  },
  'push-failed': {
    title: 'Notifications for when the app is closed could not be turned on',
    action:
      'This browser could not subscribe with its push service. Check that this device is online, then try again. Rings and alerts still show while Doorpeer is open.',
  },
  'push-denied': {
    title: 'Notifications are blocked for this site',
    action:
      'Allow notifications for this site in the browser’s site settings (the icon in the address bar), then turn this switch on again.',
  },
  'push-unsupported': {
    title: 'This browser cannot get notifications while Doorpeer is closed',
    action:
      'On an iPhone or iPad, add Doorpeer to the home screen (Share, then Add to Home Screen; iOS 16.4 or later) and open it from there. Elsewhere, use a current Chrome, Edge, Firefox or Safari. Rings and alerts still show while Doorpeer is open.',
  },
  'push-relay-off': {
    title: 'Your relay has push notifications turned off',
    action:
      'Rings and alerts show while Doorpeer is open. Whoever runs the relay can turn push on by starting it without --no-push (or DOORPEER_PUSH=0).',
  },
  'storage-failed': {
    title: 'This browser cannot store Doorpeer’s keys',
    action: 'Leave private browsing mode or free some storage, then reload.',
  },
  'storage-blocked': {
    title: 'Doorpeer is waiting for another Doorpeer tab or window',
    action:
      'An older Doorpeer is open in another tab or window of this browser and holds its storage. Close that tab or window (or reload it); Doorpeer then starts here by itself. Nothing stored is lost.',
  },
  'storage-closed': {
    title: 'A newer Doorpeer opened in another tab or window',
    action:
      'This tab let go of Doorpeer’s storage so that the newer one could update it, and can no longer save anything. Reload this tab, or close it and use the other one. Nothing stored is lost.',
  },
  'storage-full': {
    title: 'This device’s storage is full: something could not be saved',
    action:
      'What was saved before is kept. Free storage on this device (delete clips you do not need, or other sites’ data), then do again what did not stick.',
  },
  'storage-write-failed': {
    title: 'Something could not be saved on this device',
    action:
      'What was saved before is kept. Reload Doorpeer and do again what did not stick; if it keeps happening, free storage on this device or use another browser.',
  },
  'storage-damaged': {
    title: 'Some stored records could not be read and were skipped',
    action:
      'Doorpeer goes on with everything else, and the damaged records are left on this device untouched. If a paired device, setting or clip is missing, pair or set it again.',
  },
  'storage-identity-damaged': {
    title: 'This device’s keys could not be read from storage',
    action:
      'Doorpeer did not replace them, since new keys would end every pairing. Reload; if this keeps happening, clear this site’s data in the browser settings and pair this device again.',
  },
} as const satisfies Record<string, { title: string; action: string }>;

export type AppErrorCode = keyof typeof APP_ERRORS;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly detail?: string,
  ) {
    super(`${APP_ERRORS[code].title}${detail ? ` (${detail})` : ''}`);
    this.name = 'AppError';
  }
}
