/**
 * Property tests (fast-check) of the two places where chunks from a peer become a picture or a
 * clip: the viewer's alert assembler and the clip reassembly. Whatever order, duplicates, drops,
 * tampered bytes or out-of-range indices a camera (or anything between) sends, an alert is
 * delivered once, and a snapshot or clip that comes out is byte-identical to what was sent; when
 * every chunk arrived untouched, in any order, the snapshot does come out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALERT_LIMITS } from '../../src/shared/alert-messages.ts';
import { alertMessages, type AlertChunk } from '../../src/app/alerts/chunks.ts';
import { AlertAssembler, type AssembledAlert } from '../../src/app/alerts/assembler.ts';
import { assemble } from '../../src/app/history/chunks.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';

const SEED = 20_261_205;
const CAMERA = 'abcdefghijklmnopqrstuvwxyz';
const EVENT = { type: 'motion-start' as const, at: 1_700_000_000_000, boxes: [] };

/** One thing the link may do to a chunk on its way. */
type Fault = 'deliver' | 'drop' | 'duplicate' | 'tamper' | 'out-of-range';
const fault = fc.constantFrom<Fault>(
  'deliver',
  'deliver',
  'deliver',
  'drop',
  'duplicate',
  'tamper',
  'out-of-range',
);

/** Snapshot bytes of a few chunks' size (small chunk sizes are not possible: the wire fixes 8,000 bytes). */
const snapshot = fc
  .integer({ min: 1, max: ALERT_LIMITS.chunkBytes * 4 + 17 })
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
  .map((b) => new Uint8Array(b));

function tampered(c: AlertChunk): AlertChunk {
  const bytes = Buffer.from(c.data, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  return { ...c, data: toB64u(bytes) };
}

/** The chunks as the link delivers them, plus whether any was lost or changed on the way. */
function through(
  chunks: AlertChunk[],
  faults: Fault[],
  order: number[],
): { out: AlertChunk[]; intact: boolean } {
  const out: AlertChunk[] = [];
  let intact = true;
  chunks.forEach((c, i) => {
    const f = faults[i % faults.length] ?? 'deliver';
    if (f === 'drop') intact = false;
    else if (f === 'duplicate') out.push(c, c);
    else if (f === 'tamper') {
      out.push(tampered(c));
      intact = false;
    } else if (f === 'out-of-range') {
      out.push({ ...c, i: ALERT_LIMITS.maxChunks - 1 }, c);
      // An index past this snapshot's own count ends it as corrupt, unless it happens to be in range.
      if (chunks.length < ALERT_LIMITS.maxChunks) intact = false;
    } else out.push(c);
  });
  // Shuffle by the generated keys: a stable sort on random numbers is a random permutation.
  const keyed = out.map((c, i) => ({ c, k: order[i % order.length] ?? 0, i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return { out: keyed.map((x) => x.c), intact };
}

describe('chunk assembly (fast-check)', () => {
  it('an alert is delivered once; its snapshot is byte-identical or absent with a reason, and present when nothing was lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        snapshot,
        fc.array(fault, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 16 }),
        async (jpeg, faults, order) => {
          const { header, chunks } = await alertMessages('alert-0001', EVENT, jpeg);
          const { out, intact } = through(chunks, faults, order);
          const asm = new AlertAssembler();
          const delivered: AssembledAlert[] = asm.header(CAMERA, header, 0);
          for (const c of out) {
            const done = await asm.chunk(CAMERA, c);
            if (done) delivered.push(done);
          }
          // A repeated header after the end must not deliver it again.
          delivered.push(...asm.header(CAMERA, header, 1));
          delivered.push(...asm.expire(asm.timeoutMs + 1));
          assert.equal(delivered.length, 1, 'delivered exactly once');
          const alert = delivered[0] as AssembledAlert;
          if (alert.snapshot)
            assert.deepEqual(alert.snapshot, jpeg, 'a snapshot that comes out is the one sent');
          else assert.ok(alert.problem, 'a missing snapshot comes with its reason');
          if (intact) assert.ok(alert.snapshot, 'every chunk arrived untouched, so the snapshot is there');
          assert.equal(asm.inFlight, 0);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('clip reassembly gives the clip back from chunks in any order, and null when one is missing or too long', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 16 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        (raw, chunkBytes, order, dropAt, grow) => {
          const clip = new Uint8Array(raw);
          const total = Math.ceil(clip.length / chunkBytes);
          const indices = Array.from({ length: total }, (_, i) => i);
          indices.sort((a, b) => (order[a % order.length] ?? 0) - (order[b % order.length] ?? 0) || a - b);
          const parts = new Map<number, Uint8Array>();
          for (const i of indices) parts.set(i, clip.subarray(i * chunkBytes, (i + 1) * chunkBytes));
          assert.deepEqual(assemble(parts, total, clip.length), clip, 'any order gives the clip back');

          const broken = new Map(parts);
          const victim = dropAt === undefined ? 0 : dropAt % total;
          if (grow) broken.set(victim, new Uint8Array([...(parts.get(victim) ?? []), 0]));
          else broken.delete(victim);
          assert.equal(assemble(broken, total, clip.length), null, 'a missing or longer chunk gives no clip');
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
