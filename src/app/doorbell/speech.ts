/**
 * Speaks a quick reply at the door with the browser's own speech synthesis (nothing leaves
 * the device), in the language the reply was written in (issue 14): the viewer sends that
 * language with the text (`quick-reply`'s `lang`), never guessed from the door's own
 * language. Silent where the browser has no speech synthesis.
 */

/** The part of `SpeechSynthesisVoice` a voice is picked by. */
export interface VoiceLike {
  lang: string;
  default?: boolean;
  localService?: boolean;
}

/**
 * Pure: the voice for a BCP 47 tag — the same tag first (`de-DE` for `de-DE`), else the same
 * language (`de-AT` for `de`), preferring the browser's default voice and then one on the
 * device; undefined when none speaks it (the browser then picks by `utterance.lang`).
 */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], lang: string): V | undefined {
  const want = lang.toLowerCase().replace(/_/g, '-');
  const base = want.split('-')[0] ?? want;
  const tagOf = (v: V) => v.lang.toLowerCase().replace(/_/g, '-');
  const exact = voices.filter((v) => tagOf(v) === want);
  const same = exact.length > 0 ? exact : voices.filter((v) => tagOf(v).split('-')[0] === base);
  return same.find((v) => v.default) ?? same.find((v) => v.localService) ?? same[0];
}

export function speak(text: string, lang: string): void {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = lang;
  const voice = pickVoice(synth.getVoices(), lang);
  if (voice) utterance.voice = voice;
  synth.speak(utterance);
}
