// sanxiang one-map viewer: opens the package it is served from (viewer.json,
// written by `sanxiang publish`) and shows every layer with legend, opacity
// and on/off control over the administrative-boundaries base layer.
//
// Rasters are drawn from their coloured preview (preview.png, EPSG:4326).
// "Value under the cursor" is read from the full-resolution COG itself:
// the clicked lon/lat goes through proj4js into the package CRS, then the
// COG's geotransform gives the pixel, and geotiff.js fetches just that tile
// with HTTP range requests (`sanxiang serve` answers them). Where that is not
// possible (a static server without range support, a sample type geotiff.js
// cannot decode) the value of the preview grid (values.f32) is shown instead,
// marked "preview". Vector layers are the WGS 84 GeoJSON copies; clicking a
// feature lists its attributes (a county's indicators and rank; a station's
// `hydrograph` image).
import 'ol/ol.css';
import './style.css';
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import ImageLayer from 'ol/layer/Image.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Fill, Stroke, Style, Circle } from 'ol/style.js';
import { extend as extendExtent, createEmpty } from 'ol/extent.js';
import ScaleLine from 'ol/control/ScaleLine.js';
import { fromUrl } from 'geotiff';
import proj4 from 'proj4';
import { bandControl, grid, staticSource } from './bands.js';

const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};

function vectorStyle(layer) {
  if (layer.base) {
    return new Style({ stroke: new Stroke({ color: '#3c3c3c', width: 1.2 }), fill: new Fill({ color: 'rgba(255,255,255,0.02)' }) });
  }
  return new Style({
    stroke: new Stroke({ color: '#2171b5', width: 1.5 }),
    fill: new Fill({ color: 'rgba(33,113,181,0.15)' }),
    image: new Circle({ radius: 5, fill: new Fill({ color: '#d73027' }), stroke: new Stroke({ color: '#fff', width: 1 }) }),
  });
}

function legendOf(layer) {
  const box = el('div', { class: 'legend' });
  if (layer.type !== 'raster') {
    box.append(el('div', { class: 'row' }, el('span', { class: 'swatch', style: layer.base ? 'border:2px solid #3c3c3c' : 'background:#2171b5' }), layer.geometry));
    return box;
  }
  if (layer.rgbNames) {
    box.append(el('div', {}, `RGB composite: R ${layer.rgbNames[0]}, G ${layer.rgbNames[1]}, B ${layer.rgbNames[2]} (each stretched over mean ± 2σ)`));
    return box;
  }
  box.append(el('div', {}, `${layer.legend_title}${layer.units && layer.units !== '1' ? ` (${layer.units})` : ''}`));
  if (layer.classes) {
    for (const c of layer.legend) {
      box.append(el('div', { class: 'row' }, el('span', { class: 'swatch', style: `background:${c.colour};opacity:${c.opacity}` }), c.label));
    }
  } else {
    const stops = layer.legend.map((c, i) => `${c.colour} ${(100 * i) / (layer.legend.length - 1)}%`).join(',');
    box.append(el('div', { class: 'ramp', style: `background:linear-gradient(to right,${stops})` }));
    box.append(el('div', { class: 'ends' }, el('span', {}, layer.legend[0].label), el('span', {}, layer.legend[layer.legend.length - 1].label)));
  }
  return box;
}

async function previewValue(layer, [x, y]) {
  const [x0, y0, x1, y1] = layer.extent;
  if (x < x0 || x >= x1 || y <= y0 || y > y1) return null;
  const col = Math.floor(((x - x0) / (x1 - x0)) * layer.width);
  const row = Math.floor(((y1 - y) / (y1 - y0)) * layer.height);
  const v = (await grid(layer.values))[row * layer.width + col];
  return Number.isNaN(v) ? null : v;
}

// Full-resolution COG images, opened on first use (header only; tiles on demand).
const cogs = {};
let toPackageCrs = null;
function cogOf(layer) {
  if (!cogs[layer.id]) cogs[layer.id] = fromUrl(layer.data, { allowFullFile: false }).then((t) => t.getImage(0));
  return cogs[layer.id];
}

function isNodata(layer, v) {
  if (Number.isNaN(v)) return true;
  if (layer.nodata === null || layer.nodata === undefined) return false;
  return v === layer.nodata || Math.abs(v - layer.nodata) <= 1e-6 * Math.abs(layer.nodata);
}

// Pixel (col, row) of the COG under lon/lat, or null outside it.
function cogPixel(layer, lonlat) {
  if (!toPackageCrs || !layer.transform) throw new Error('the package has no CRS definition for the COG');
  const [x, y] = toPackageCrs.forward(lonlat);
  const [a0, a1, a2, b0, b1, b2] = layer.transform;
  const det = a1 * b2 - a2 * b1;
  const col = Math.floor(((x - a0) * b2 - (y - b0) * a2) / det);
  const row = Math.floor(((y - b0) * a1 - (x - a0) * b1) / det);
  if (col < 0 || row < 0 || col >= layer.size[0] || row >= layer.size[1]) return null;
  return [col, row];
}

