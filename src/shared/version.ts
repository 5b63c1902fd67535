/** The app's version, as in package.json (a unit test keeps the two the same). Reported in camera health. */
export const APP_VERSION = '0.1.0';
