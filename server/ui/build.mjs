// build.mjs - bundles the UI into dist/ (committed: `make` needs no npm).
//   npm ci --prefix server/ui && node server/ui/build.mjs [OUT_DIR]
// OUT_DIR (default dist/): tests/e2e/ui_lint.sh bundles into a scratch
// folder and compares it with the committed dist/.
// dist/index.html is index.html as is; dist/app.js is src/main.js and its
// imports in one ES module; dist/app.css is src/style.css, minified.  The
// playground's editor: dist/play.html, play.js (src/play.js), play.css.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.argv[2] || join(here, 'dist');
mkdirSync(dist, { recursive: true });
const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: [join(here, 'src/main.js')], outfile: join(dist, 'app.js'),
	format: 'esm', target: 'es2020' });
await esbuild.build({ ...common, entryPoints: [join(here, 'src/style.css')], outfile: join(dist, 'app.css') });
copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
await esbuild.build({ ...common, entryPoints: [join(here, 'src/play.js')], outfile: join(dist, 'play.js'),
	format: 'esm', target: 'es2020' });
await esbuild.build({ ...common, entryPoints: [join(here, 'src/play.css')], outfile: join(dist, 'play.css') });
copyFileSync(join(here, 'play.html'), join(dist, 'play.html'));
console.log('built ' + dist);
