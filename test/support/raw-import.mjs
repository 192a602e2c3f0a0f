// Lets plain Node (under tsx) load `import text from './x.sql?raw'` the way Vite does, so the
// benchmarks and CLI tests can run the host's TypeScript sources directly. Used with `--import`.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { readFile } from 'node:fs/promises';
      export async function load(url, context, nextLoad) {
        if (url.startsWith('file:') && url.endsWith('?raw')) {
          const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
          return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
        }
        return nextLoad(url, context);
      }
    `),
);
