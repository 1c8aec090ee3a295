/**
 * The few HTML pages Herald's web server shows people (the end of account linking): small, readable,
 * everything escaped, and served with headers that keep them from being framed, sniffed, cached or
 * leaking where they came from.
 */
import type { ServerResponse } from 'node:http';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface Page {
  readonly status: number;
  readonly title: string;
  /** Plain text; each line a paragraph. */
  readonly lines: readonly string[];
  readonly tone: 'success' | 'error';
}

export function renderPage(page: Page): string {
  const color = page.tone === 'success' ? '#1a7f37' : '#b42318';
  const paragraphs = page.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Herald</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:12vh auto;padding:0 1.25rem;color:#1f2328}
h1{font-size:1.4rem;color:${color}}p{margin:.6rem 0}small{color:#59636e}</style></head>
<body><h1>${escapeHtml(page.title)}</h1>
${paragraphs}
<p><small>Herald</small></p></body></html>
`;
}

export function sendPage(res: ServerResponse, page: Page): void {
  const body = renderPage(page);
  res.writeHead(page.status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { ...SECURITY_HEADERS, location, 'content-length': 0 });
  res.end();
}