// Value of the layer at lon/lat: {value, source: 'cog'|'preview', col, row}, or null (outside / nodata).
async function valueAt(layer, lonlat) {
  try {
    const px = cogPixel(layer, lonlat);
    if (!px) return null;
    const image = await cogOf(layer);
    const bands = await image.readRasters({ window: [px[0], px[1], px[0] + 1, px[1] + 1] });
    const values = Array.from(bands, (b, i) => {
      const v = Number(b[0]);
      return isNodata(layer.bands ? layer.bands[i] || layer : layer, v) ? null : v;
    });
    return values.every((v) => v === null) ? null : { value: values[0], values, source: 'cog', col: px[0], row: px[1] };
  } catch (e) {
    if (!layer.cogFailed) console.warn(`reading ${layer.data}: ${e.message}; showing preview values`);
    layer.cogFailed = true;
    const v = await previewValue(layer, lonlat);
    return v === null ? null : { value: v, source: 'preview' };
  }
}

function formatValue(layer, r) {
  if (r === null) return 'no data';
  if (r.values && r.values.length > 1) {
    return r.values.map((v, i) => `${layer.bands[i] ? layer.bands[i].name : i + 1} ${v === null ? 'no data' : Number(v.toPrecision(7))}`).join(' · ');
  }
  const v = r.value;
  if (layer.classes) {
    const c = layer.legend.find((e) => Math.abs(e.value - v) < 0.5);
    return c ? c.label : String(v);
  }
  const text = `${Number(v.toPrecision(7))}${layer.units && layer.units !== '1' ? ' ' + layer.units : ''}`;
  return r.source === 'preview' ? `${text} (preview)` : text;
}

function attributeTable(props) {
  const t = el('table');
  for (const [k, v] of Object.entries(props)) {
    if (k === 'geometry' || v === null || v === undefined) continue;
    t.append(el('tr', {}, el('td', {}, k), el('td', {}, String(v))));
  }
  return t;
}

