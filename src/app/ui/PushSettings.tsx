/** Web Push's settings and offer (`panels/PushSettings.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const PushSettings = laterPanel((m) => m.PushSettings);
export const PushOffer = laterPanel((m) => m.PushOffer);
