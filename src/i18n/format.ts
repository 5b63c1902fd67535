/**
 * Dates, times, sizes and durations in the language shown (issue 14), through `Intl`,
 * never by gluing sentence parts. Each takes the language explicitly where a caller
 * has one (tests, the service worker) and the active one otherwise.
 */
import { activeLanguage } from './i18n.ts';
import type { Language } from './languages.ts';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** "14:03" / "2:03 PM" */
export function formatTime(ms: number, lang: Language = activeLanguage()): string {
  return cached(`t:${lang}`, () => new Intl.DateTimeFormat(lang, { timeStyle: 'short' })).format(ms);
}

/** "04.12.2026, 14:03" / "12/4/2026, 2:03 PM" */
export function formatDateTime(ms: number, lang: Language = activeLanguage()): string {
  return cached(
    `dt:${lang}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }),
  ).format(ms);
}

/** "4 Dec 2026" / "4. Dez. 2026" */
export function formatDate(ms: number, lang: Language = activeLanguage()): string {
  return cached(`d:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' })).format(ms);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago" / "vor 3 Minuten", "now" / "jetzt". */
export function formatRelative(ms: number, now: number, lang: Language = activeLanguage()): string {
  const rtf = cached(`r:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  let value = (ms - now) / 1000;
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}

/** "1.5 MB" / "1,5 MB" (decimal units, one decimal under 10). */
export function formatBytes(bytes: number, lang: Language = activeLanguage()): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  const unit = units[i] ?? 'byte';
  const digits = value < 10 && i > 0 ? 1 : 0;
  return cached(
    `b:${lang}:${unit}:${digits}`,
    () =>
      new Intl.NumberFormat(lang, {
        style: 'unit',
        unit,
        unitDisplay: 'short',
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      }),
  ).format(value);
}

/** "1 min 5 s" / "1 Min. 5 Sek.", "12 s" / "12 Sek." */
export function formatDuration(ms: number, lang: Language = activeLanguage()): string {
  const total = Math.round(ms / 1000);
  const unit = (u: 'hour' | 'minute' | 'second', n: number): string =>
    cached(
      `u:${lang}:${u}`,
      () => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }),
    ).format(n);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(unit('hour', h));
  if (m) parts.push(unit('minute', m));
  if (s || parts.length === 0) parts.push(unit('second', s));
  return parts.join(' ');
}

/** A plain number in the language's digits ("1,234" / "1.234"). */
export function formatNumber(n: number, lang: Language = activeLanguage()): string {
  return cached(`n:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}
