/** Every drill `npm run drill` knows, in the order it runs them. A new drill is added here. */
import type { Drill } from './lib/drill.ts';
import { relayFuzz } from './relay-fuzz/index.ts';
import { clipChaos } from './clip-chaos.ts';
import { network } from './network.ts';
import { storage } from './storage.ts';

export const DRILLS: readonly Drill[] = [relayFuzz, network, clipChaos, storage];
