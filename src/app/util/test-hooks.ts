/**
 * Test hooks that shorten a waiting time: `localStorage[key]` in ms, taken only when it is
 * at least `floorMs` and shorter than `normalMs`, so a hook can never lengthen a wait or
 * weaken anything (docs/testing.md lists them).
 */
export function shortenedMs(key: string, normalMs: number, floorMs = 1): number {
  const v = Number(globalThis.localStorage?.getItem(key));
  return v >= floorMs && v < normalMs ? v : normalMs;
}
