/** The access log (`panels/AccessLogView.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const AccessLogView = laterPanel((m) => m.AccessLogView);
