/** A camera's health on its tile (`panels/CameraHealthBadge.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const CameraHealthBadge = laterPanel((m) => m.CameraHealthBadge);
export const CameraHealthDetails = laterPanel((m) => m.CameraHealthDetails);
