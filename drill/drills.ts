/** Every drill `npm run drill` knows, in the order it runs them. A new drill is added here. */
import type { Drill } from './lib/drill.ts';

export const DRILLS: readonly Drill[] = [];
