#!/usr/bin/env bash
# (Re)creates the seed inputs tests/fuzz/corpus/<harness>/seed_* from the
# repository's own inputs: job files, trimmed data tables, the expressions of
# the docs. Regression inputs of past findings (regress_*) are kept.
# Run from anywhere; needs the release build for the watershed seeds
# (build/bin/sanxiang) and ogr2ogr.
set -euo pipefail
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
for h in job expr table_csv table_xlsx hydro_forcing hydro_network time numbers; do
  mkdir -p "$C/$h"
  rm -f "$C/$h"/seed_*
done

# ---- job files: every job of jobs/ and tests/data/jobs, and two with --set overrides (NUL-separated)
for f in jobs/*.yaml tests/data/jobs/*.yaml; do cp "$f" "$C/job/seed_$(basename "$f")"; done
{ cat tests/data/jobs/slope_only.yaml; printf '\0steps.0.z_factor=2\0output_dir=out/x'; } > "$C/job/seed_set_overrides"
{ cat tests/data/jobs/three_steps.yaml; printf '\0steps.9.x=1'; } > "$C/job/seed_set_bad_index"

# ---- band math: the documented expressions and the spectral indices
i=0
while IFS= read -r e; do
  i=$((i + 1)); printf '%s' "$e" > "$C/expr/seed_$i"
done <<'EXPR'
(nir - red) / (nir + red)
2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1)
1.5 * (nir - red) / (nir + red + 0.5)
(green - nir) / (green + nir)
(green - swir1) / (green + swir1)
(swir1 - nir) / (swir1 + nir)
(nir - swir2) / (nir + swir2)
where(nir > 0.3 and red < 0.1, sqrt(nir) - log(red + 1), max(nir, red, 0.05))
where(nir > red and nir > 0, min(nir, 2 * red) - max(red, 100) / sqrt(abs(nir) + 1), -1)
nir * 2.75e-5 - 0.2
not (qa == 1) || !(red >= 3) && exp(-nir) != 0
2 ^ 3 ^ 2 - -red ^ 2
(nir - red)/nri
EXPR
printf '@B5 B4 B3\n(B5 - B4) / (B5 + B4)' > "$C/expr/seed_bands"

# ---- CSV tables: heads of the data tables, the test tables
for f in data/indicators/hunan_prefecture_census_panel.csv data/indicators/hunan_prefecture_demography_dict.csv \
         data/indicators/hunan_14th_fyp_indicators.csv data/indicators/coinr_asem/ASEM_iMeta.csv \
         data/indicators/coinr_asem/ASEM_iData.csv tests/data/econ/*.csv tests/data/publish/*.csv; do
  head -12 "$f" > "$C/table_csv/seed_$(basename "$f")"
done
printf '\xEF\xBB\xBFcode,"name, quoted","a ""b"""\r\n430100,"长沙\n市",1e3\r\n\r\n430200,,NA\r\n' > "$C/table_csv/seed_bom_crlf_quotes.csv"

# ---- XLSX: the sheets of tests/data/econ/xlsx_cells.xlsx as sheet \0 shared strings \0 workbook \0 options
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$OLDPWD/tests/data/econ/xlsx_cells.xlsx")
for s in 1 2; do
  { cat "$tmp/xl/worksheets/sheet$s.xml"; printf '\0'; cat "$tmp/xl/sharedStrings.xml"; printf '\0\0'; } \
    > "$C/table_xlsx/seed_sheet$s"
done
{ cat "$tmp/xl/worksheets/sheet1.xml"; printf '\0'; cat "$tmp/xl/sharedStrings.xml"; printf '\0\0Panel 2020\n3'; } \
  > "$C/table_xlsx/seed_sheet1_header3"
{ cat "$tmp/xl/worksheets/sheet2.xml"; printf '\0'; cat "$tmp/xl/sharedStrings.xml"; printf '\0\0Dictionary\n1'; } \
  > "$C/table_xlsx/seed_sheet2_missing_sheet"

# ---- hydro CSVs: forcing, inflow, gauges, parameter sets
for f in tests/data/hydro/*.csv tests/data/flood2d/*.csv; do
  head -16 "$f" > "$C/hydro_forcing/seed_$(basename "$f")"
done
head -25 data/hydrology/xinanjiang_chengcun/chengcun_forcing.csv | cut -d, -f1,2,12,13 | sed '1s/.*/time,P,E,Q/' \
  > "$C/hydro_forcing/seed_chengcun_forcing.csv"
head -25 data/hydrology/xinanjiang_chengcun/chengcun_forcing.csv | cut -d, -f1,13 | sed '1s/.*/time,Q/' \
  > "$C/hydro_forcing/seed_chengcun_inflow.csv"
