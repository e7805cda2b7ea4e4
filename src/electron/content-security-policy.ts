// The desktop window's Content-Security-Policy, sent with every file the app:// protocol
// serves. Only the app's own scripts run; inline styles are allowed because React sets
// style attributes (widths of virtualized rows, the progress bar), inline scripts are not.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
