// End-to-end test of the one-map viewer in a real browser: Debian's headless
// Chromium driven by playwright-core (from viewer/node_modules).
//
//   node viewer_test.mjs PACKAGE_DIR SANXIANG_BIN SCREENSHOT.png VIEWER_DIR
//
// Serves the package with `sanxiang serve --port 0`, opens it, and checks:
// no request leaves 127.0.0.1 (no CDN); every layer, shown alone and zoomed
// to, paints pixels; clicking inside Changsha (112.94E 28.23N) shows the
// prefecture's attributes with its code and rank; clicking each raster where
// it has data shows the value of the full-resolution COG pixel there, equal
// to what gdallocationinfo reads from the COG at the clicked lon/lat (same
// pixel, same value); clicking a station shows its hydrograph. Keeps a
// screenshot as the test artefact.
import { execFileSync, spawn } from 'node:child_process';
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
// gdallocationinfo's pixel, line and band values of a file at WGS 84 lon/lat.
function gdalAt(file, lon, lat) {
  const xml = execFileSync('gdallocationinfo', ['-xml', '-wgs84', file, String(lon), String(lat)], { encoding: 'utf8' });
  const px = xml.match(/pixel="(-?\d+)" line="(-?\d+)"/);
  return { col: px ? Number(px[1]) : null, row: px ? Number(px[2]) : null,
    values: [...xml.matchAll(/<Value>([^<]*)<\/Value>/g)].map((m) => Number(m[1])) };
}
// Lon/lat of the preview cell with data nearest the centre of a raster layer.
function dataPoint(layer) {
  const b = readFileSync(path.join(pkg, layer.values));
  const v = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  const { width: w, height: h } = layer;
  let best = null;
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    if (Number.isNaN(v[r * w + c])) continue;
    const d = (r - h / 2) ** 2 + (c - w / 2) ** 2;
    if (!best || d < best.d) best = { d, r, c };
  }
  if (!best) return null;
  const [x0, y0, x1, y1] = layer.extent;
  return [x0 + ((best.c + 0.5) * (x1 - x0)) / w, y1 - ((best.r + 0.5) * (y1 - y0)) / h];
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

  // Chinese titles and legends: the text is there and drawn with real glyphs (two different characters
  // drawn in the element's font differ; without a CJK font both are the same "tofu" box).
  const cjk = /[\u4e00-\u9fff]/;
  for (const layer of manifest.layers.filter((l) => cjk.test(l.title) || cjk.test(l.legend_title || ''))) {
    // A raster's legend has a title (an RGB view's names its bands instead); a vector's shows its symbol.
    const legendTitle = layer.type === 'raster' && !layer.rgb ? layer.legend_title : '';
    for (const [sel, want] of [[`#layer-${layer.id} label`, layer.title], [`#layer-${layer.id} .legend`, legendTitle]]) {
      if (!cjk.test(want)) continue;
      const r = await page.evaluate((selector) => {
        const e = document.querySelector(selector);
        const chars = [...new Set([...e.textContent].filter((c) => /[\u4e00-\u9fff]/.test(c)))].slice(0, 2);
        const font = getComputedStyle(e).font;
        const draw = (t) => {
          const c = document.createElement('canvas');
          c.width = 48; c.height = 48;
          const g = c.getContext('2d');
          g.font = font.replace(/\d+(\.\d+)?px/, '32px');
          g.fillText(t, 4, 38);
          return c.toDataURL();
        };
        const blank = draw('');
        const a = draw(chars[0]), b = draw(chars[1] || chars[0]);
        return { text: e.textContent, chars: chars.join(''), distinct: chars.length === 2 && a !== b && a !== blank && b !== blank, font };
      }, sel);
      check(r.text.includes(want) && r.distinct, `${layer.id}: Chinese text "${want}" is shown in ${sel} and drawn with CJK glyphs (${r.chars}, ${r.font})`);
    }
  }
  if (manifest.layers.some((l) => cjk.test(l.title))) {
    const panelShot = shot.replace(/\.png$/, '_layers.png');
    await page.locator('#panel').screenshot({ path: panelShot });
    console.log(`layer list screenshot: ${panelShot}`);
  }
  // Multi-band rasters: a band choice (each band paints, with its own preview and legend) and an RGB composite in colour.
  for (const layer of manifest.layers.filter((l) => l.bands)) {
    await page.evaluate((id) => window.sxViewer.showOnly(id), layer.id);
    const options = await page.$$eval(`#band-${layer.id} option`, (os) => os.map((o) => o.value));
    const want = layer.bands.map((_, i) => String(i + 1)).concat(layer.bands.length >= 3 ? ['rgb'] : []);
    check(JSON.stringify(options) === JSON.stringify(want), `${layer.id}: band choice offers ${want.join(', ')} (got ${options.join(', ')})`);
    for (const value of want) {
      await page.selectOption(`#band-${layer.id}`, value);
      await page.waitForFunction(([id, v]) => document.getElementById(`band-${id}`).dataset.applied === v, [layer.id, value], { timeout: 10000 });
      await page.evaluate(() => window.sxViewer.rendered());
      const painted = await page.evaluate(() => window.sxViewer.paintedPixels());
      const colour = await page.evaluate(() => window.sxViewer.colourPixels());
      const url = await page.evaluate((id) => window.sxViewer.imageUrl(id), layer.id);
      const legend = await page.textContent(`#layer-${layer.id} .legend`);
      if (value === 'rgb') {
        check(painted >= 5000 && colour >= 1000 && url.startsWith('data:image/png'),
          `${layer.id}: the RGB composite paints ${painted} pixels, ${colour} in colour`);
        check(/RGB composite: R \S+, G \S+, B \S+/.test(legend), `${layer.id}: the RGB legend names its bands: "${legend}"`);
      } else {
        const band = layer.bands[Number(value) - 1];
        check(painted >= 5000 && url === band.image, `${layer.id}: band ${value} (${band.name}) paints ${painted} pixels from ${url}`);
        check(legend.includes(band.legend[band.legend.length - 1].label), `${layer.id}: band ${value} shows its own legend: "${legend}"`);
      }
    }
  }
  // Value under the cursor: read from the full-resolution COG, equal to gdallocationinfo's.
  for (const layer of manifest.layers.filter((l) => l.type === 'raster')) {
    const at = dataPoint(layer);
    if (!at) { check(false, `layer ${layer.id} has data in its preview`); continue; }
    await page.evaluate((id) => window.sxViewer.showOnly(id), layer.id);
    const [x, y] = await page.evaluate(([a, b]) => window.sxViewer.pixelOf(a, b), at);
    await clickMap(page, x, y);
    const got = await page.evaluate((id) => {
      const at = document.querySelector('#info-body .at');
      const v = document.querySelector(`#info-body .raster-value[data-layer="${id}"]`);
      return { lon: Number(at.dataset.lon), lat: Number(at.dataset.lat), text: v ? v.textContent : '',
        values: v ? JSON.parse(v.dataset.values) : [], source: v ? v.dataset.source : null,
        col: v ? Number(v.dataset.col) : null, row: v ? Number(v.dataset.row) : null };
    }, layer.id);
    const ref = gdalAt(path.join(pkg, layer.data), got.lon, got.lat);
    // Every band's value (a band with nodata there shows none: compare the others).
    const same = got.values.length === ref.values.length && got.values.some((v) => v !== null)
      && got.values.every((v, i) => v === null || Math.abs(v - ref.values[i]) <= 1e-12 * Math.max(1, Math.abs(ref.values[i])));
    check(got.source === 'cog' && got.col === ref.col && got.row === ref.row && same,
      `clicking ${layer.id} at ${got.lon.toFixed(6)}, ${got.lat.toFixed(6)} shows the COG value(s) ${got.values.join(', ')} (${got.source}, `
      + `pixel ${got.col},${got.row}); gdallocationinfo: ${ref.values.join(', ')} at pixel ${ref.col},${ref.row}`);
    const units = layer.units && layer.units !== '1' && !layer.classes ? layer.units : '';
    check(got.text.startsWith(layer.title) && (!units || got.text.includes(` ${units}`)), `${layer.id}: the value is shown with its title and units: "${got.text.slice(0, 100)}"`);
  }
  if (raster) {
    await page.evaluate((id) => window.sxViewer.showOnly(id), raster.id);
    const at = dataPoint(raster);
    const [x, y] = await page.evaluate(([a, b]) => window.sxViewer.pixelOf(a, b), at);
    await page.mouse.move(x + 2, y + 2);
    await page.waitForFunction((id) => document.getElementById('status').textContent.includes(`${id}:`), raster.id, { timeout: 5000 }).catch(() => {});
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
