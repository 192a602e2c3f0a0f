// The renderer's Content Security Policy, the same in both shells: the Electron window gets it as
// a meta tag in index.html, the browser shell also sends it as a header. No inline script, no
// eval, no remote origin; the only connection is the browser shell's own WebSocket ('self').
const directives = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For the meta tag (frame-ancestors is only honoured as a header). */
export const RENDERER_CSP_META = directives.join('; ');

/** For the HTTP header of the browser shell. */
export const RENDERER_CSP = [...directives, "frame-ancestors 'none'"].join('; ');
