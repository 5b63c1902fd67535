/** A camera's alert settings (`panels/AlertSettings.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const AlertSettings = laterPanel((m) => m.AlertSettings);
