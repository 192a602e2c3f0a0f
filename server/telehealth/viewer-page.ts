// The remote clinician's page: the built renderer's telehealth.html at /telehealth/, and the
// files it loads under /telehealth/ — only those, found from the built page (its scripts and
// styles, and the chunks, fonts and worklets they name), so no viewer token is needed and nothing
// else of the renderer's folder is reachable this way. The link's token stays in the address's
// fragment, which browsers never send: the page reads it and redeems it with the code.
import { readdir, readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { PAGE_MIME, pageHeaders, sendText } from '../http/page-files';

export const TELEHEALTH_HTML = 'telehealth.html';

/** A file name as a built chunk, style, font or worklet is named (no folder, no ..). */
const NAMED_FILE = /[\w-]+(?:\.[\w-]+)*\.(?:js|css|woff2?|wav|svg|png|json|wasm)\b/g;
const SCANNED = new Set(['.js', '.css']);

interface PageFiles {
  builtAtMs: number;
  /** Path under the server (/telehealth/…) → file in the renderer folder. */
  files: Map<string, string>;
}

export function viewerPage(rendererDir: string) {
  let cached: PageFiles | null = null;

  /** The page's files, read again when the page is rebuilt; none when it is not built. */
  async function pageFiles(): Promise<Map<string, string>> {
    const page = join(rendererDir, TELEHEALTH_HTML);
    let builtAtMs: number;
    try {
      builtAtMs = (await stat(page)).mtimeMs;
    } catch {
      return new Map();
    }
    if (cached?.builtAtMs === builtAtMs) return cached.files;
    const assets = new Set(await readdir(join(rendererDir, 'assets')).catch(() => []));
    const root = new Set(
      (await readdir(rendererDir).catch(() => [])).filter((name) => extname(name) !== '.html'),
    );
    const files = new Map<string, string>();
    const queue = [page];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const file = queue.shift()!;
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const [name] of text.matchAll(NAMED_FILE)) {
        const found = assets.has(name)
          ? { path: `${VIEWER_PATHS.page}assets/${name}`, file: join(rendererDir, 'assets', name) }
          : root.has(name)
            ? { path: `${VIEWER_PATHS.page}${name}`, file: join(rendererDir, name) }
            : null;
        if (!found || seen.has(found.file)) continue;
        seen.add(found.file);
        files.set(found.path, found.file);
        if (SCANNED.has(extname(name))) queue.push(found.file);
      }
    }
    cached = { builtAtMs, files };
    return files;
  }

  /** Answers GET/HEAD of the page or one of its files; false for anything else under it. */
  async function serve(res: ServerResponse, pathname: string, head: boolean): Promise<boolean> {
    const file =
      pathname === VIEWER_PATHS.page
        ? join(rendererDir, TELEHEALTH_HTML)
        : (await pageFiles()).get(pathname);
    if (!file) return false;
    pageHeaders(res);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      sendText(
        res,
        pathname === VIEWER_PATHS.page ? 503 : 404,
        pathname === VIEWER_PATHS.page
          ? 'The telehealth page is not built on this server. IT: run `npm run build` and start the central server again.'
          : `No file ${pathname}.`,
      );
      return true;
    }
    res.writeHead(200, {
      'Content-Type': PAGE_MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
    });
    res.end(head ? undefined : body);
    return true;
  }

  return { serve, pageFiles };
}
