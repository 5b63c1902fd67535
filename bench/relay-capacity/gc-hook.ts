/**
 * Preloaded (`--expose-gc --import`) into every server the capacity benchmark
 * measures, the same for each, so memory is read the same way everywhere: on
 * SIGUSR2 the process runs a full GC twice and prints one line
 * `[mem] {rss, heapUsed, ...}` (process.memoryUsage) on stdout. Without the
 * forced GC a reading says more about when V8 last collected (the Doorpeer
 * relay's signature checks leave garbage; PeerServer's handshake leaves less)
 * than about what a connection holds.
 */
const forceGc = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  forceGc?.();
  forceGc?.();
  process.stdout.write(
    `[mem] ${JSON.stringify({ forcedGc: forceGc !== undefined, ...process.memoryUsage() })}\n`,
  );
});
export {};
