/**
 * Builds the browser app (camera and viewer in one PWA) into `dist/`, which
 * the relay serves. Nothing in the build may point at another host: the app
 * must work from the owner's own deployment alone (DESIGN.md).
 */
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { doorpeerRelay } from './signaling/vite-plugin.ts';
import { prepareDetectionAssets } from './scripts/prepare-models.ts';
import { setupI18n } from '@lingui/core';
import { messages as enMessages } from './src/i18n/locales/en.ts';
import { messages as deMessages } from './src/i18n/locales/de.ts';
import { manifestTexts } from './src/i18n/manifest-text.ts';

/** Kept in step with `scripts/make-icons.ts` and the theme-color meta in index.html. */
const THEME_COLOR = '#14213d';

/** The manifest's words in each language, from the catalogs (issue 14). */
function manifestIn(lang: 'en' | 'de'): { description: string; lang: string } {
  const i18n = setupI18n({ locale: lang, messages: { en: enMessages, de: deMessages } });
  return { ...manifestTexts(i18n), lang };
}

const pwa = VitePWA({
  // Our own service worker (src/sw/sw.ts: precache, offline shell, Web Push, notification
  // clicks), with the precache list injected by the build.
  strategies: 'injectManifest',
  srcDir: 'src/sw',
  filename: 'sw.ts',
  registerType: 'autoUpdate',
  // The app registers the worker itself (`src/app/sw-register.ts`, `virtual:pwa-register`).
  injectRegister: false,
  // `globPatterns` below already picks up every icon in `public/`; listing them again here
  // would only add duplicate precache entries.
  includeManifestIcons: false,
  manifest: {
    name: 'Doorpeer',
    short_name: 'Doorpeer',
    ...manifestIn('en'),
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'any',
    theme_color: THEME_COLOR,
    background_color: THEME_COLOR,
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  injectManifest: {
    // App shell only. The detection models and WASM (`/detection/`, about 32 MB) are not
    // precached: every viewer would download them for nothing. A camera caches them when it
    // first loads them (runtime caching in src/sw/sw.ts), so a camera that ran once detects
    // offline too. (The plugin adds manifest.webmanifest itself.)
    globPatterns: ['**/*.{js,css,html,svg,png,txt}'],
    globIgnores: ['detection/**'],
  },
});

/**
 * Writes the detection models and WASM into `public/detection/` (scripts/prepare-models.ts)
 * before every dev server and build, so `npm run dev`, `npm run build`, `npm start`'s
 * build-if-needed and a fresh clone's `npm test` all have them. Quick when up to date.
 */
/**
 * `manifest.de.webmanifest`: the English manifest the PWA plugin writes, with the German
 * words. Platforms read the manifest the page links, so a German device installs a German
 * description (`src/app/language.ts` switches the link).
 */
function germanManifest(): Plugin {
  return {
    name: 'doorpeer-manifest-de',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const en = bundle['manifest.webmanifest'];
      if (!en || en.type !== 'asset') return;
      const manifest = JSON.parse(String(en.source)) as Record<string, unknown>;
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.de.webmanifest',
        source: JSON.stringify({ ...manifest, ...manifestIn('de') }),
      });
    },
  };
}

function detectionAssets(): Plugin {
  return {
    name: 'doorpeer-detection-assets',
    async config() {
      await prepareDetectionAssets();
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [
    detectionAssets(),
    preact(),
    pwa,
    germanManifest(),
    // The relay on Vite's own server gives `npm run dev` the same one-origin setup as production.
    ...(command === 'serve' ? [doorpeerRelay()] : []),
  ],
  build: {
    target: 'es2022',
  },
  // The detection worker must be a classic worker: tasks-vision cannot load in a module
  // worker (google-ai-edge/mediapipe#5479, #5257). See src/app/detection/person.ts.
  worker: {
    format: 'iife',
  },
}));
