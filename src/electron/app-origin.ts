// The desktop app's own origin. The renderer is served from a custom privileged scheme
// rather than file://, so it has a real origin that the CSP's 'self', the IPC sender check
// and the navigation guard can all name (file:// pages share one opaque origin with every
// other local file).
export const APP_SCHEME = 'app';
export const APP_HOST = 'handrail';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True when `url` is a page of the app itself. (WHATWG URL gives non-special schemes a `null` origin, so compare the parts.) */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
