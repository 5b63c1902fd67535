/** The event list (`panels/EventList.tsx`), fetched once the first screen is drawn (issue 16). */
import { laterPanel } from './screens.ts';

export const EventList = laterPanel((m) => m.EventList);
