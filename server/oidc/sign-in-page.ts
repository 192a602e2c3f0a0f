// The small plain page the browser shows at the end of a sign-in with the hospital account (or
// when it cannot go on): one sentence, nothing loaded from anywhere.
import type { ServerResponse } from 'node:http';

export function sendSignInPage(
  res: ServerResponse,
  status: number,
  sentence: string,
  extraHeaders: Record<string, string | string[]> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in with the hospital account</title>
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#111}h1{font-size:1.2em}</style>
</head>
<body>
<h1>Sign-in with the hospital account</h1>
<p data-testid="hospital-sign-in-result">${escapeHtml(sentence)}</p>
</body>
</html>
`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extraHeaders,
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
