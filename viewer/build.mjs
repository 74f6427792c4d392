// Bundles the viewer (OpenLayers from node_modules) into dist/: index.html,
// assets/viewer.js and assets/viewer.css. No CDN is used at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });
await esbuild.build({
  entryPoints: { viewer: 'src/main.js' },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  outdir: 'dist/assets',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync('index.html', 'dist/index.html');
console.log('viewer built in dist/');
