// `npm run vendor`: copies the locked uPlot (node_modules/uplot) into web/explorer/vendor/uplot,
// where telcod serves it. The copy is committed so the explorer works without npm or a
// network; run.py checks that it still matches package-lock.json byte for byte.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const from = join(here, 'node_modules', 'uplot');
const to = join(here, '..', '..', 'web', 'explorer', 'vendor', 'uplot');
mkdirSync(to, { recursive: true });
for (const [src, dst] of [['dist/uPlot.iife.min.js', 'uPlot.iife.min.js'], ['dist/uPlot.min.css', 'uPlot.min.css'], ['LICENSE', 'LICENSE']]) {
  copyFileSync(join(from, src), join(to, dst));
  console.log(`vendored ${src} -> web/explorer/vendor/uplot/${dst}`);
}
