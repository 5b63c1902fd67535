/** The visitor messages (`panels/VisitorMessages.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const VisitorMessages = laterPanel((m) => m.VisitorMessages);
