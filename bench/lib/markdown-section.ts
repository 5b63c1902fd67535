/**
 * BENCHMARKS.md holds one generated section per benchmark between marker
 * comments, so each benchmark rewrites its own section and leaves the rest
 * of the file (and hand-written prose outside the markers) alone.
 */
export function sectionMarkers(name: string, kind = 'bench'): { start: string; end: string } {
  return { start: `<!-- ${kind}:${name}:start -->`, end: `<!-- ${kind}:${name}:end -->` };
}

/** Replaces the section's body, or appends the section if the file has none yet. */
export function replaceSection(doc: string, name: string, body: string, kind = 'bench'): string {
  const { start, end } = sectionMarkers(name, kind);
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from !== -1 && to > from) return doc.slice(0, from) + block + doc.slice(to + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}
