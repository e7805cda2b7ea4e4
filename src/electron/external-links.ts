// Which links may leave the app for the operator's browser. Everything else a page tries to
// open (file:, javascript:, custom schemes that launch other programs, smb: shares that
// leak credentials) is dropped: shell.openExternal hands a URL to the OS, which will run
// whatever program claims its scheme.
const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:']);

/** The URL to open in the operator's browser, normalised, or null when it must not leave the app. */
export function vettedExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  // Credentials in a link are a phishing trick ("https://bank.example@evil.example/").
  if (!EXTERNAL_PROTOCOLS.has(url.protocol) || url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}
