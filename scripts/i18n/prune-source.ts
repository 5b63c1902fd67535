/**
 * Step two of `npm run i18n:compile` (issue 14): the source language's compiled catalog
 * keeps only the messages that need compiling (placeholders, plurals). A plain English
 * message is its own ID, and Lingui shows the ID of a message its catalog lacks, so the
 * English chunk does not carry every sentence a second time.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const PREFIX = '/*eslint-disable*/import type{Messages}from"@lingui/core";export const messages=JSON.parse(';
const SUFFIX = ')as Messages;';

/** The compiled messages minus those that compile to their own ID, as the same module text. */
export function pruneCompiled(moduleText: string): string {
  const text = moduleText.trim();
  if (!text.startsWith(PREFIX) || !text.endsWith(SUFFIX)) {
    throw new Error('not a catalog written by `lingui compile --typescript`');
  }
  const json = JSON.parse(text.slice(PREFIX.length, -SUFFIX.length)) as string;
  const messages = JSON.parse(json) as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(messages).filter(
      ([id, compiled]) => !(Array.isArray(compiled) && compiled.length === 1 && compiled[0] === id),
    ),
  );
  return `${PREFIX}${JSON.stringify(JSON.stringify(kept))}${SUFFIX}`;
}

export function pruneSourceCatalog(file: string): void {
  writeFileSync(file, pruneCompiled(readFileSync(file, 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  pruneSourceCatalog(process.argv[2] ?? 'src/i18n/locales/en.ts');
}
