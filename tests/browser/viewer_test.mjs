// End-to-end test of the one-map viewer in a real browser: Debian's headless
// Chromium driven by playwright-core (from viewer/node_modules).
//
//   node viewer_test.mjs PACKAGE_DIR SANXIANG_BIN SCREENSHOT.png VIEWER_DIR
//
// Serves the package with `sanxiang serve --port 0`, opens it, and checks:
// no request leaves 127.0.0.1 (no CDN); every layer, shown alone and zoomed
// to, paints pixels; clicking inside Changsha (112.94E 28.23N) shows the
// prefecture's attributes with its code and rank; clicking the raster shows
// its value with units. Keeps a screenshot as the test artefact.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [pkg, bin, shot, viewerDir] = process.argv.slice(2);
if (!viewerDir) {
  console.error('usage: node viewer_test.mjs PACKAGE_DIR SANXIANG_BIN SCREENSHOT.png VIEWER_DIR');
  process.exit(2);
}
const { chromium } = createRequire(path.resolve(viewerDir, 'package.json'))('playwright-core');
const manifest = JSON.parse(readFileSync(path.join(pkg, 'viewer.json'), 'utf8'));
const failures = [];
// Click at pixel (x, y) of the page and wait until the info panel has been rewritten for that click.
async function clickMap(page, x, y) {
  await page.evaluate(() => { document.getElementById('info-body').textContent = ''; });
  await page.mouse.click(x, y);
  await page.waitForFunction(() => /^lon /.test(document.getElementById('info-body').textContent), null, { timeout: 10000 });
}
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

const server = spawn(bin, ['serve', pkg, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`sanxiang serve exited with ${code}`)));
  setTimeout(() => reject(new Error('sanxiang serve did not report its port')), 20000);
});

let browser;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const foreign = [];
  const errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });

  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 60000 });
  check(await page.evaluate(() => document.body.dataset.ready) === 'true', 'viewer opened the package');

  for (const layer of manifest.layers) {
    await page.evaluate((id) => window.sxViewer.showOnly(id), layer.id);
    const n = await page.evaluate(() => window.sxViewer.paintedPixels());
    const min = layer.type === 'vector' && /Point/.test(layer.geometry) ? 20 * layer.features : 5000;
    check(n >= min, `layer ${layer.id} (${layer.type}) paints pixels where it has data: ${n} >= ${min}`);
    check(await page.isVisible(`#layer-${layer.id} .legend`), `layer ${layer.id} has a legend`);
  }
  // Switching a layer off removes its pixels.
  const raster = manifest.layers.find((l) => l.type === 'raster');
  if (raster) {
    await page.evaluate((id) => window.sxViewer.showOnly(id), raster.id);
    await page.uncheck(`#on-${raster.id}`);
    await page.evaluate(() => new Promise((r) => { window.sxViewer.map.once('rendercomplete', r); window.sxViewer.map.render(); }));
    check(await page.evaluate(() => window.sxViewer.paintedPixels()) === 0, `unchecking ${raster.id} hides it`);
    await page.check(`#on-${raster.id}`);
  }

  if (raster) {
    await page.evaluate(() => window.sxViewer.showAll());
    await page.evaluate((id) => window.sxViewer.fitTo(id), raster.id);
    const cx = (raster.extent[0] + raster.extent[2]) / 2, cy = (raster.extent[1] + raster.extent[3]) / 2;
    const [x, y] = await page.evaluate(([a, b]) => window.sxViewer.pixelOf(a, b), [cx, cy]);
    await clickMap(page, x, y);
    const text = await page.textContent('#info-body');
    const units = raster.units && raster.units !== '1' ? raster.units : '';
    check(new RegExp(`${raster.title.replace(/[()]/g, '.')}\\s*[-0-9.e]+\\s*${units}`).test(text),
      `clicking the raster shows its value under the cursor: "${text.slice(0, 120)}"`);
    await page.mouse.move(x + 10, y + 10);
    await page.waitForFunction((id) => document.getElementById('status').textContent.includes(id), raster.id, { timeout: 5000 }).catch(() => {});
    check((await page.textContent('#status')).includes(`${raster.id}:`), 'the status bar shows the value under the cursor');
  }
  const base = manifest.layers.find((l) => l.base);
  check(!!base, 'the package has an administrative-boundaries base layer');
  if (base) {
    await page.evaluate(() => window.sxViewer.showAll());
    await page.evaluate((id) => window.sxViewer.fitTo(id), base.id);
    const [x, y] = await page.evaluate(() => window.sxViewer.pixelOf(112.94, 28.23));
    await clickMap(page, x, y);
    const text = await page.textContent('#info-body');
    check(/430100/.test(text) && /长沙/.test(text), 'clicking Changsha shows its code and name');
    if (process.env.SX_EXPECT_RANK !== '0') check(/popu_2020_rank\s*1(?!\d)/.test(text), 'clicking Changsha shows its indicator rank (1 by 2020 population)');
    if (process.env.SX_EXPECT_RANK !== '0') check(/popu_2020\s*10047914/.test(text), 'clicking Changsha shows its 2020 population');
  }
  // A station with a forecast hydrograph: clicking it shows the image.
  for (const layer of manifest.layers.filter((l) => l.type === 'vector' && !l.base)) {
    const gj = JSON.parse(readFileSync(path.join(pkg, layer.geojson), 'utf8'));
    const f = gj.features.find((g) => g.properties.hydrograph && g.geometry.type === 'Point');
    if (!f) continue;
    await page.evaluate(() => window.sxViewer.showAll());
    await page.evaluate((id) => window.sxViewer.fitTo(id), layer.id);
    const [lon, lat] = f.geometry.coordinates;
    const [x, y] = await page.evaluate(([a, b]) => window.sxViewer.pixelOf(a, b), [lon, lat]);
    await clickMap(page, x, y);
    await page.waitForFunction(() => { const i = document.querySelector('#info-body img'); return i && i.complete && i.naturalWidth > 0; },
      null, { timeout: 10000 }).catch(() => {});
    const w = await page.evaluate(() => { const i = document.querySelector('#info-body img'); return i ? i.naturalWidth : 0; });
    const text = await page.textContent('#info-body');
    check(w > 0 && text.includes(f.properties.code), `clicking station ${f.properties.code} of ${layer.id} shows its hydrograph (${w} px wide): "${text.slice(0, 160)}"`);
  }
  if (base) {
    await page.evaluate((id) => window.sxViewer.fitTo(id), base.id);
    const [x, y] = await page.evaluate(() => window.sxViewer.pixelOf(112.94, 28.23));
    await clickMap(page, x, y);
  }
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
  check(foreign.length === 0, `no request leaves the local server (no CDN): ${foreign.slice(0, 3).join(' ')}`);
  check(errors.length === 0, `no page errors or failed requests: ${errors.slice(0, 3).join(' | ')}`);
} catch (e) {
  failures.push(String(e));
  console.error(e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('viewer test passed');
process.exit(0); // do not wait for the server child's pipes
