import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanRects, isMasked, maskPixelRects, rectFromPoints } from '../../src/app/camera/mask-geometry.ts';
import { normaliseSettings } from '../../src/app/camera/detection-settings.ts';
import { ALERT_LIMITS } from '../../src/shared/alert-messages.ts';
import { Pacer } from '../../src/app/alerts/pacer.ts';
import { shouldNotify } from '../../src/app/alerts/notify.ts';

describe('mask geometry', () => {
  it('maps a mask to the pixels it covers', () => {
    assert.deepEqual(maskPixelRects([{ x: 0, y: 0, w: 0.5, h: 0.5 }], 640, 480), [
      { x: 0, y: 0, w: 320, h: 240 },
    ]);
    assert.deepEqual(maskPixelRects([{ x: 0.5, y: 0.25, w: 0.5, h: 0.75 }], 640, 480), [
      { x: 320, y: 120, w: 320, h: 360 },
    ]);
  });

  it('rounds outwards to even pixels, so no partly covered pixel (or chroma block) shows', () => {
    // 0.1 * 641 = 64.1 .. 0.3 * 641 = 192.3  ->  64 .. 194
    const [r] = maskPixelRects([{ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }], 641, 481);
    assert.deepEqual(r, { x: 64, y: 48, w: 130, h: 98 });
    // Odd start: 0.0016 * 640 = 1.02 -> 0
    const [s] = maskPixelRects([{ x: 0.0016, y: 0.0016, w: 0.01, h: 0.01 }], 640, 480);
    assert.equal(s?.x, 0);
    assert.equal(s?.y, 0);
    for (const q of [r, s]) for (const v of [q!.x, q!.y, q!.w, q!.h]) assert.equal(v % 2, 0);
  });

  it('every pixel whose area overlaps the mask is covered', () => {
    const mask = { x: 0.123, y: 0.377, w: 0.211, h: 0.05 };
    const w = 333;
    const h = 251;
    const rects = maskPixelRects([mask], w, h);
    for (let py = 0; py < h; py++) {
      for (let px = 0; px < w; px++) {
        const overlaps =
          (px + 1) / w > mask.x &&
          px / w < mask.x + mask.w &&
          (py + 1) / h > mask.y &&
          py / h < mask.y + mask.h;
        if (overlaps) assert.ok(isMasked(rects, px, py), `pixel ${px},${py}`);
      }
    }
  });

  it('clips to the frame and drops what is outside it', () => {
    assert.deepEqual(maskPixelRects([{ x: 0.9, y: 0.9, w: 0.5, h: 0.5 }], 100, 100), [
      { x: 90, y: 90, w: 10, h: 10 },
    ]);
    assert.deepEqual(maskPixelRects([{ x: 1.2, y: 0, w: 0.5, h: 0.5 }], 100, 100), []);
    assert.deepEqual(maskPixelRects([{ x: Number.NaN, y: 0, w: 0.5, h: 0.5 }], 100, 100), []);
  });

  it('a drag in any direction makes the same rectangle, clamped to the frame', () => {
    const a = rectFromPoints(0.2, 0.3, 0.6, 0.7);
    const b = rectFromPoints(0.6, 0.7, 0.2, 0.3);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(a.w - 0.4) < 1e-12 && Math.abs(a.h - 0.4) < 1e-12);
    assert.deepEqual(rectFromPoints(-0.5, -0.5, 0.5, 1.5), { x: 0, y: 0, w: 0.5, h: 1 });
  });

  it('cleaning settings flips negative sizes, drops slivers and caps the count', () => {
    assert.deepEqual(cleanRects([{ x: 0.5, y: 0.5, w: -0.25, h: -0.25 }]), [
      { x: 0.25, y: 0.25, w: 0.25, h: 0.25 },
    ]);
    assert.deepEqual(cleanRects([{ x: 0.5, y: 0.5, w: 0.001, h: 0.3 }]), []);
    const many = Array.from({ length: 40 }, () => ({ x: 0, y: 0, w: 0.1, h: 0.1 }));
    assert.equal(cleanRects(many).length, ALERT_LIMITS.maxRects);
    const s = normaliseSettings({ enabled: true, sensitivity: 42, zones: many, masks: [] });
    assert.equal(s.sensitivity, 10);
    assert.equal(s.zones.length, ALERT_LIMITS.maxRects);
  });
});

describe('alert pacing and notifications', () => {
  it('the pacer allows a burst, then the rate', () => {
    let t = 0;
    const p = new Pacer(10, 3, () => t);
    assert.deepEqual([p.tryTake(), p.tryTake(), p.tryTake()], [0, 0, 0]);
    assert.equal(p.tryTake(), 100);
    t += 100;
    assert.equal(p.tryTake(), 0);
    assert.ok(p.tryTake() > 0);
  });

  it('notifies only in the background, with permission, for the types the owner chose', () => {
    const prefs = { 'motion-start': false, person: true, 'motion-end': false };
    assert.equal(shouldNotify('person', prefs, true, 'granted'), true);
    assert.equal(shouldNotify('person', prefs, false, 'granted'), false);
    assert.equal(shouldNotify('person', prefs, true, 'denied'), false);
    assert.equal(shouldNotify('motion-start', prefs, true, 'granted'), false);
    assert.equal(shouldNotify('motion-end', undefined, true, 'granted'), false);
    assert.equal(shouldNotify('person', undefined, true, 'granted'), true);
  });
});
