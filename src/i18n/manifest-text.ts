/**
 * The installable app's texts (issue 14): the build writes one web app manifest per
 * language from these (`vite.config.ts`), and the app links the one of the language it
 * shows (`src/app/language.ts`). The name is the brand and stays as it is.
 */
import type { I18n } from '@lingui/core';

export const manifestTexts = (i18n: I18n): { description: string } => ({
  description: i18n._(
    'Video doorbell and home camera with no cloud: a spare device is the camera, your browser is the viewer, video goes peer to peer.',
  ),
});
