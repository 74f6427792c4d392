// Band choice for multi-band rasters: one band at a time (its coloured
// preview, with that band's legend), or an RGB composite of three bands
// (default for 3+ bands: the bands publish found to be red, green, blue).
// The composite is drawn here from the bands' float32 preview grids, each
// stretched linearly over mean ± 2 standard deviations (within min–max) of
// the band's statistics of the full-resolution COG; a cell that is nodata in
// any of the three bands is transparent.
import Static from 'ol/source/ImageStatic.js';

// Float32 preview grids (values*.f32), fetched on first use and kept.
const grids = {};
export function grid(url) {
  if (!grids[url]) grids[url] = fetch(url).then((r) => r.arrayBuffer()).then((b) => new Float32Array(b));
  return grids[url];
}

function stretch(band) {
  const s = band.stats;
  if (!s) return band.range;
  return [Math.max(s.min, s.mean - 2 * s.std), Math.min(s.max, s.mean + 2 * s.std)];
}

// A PNG data URL of the RGB composite of bands rgb (1-based) of a layer.
export async function rgbImage(layer, rgb) {
  const bands = rgb.map((b) => layer.bands[b - 1]);
  const values = await Promise.all(bands.map((b) => grid(b.values)));
  const ranges = bands.map(stretch);
  const canvas = document.createElement('canvas');
  canvas.width = layer.width;
  canvas.height = layer.height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(layer.width, layer.height);
  for (let i = 0; i < layer.width * layer.height; i++) {
    let ok = true;
    for (let c = 0; c < 3; c++) {
      const v = values[c][i];
      if (Number.isNaN(v)) { ok = false; break; }
      const [lo, hi] = ranges[c];
      img.data[4 * i + c] = Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo || 1)) * 255)));
    }
    img.data[4 * i + 3] = ok ? 255 : 0;
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

const bandLabel = (b, i) => `${i + 1}: ${b.description || b.name}`;

// The band/RGB selector of a layer. show(url) swaps the layer's image,
// legend(band|null) redraws the legend (null: the RGB description).
export function bandControl(layer, show, legend) {
  const select = document.createElement('select');
  select.id = `band-${layer.id}`;
  select.title = 'band';
  layer.bands.forEach((b, i) => select.append(new Option(bandLabel(b, i), String(i + 1))));
  const rgbBox = document.createElement('span');
  rgbBox.className = 'rgb';
  const pickers = [];
  if (layer.rgb) {
    select.append(new Option('RGB composite', 'rgb'));
    ['R', 'G', 'B'].forEach((name, c) => {
      const p = document.createElement('select');
      p.id = `rgb-${layer.id}-${name}`;
      p.title = `${name} band`;
      layer.bands.forEach((b, i) => p.append(new Option(`${name}: ${b.name}`, String(i + 1))));
      p.value = String(layer.rgb[c]);
      p.addEventListener('change', () => apply());
      pickers.push(p);
      rgbBox.append(p);
    });
    select.value = 'rgb';
  }
  async function apply() {
    delete select.dataset.applied;
    if (select.value === 'rgb') {
      rgbBox.style.display = '';
      const rgb = pickers.map((p) => Number(p.value));
      show(await rgbImage(layer, rgb));
      legend(null, rgb.map((b) => layer.bands[b - 1].name));
    } else {
      rgbBox.style.display = 'none';
      const band = layer.bands[Number(select.value) - 1];
      show(band.image);
      legend(band);
    }
    select.dataset.applied = select.value;
  }
  select.addEventListener('change', () => apply());
  const box = document.createElement('div');
  box.className = 'bands';
  box.append('band ', select, ' ', rgbBox);
  return { box, apply };
}

export function staticSource(url, layer) {
  return new Static({ url, imageExtent: layer.extent, projection: 'EPSG:4326', interpolate: false });
}