async function main() {
  const manifest = await (await fetch('viewer.json', { cache: 'no-cache' })).json();
  document.getElementById('title').textContent = manifest.title;
  document.getElementById('crs').textContent = `package CRS ${manifest.crs} · map shown in EPSG:4326`;
  document.title = `${manifest.title} — sanxiang one map`;
  if (manifest.proj4) toPackageCrs = proj4('+proj=longlat +datum=WGS84 +no_defs', manifest.proj4);

  const olLayers = {};
  const all = createEmpty();
  // Base boundaries at the bottom, then the layers in manifest order.
  const ordered = [...manifest.layers].sort((a, b) => (b.base ? 1 : 0) - (a.base ? 1 : 0));
  for (const layer of ordered) {
    let ol;
    if (layer.type === 'raster') {
      ol = new ImageLayer({ source: staticSource(layer.image, layer) });
      extendExtent(all, layer.extent);
    } else {
      ol = new VectorLayer({
        source: new VectorSource({ url: layer.geojson, format: new GeoJSON() }),
        style: vectorStyle(layer),
      });
      extendExtent(all, layer.bbox);
    }
    ol.set('sx', layer);
    olLayers[layer.id] = ol;
  }

  const map = new Map({
    target: 'map',
    layers: ordered.map((l) => olLayers[l.id]),
    view: new View({ projection: 'EPSG:4326' }),
  });
  map.addControl(new ScaleLine());
  const base = manifest.layers.find((l) => l.base);
  map.getView().fit(base ? base.bbox : all, { padding: [20, 20, 20, 20] });

  const panel = document.getElementById('layers');
  const bandApplied = [];
  for (const layer of [...ordered].reverse()) {
    const ol = olLayers[layer.id];
    const box = el('input', { type: 'checkbox', id: `on-${layer.id}` });
    box.checked = true;
    box.addEventListener('change', () => ol.setVisible(box.checked));
    const opacity = el('input', { type: 'range', min: '0', max: '1', step: '0.05', value: '1', id: `opacity-${layer.id}`, title: 'opacity' });
    opacity.addEventListener('input', () => ol.setOpacity(Number(opacity.value)));
    const zoom = el('button', { onclick: () => map.getView().fit(layer.type === 'raster' ? layer.extent : layer.bbox, { padding: [20, 20, 20, 20] }) }, 'zoom to');
    panel.append(el('div', { class: 'layer', id: `layer-${layer.id}` },
      el('div', {}, box, ' ', el('label', { for: `on-${layer.id}` }, layer.title)),
      el('div', {}, 'opacity ', opacity, ' ', zoom, ' ', el('a', { href: layer.data, download: '' }, 'data'), ' ', el('a', { href: layer.stac }, 'STAC')),
      legendOf(layer)));
    if (layer.bands) {
      const row = panel.lastChild;
      const control = bandControl(layer, (url) => ol.setSource(staticSource(url, layer)), (band, rgbNames) => {
        row.querySelector('.legend').replaceWith(legendOf(band ? { ...layer, legend: band.legend } : { ...layer, rgbNames }));
      });
      row.insertBefore(control.box, row.querySelector('.legend'));
      bandApplied.push(control.apply());
    }
  }
  await Promise.all(bandApplied);

  const info = document.getElementById('info-body');
  map.on('singleclick', async (evt) => {
    const parts = [];
    map.forEachFeatureAtPixel(evt.pixel, (feature, layer) => {
      const sx = layer && layer.get('sx');
      if (!sx) return;
      const props = feature.getProperties();
      const section = el('div', { class: 'feature' }, el('h3', {}, sx.title));
      if (props.hydrograph) section.append(el('img', { src: `${sx.geojson.replace(/[^/]*$/, '')}${props.hydrograph}`, alt: 'forecast hydrograph' }));
      section.append(attributeTable(props));
      parts.push(section);
    });
    for (const layer of manifest.layers) {
      if (layer.type !== 'raster' || !olLayers[layer.id].getVisible()) continue;
      const r = await valueAt(layer, evt.coordinate);
      if (r === null) continue;
      const where = r.source === 'cog' ? `COG pixel ${r.col}, line ${r.row}` : 'preview cell';
      parts.push(el('div', { class: 'raster-value', 'data-layer': layer.id, 'data-value': String(r.value), 'data-values': JSON.stringify(r.values || [r.value]), 'data-source': r.source,
        'data-col': String(r.col ?? ''), 'data-row': String(r.row ?? '') },
      el('h3', {}, layer.title), formatValue(layer, r), el('div', { class: 'where' }, where)));
    }
    info.replaceChildren(el('div', { class: 'at', 'data-lon': String(evt.coordinate[0]), 'data-lat': String(evt.coordinate[1]) },
      `lon ${evt.coordinate[0].toFixed(5)}, lat ${evt.coordinate[1].toFixed(5)}`), ...parts);
    if (!parts.length) info.append(el('div', {}, 'nothing here'));
  });

  const status = document.getElementById('status');
  // Hover reads the COG too, once the pointer rests for a moment; a later move wins over an older read.
  let hoverTimer = null;
  let hoverSeq = 0;
  map.on('pointermove', (evt) => {
    if (evt.dragging) return;
    const coordinate = evt.coordinate;
    status.textContent = `${coordinate[0].toFixed(5)}, ${coordinate[1].toFixed(5)}`;
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(async () => {
      const seq = ++hoverSeq;
      const texts = [`${coordinate[0].toFixed(5)}, ${coordinate[1].toFixed(5)}`];
      for (const layer of manifest.layers) {
        if (layer.type !== 'raster' || !olLayers[layer.id].getVisible()) continue;
        const r = await valueAt(layer, coordinate);
        if (r !== null) texts.push(`${layer.id}: ${formatValue(layer, r)}`);
      }
      if (seq === hoverSeq) status.textContent = texts.join('  ·  ');
    }, 150);
  });

  // Hooks for the browser test (tests/browser) and for scripting.
  const rendered = () => new Promise((resolve) => { map.once('rendercomplete', resolve); map.render(); });
  window.sxViewer = {
    manifest,
    map,
    layers: olLayers,
    async showOnly(id) {
      for (const [k, l] of Object.entries(olLayers)) l.setVisible(k === id);
      const sx = olLayers[id].get('sx');
      map.getView().fit(sx.type === 'raster' ? sx.extent : sx.bbox, { padding: [20, 20, 20, 20] });
      await rendered();
    },
    async showAll() {
      for (const l of Object.values(olLayers)) l.setVisible(true);
      await rendered();
    },
    async fitTo(id) {
      const sx = olLayers[id].get('sx');
      map.getView().fit(sx.type === 'raster' ? sx.extent : sx.bbox, { padding: [20, 20, 20, 20] });
      await rendered();
    },
    pixelOf(lon, lat) {
      const [x, y] = map.getPixelFromCoordinate([lon, lat]);
      const r = map.getTargetElement().getBoundingClientRect();
      return [r.left + x, r.top + y];
    },
    // Pixels painted (alpha > 0) on the map's canvases.
    paintedPixels() {
      return this.countPixels((d, i) => d[i + 3] > 0);
    },
    // Painted pixels in colour (channels differ by more than 10), not grey.
    colourPixels() {
      return this.countPixels((d, i) => d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 10);
    },
    countPixels(test) {
      let n = 0;
      for (const c of map.getViewport().querySelectorAll('canvas')) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) if (test(d, i)) n++;
      }
      return n;
    },
    rendered,
    imageUrl(id) {
      return olLayers[id].getSource().getUrl();
    },
  };
  await rendered();
  window.sxViewer.ready = true;
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  document.getElementById('info-body').textContent = `cannot open the package: ${e.message}`;
  document.body.dataset.ready = 'error';
  console.error(e);
});