printf 'model,K,WUM,WLM,WM,objective,loss\nxaj,0.9,20,60,120,nse,0.1\nxaj,0.8,15,70,130,nse,0.2\n' \
  > "$C/hydro_forcing/seed_sets_xaj.csv"
printf 'time,P,E\n2024-06-01T00:00:00Z,0,0.1\n2024-06-01T06:00:00Z,1.5,0.2\n2024-06-01T12:00:00Z,0,0.3\n' \
  > "$C/hydro_forcing/seed_iso_t.csv"

# ---- sub-basin networks: `dem watershed --polygons` on the Olinda DEM, as CSV and GeoJSON
bin=build/bin/sanxiang
if [ -x "$bin" ] && command -v ogr2ogr >/dev/null; then
  w="$tmp/ws"
  mkdir -p "$w"
  "$bin" dem fill data/dem/olinda_dem_utm25s.tif -o "$w/fill.tif" >/dev/null 2>&1
  "$bin" dem flowdir "$w/fill.tif" -o "$w/dir.tif" >/dev/null 2>&1
  "$bin" dem accum "$w/dir.tif" -o "$w/acc.tif" >/dev/null 2>&1
  "$bin" dem watershed "$w/dir.tif" --accum "$w/acc.tif" --outlets tests/data/dem/olinda_outlets.csv \
    -o "$w/basins.tif" --polygons "$w/basins.gpkg" >/dev/null 2>&1
  ogr2ogr -f CSV "$C/hydro_network/seed_olinda_basins.csv" "$w/basins.gpkg" -select basin_id,area_km2,downstream_id
  ogr2ogr -f GeoJSON -lco COORDINATE_PRECISION=0 -simplify 200 "$C/hydro_network/seed_olinda_basins.geojson" \
    "$w/basins.gpkg" -select basin_id,area_km2,downstream_id
else
  echo "make_seeds: no $bin or ogr2ogr; keeping the hand-made network seeds only" >&2
fi
printf 'basin_id,area_km2,downstream_id\n1,12.5,0\n2,3.25,1\n3,4,1\n4,0,2\n' > "$C/hydro_network/seed_tree.csv"
printf 'basin_id,area_km2,downstream_id\n1,1,2\n2,1,1\n' > "$C/hydro_network/seed_cycle.csv"
cat > "$C/hydro_network/seed_tree.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"basin_id":1,"area_km2":10.5,"downstream_id":0},"geometry":null},
{"type":"Feature","properties":{"basin_id":2,"area_km2":2.0,"downstream_id":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{"basin_id":2,"area_km2":2.0,"downstream_id":1},"geometry":null}
]}
JSON

# ---- times and numbers
i=0
while IFS= read -r t; do i=$((i + 1)); printf '%s' "$t" > "$C/time/seed_$i"; done <<'TIMES'
2024-06-01
2024-06-01 08:00
2024-06-01T08:00:00Z
2024-02-29 24:00:00
1970-01-01 00:00:00
9999-12-31 23:59:60
hours since 2024-06-01 00:00:00
minutes since 2024-06-01T00:00:00Z
seconds since 1970-01-01 00:00:00.0 UTC
days since 1900-01-01 +00:00
TIMES
i=0
while IFS= read -r t; do i=$((i + 1)); printf '%s' "$t" > "$C/numbers/seed_$i"; done <<'NUMS'
1e-3
 42 
-0
9223372036854775807
-9223372036854775808
0x1p-1074
2.2250738585072014e-308
1e999
12abc
NUMS
echo "make_seeds: $(find $C -name 'seed_*' | wc -l) seeds in $C"

# ---- the job dictionary: YAML punctuation, every step type and every key of the step field tables
D=tests/fuzz/dict
{
  echo '# YAML job files (generated by tests/fuzz/make_seeds.sh from src/jobs field tables)'
  for t in '---' '...' '- ' ': ' '{' '}' '[' ']' ', ' '"' "'" '|' '>' '&a' '*a' '!!str' '~' 'null' 'true' 'off' '#' '? '; do
    printf '"%s"\n' "$(printf '%s' "$t" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  done
  echo '"\x0a  "'
  grep -ho '^const sx_job_step_t sx_step_[a-z_0-9]* = {"[a-z_0-9]*"' src/jobs/*.c | sed 's/.*{"\(.*\)"/"step: \1"/' | sort -u
  grep -ho '{"[a-z_0-9]*", SX_CFG_T_' src/jobs/*.c src/jobs/*.h | sed 's/{"\([^"]*\)".*/"\1: "/' | sort -u
} > "$D/job.dict"
echo "make_seeds: $(grep -c '^"' "$D/job.dict") entries in $D/job.dict"
