#!/usr/bin/python3
"""Checks a one-map package made by `sanxiang publish` (a small STAC checker:
pystac is not available on Debian 12).

  publish_check_package.py PACKAGE [--crs EPSG:N] [--layers a,b,...] [--kinds layer=kind,...]
                           [--common-names layer=red:green:blue,...] [--nodata-corners layer,...]

* STAC 1.x: catalog -> collection -> items, the required fields of each
  object type (STAC spec: catalog-spec, collection-spec, item-spec), RFC 3339
  datetimes, WGS 84 bboxes, relative links and asset hrefs that exist;
* raster items: every band with nodata, data_type, statistics, unit, the
  COG band's description, eo:common_name as expected (--common-names);
  proj:code
  equals the COG's CRS; the statistics equal GDAL's recomputation; every COG
  passes GDAL's validate_cloud_optimized_geotiff; class layers' overviews
  hold only class values (MODE/NEAREST, never averaged); --nodata-corners:
  the four corner cells of each band are nodata (a reprojected layer whose
  source has no nodata must not show its corners as data);
* vector items: the GeoPackage opens with ogrinfo, carries the CRS and the
  row count of the item;
* styles: .qml and .sld are well-formed UTF-8 XML carrying the layer's title
  (SLD UserStyle Title, QML custom property sanxiang/title), with one entry per legend row of
  viewer.json.
"""
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from osgeo import gdal, osr
from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate

gdal.UseExceptions()
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL", msg)


def need(obj, keys, where):
    for k in keys:
        if k not in obj:
            fail(f"{where}: missing required field '{k}'")


def links_ok(obj, path, where):
    for link in obj.get("links", []):
        need(link, ["rel", "href"], f"{where} link")
        href = link.get("href", "")
        if href.startswith("http"):
            fail(f"{where}: link {href} is absolute; packages must be relocatable")
            continue
        target = os.path.normpath(os.path.join(os.path.dirname(path), href))
        if not os.path.isfile(target):
            fail(f"{where}: link rel={link.get('rel')} -> {href} does not exist")


def bbox_ok(b, where):
    if not (isinstance(b, list) and len(b) == 4 and all(isinstance(v, (int, float)) for v in b)):
        fail(f"{where}: bbox must be 4 numbers, got {b}")
        return
    if not (-180 <= b[0] <= b[2] <= 180 and -90 <= b[1] <= b[3] <= 90):
        fail(f"{where}: bbox {b} is not WGS 84 lon/lat")


def epsg_of(wkt):
    s = osr.SpatialReference()
    s.ImportFromWkt(wkt)
    s.AutoIdentifyEPSG()
    return f"EPSG:{s.GetAuthorityCode(None)}"


def check_corners(where, ds):
    for i in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(i)
        nd = band.GetNoDataValue()
        a = band.ReadAsArray()
        corners = [a[0, 0], a[0, -1], a[-1, 0], a[-1, -1]]
        if nd is None or not all(c == nd or (math.isnan(nd) and math.isnan(c)) for c in corners):
            fail(f"{where}: band {i} corners {corners} are not nodata ({nd})")


def check_raster(item, path, crs, corners=False):
    where = item["id"]
    a = item["assets"].get("data")
    tif = os.path.join(os.path.dirname(path), a["href"])
    warnings, errs, _ = validate(tif, full_check=True)
    for e in errs:
        fail(f"{where}: COG validator: {e}")
    ds = gdal.Open(tif)
    code = epsg_of(ds.GetProjection())
    if item["properties"].get("proj:code") != code:
        fail(f"{where}: proj:code {item['properties'].get('proj:code')} but the COG is {code}")
    if crs and code != crs:
        fail(f"{where}: COG CRS {code}, expected {crs}")
    if item["properties"].get("proj:shape") != [ds.RasterYSize, ds.RasterXSize]:
        fail(f"{where}: proj:shape {item['properties'].get('proj:shape')} != {[ds.RasterYSize, ds.RasterXSize]}")
    bands = a.get("bands") or []
    if len(bands) != ds.RasterCount:
        fail(f"{where}: {len(bands)} bands in STAC, {ds.RasterCount} in the COG")
    for i, b in enumerate(bands):
        need(b, ["nodata", "data_type", "statistics", "unit"], f"{where} band {i + 1}")
        band = ds.GetRasterBand(i + 1)
        nd = band.GetNoDataValue()
        if nd is not None and b.get("nodata") != nd and not (b.get("nodata") == "nan" and math.isnan(nd)):
            fail(f"{where}: nodata {b.get('nodata')} != COG {nd}")
        dt = {"Byte": "uint8", "Int16": "int16", "UInt16": "uint16", "Int32": "int32", "UInt32": "uint32",
              "Int64": "int64", "UInt64": "uint64", "Float32": "float32", "Float64": "float64"}
        if b.get("data_type") != dt.get(gdal.GetDataTypeName(band.DataType)):
            fail(f"{where}: data_type {b.get('data_type')} != {gdal.GetDataTypeName(band.DataType)}")
        if band.GetDescription() and b.get("description") != band.GetDescription():
            fail(f"{where}: band {i + 1} description {b.get('description')!r} != COG {band.GetDescription()!r}")
        if "eo:common_name" in b and not any("/eo/" in e for e in item.get("stac_extensions", [])):
            fail(f"{where}: band {i + 1} has eo:common_name but the item does not declare the eo extension")
        mn, mx, mean, sd = band.ComputeStatistics(False)
        st = b.get("statistics", {})
        for k, v in (("minimum", mn), ("maximum", mx), ("mean", mean), ("stddev", sd)):
            if k not in st or abs(st[k] - v) > 1e-9 * max(1.0, abs(v)):
                fail(f"{where}: statistics.{k} {st.get(k)} != recomputed {v}")
        if band.GetOverviewCount() < 1 and max(ds.RasterXSize, ds.RasterYSize) > 512:
            fail(f"{where}: no overviews")
        if item["properties"].get("sanxiang:kind") in ("hazard_class", "water_mask"):
            classes = set(band.ReadAsArray().ravel().tolist())
            for o in range(band.GetOverviewCount()):
                ov = set(band.GetOverview(o).ReadAsArray().ravel().tolist())
                if not ov <= classes:
                    fail(f"{where}: overview {o} invents values {sorted(ov - classes)[:5]} (class layers need MODE/NEAREST)")
    if corners:
        check_corners(where, ds)
    print(f"ok   {where}: valid COG in {code}, {len(bands)} band(s), statistics match")


def check_vector(item, path, crs):
    where = item["id"]
    gpkg = os.path.join(os.path.dirname(path), item["assets"]["data"]["href"])
    out = subprocess.run(["ogrinfo", "-so", "-al", gpkg], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"{where}: ogrinfo cannot open {gpkg}: {out.stderr.strip()}")
        return
    m = re.search(r"Feature Count: (\d+)", out.stdout)
    if not m or int(m.group(1)) != item["properties"].get("table:row_count"):
        fail(f"{where}: ogrinfo feature count {m and m.group(1)} != table:row_count {item['properties'].get('table:row_count')}")
    code = (crs or item["properties"]["proj:code"]).split(":")[1]
    if f'ID["EPSG",{code}]' not in out.stdout:
        fail(f"{where}: GeoPackage does not carry EPSG:{code} (ogrinfo)")
    print(f"ok   {where}: GeoPackage opens with ogrinfo, {m and m.group(1)} features, EPSG:{code}")


def check_styles(item, path, legend_rows):
    d = os.path.dirname(path)
    for key, tag in (("style-qgis", None), ("style-sld", None)):
        f = os.path.join(d, item["assets"][key]["href"])
        try:
            root = ET.parse(f).getroot()
        except ET.ParseError as e:
            fail(f"{item['id']}: {f} is not well-formed XML: {e}")
            continue
        with open(f, "rb") as fh:
            head = fh.read(64)
        if not head.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
            fail(f"{item['id']}: {os.path.basename(f)} does not declare UTF-8")
        # The layer's title (often Chinese) travels with the style, as UTF-8 text.
        title = item["properties"].get("title")
        if key == "style-qgis":
            got = [o.get("value") for o in root.iter("Option") if o.get("name") == "sanxiang/title"]
        else:
            got = [t.text for t in root.findall("./{*}NamedLayer/{*}UserStyle/{*}Title")]
        if got != [title]:
            fail(f"{item['id']}: {os.path.basename(f)} title {got}, the item's {title!r}")
        if legend_rows is None:
            continue
        if key == "style-qgis":
            n = len(root.findall(".//item")) + len(root.findall(".//paletteEntry"))
        else:
            n = len(root.findall(".//{http://www.opengis.net/sld}ColorMapEntry"))
        if n != legend_rows:
            fail(f"{item['id']}: {os.path.basename(f)} has {n} colour entries, the legend {legend_rows}")


def main():
    pkg = sys.argv[1]
    crs = None
    want_layers = None
    want_kinds = {}
    want_names = {}
    want_corners = set()
    args = sys.argv[2:]
    while args:
        if args[0] == "--crs":
            crs, args = args[1], args[2:]
        elif args[0] == "--kinds":
            want_kinds, args = dict(kv.split("=") for kv in args[1].split(",")), args[2:]
        elif args[0] == "--common-names":
            want_names, args = {k: v.split(":") for k, v in (kv.split("=") for kv in args[1].split(","))}, args[2:]
        elif args[0] == "--nodata-corners":
            want_corners, args = set(args[1].split(",")), args[2:]
        elif args[0] == "--layers":
            want_layers, args = set(args[1].split(",")), args[2:]
        else:
            sys.exit(f"unknown argument {args[0]}")
    cat_path = os.path.join(pkg, "catalog.json")
    cat = json.load(open(cat_path))
    need(cat, ["type", "stac_version", "id", "description", "links"], "catalog")
    if cat.get("type") != "Catalog":
        fail("catalog: type must be Catalog")
    links_ok(cat, cat_path, "catalog")
    viewer = json.load(open(os.path.join(pkg, "viewer.json")))
    legends = {l["id"]: len(l["legend"]) if l["type"] == "raster" else None for l in viewer["layers"]}
    seen = set()
    for child in [l for l in cat["links"] if l["rel"] == "child"]:
        cpath = os.path.normpath(os.path.join(pkg, child["href"]))
        col = json.load(open(cpath))
        need(col, ["type", "stac_version", "id", "description", "license", "extent", "links"], "collection")
        if col.get("type") != "Collection":
            fail("collection: type must be Collection")
        for b in col.get("extent", {}).get("spatial", {}).get("bbox", []):
            bbox_ok(b, "collection extent")
        for iv in col.get("extent", {}).get("temporal", {}).get("interval", []):
            if not all(t is None or RFC3339.match(t) for t in iv):
                fail(f"collection: temporal interval {iv} not RFC 3339")
        links_ok(col, cpath, "collection")
        for il in [l for l in col["links"] if l["rel"] == "item"]:
            ipath = os.path.normpath(os.path.join(os.path.dirname(cpath), il["href"]))
            item = json.load(open(ipath))
            where = item.get("id", ipath)
            seen.add(where)
            need(item, ["type", "stac_version", "id", "geometry", "bbox", "properties", "links", "assets"], where)
            if item.get("type") != "Feature":
                fail(f"{where}: type must be Feature")
            if not RFC3339.match(item["properties"].get("datetime") or ""):
                fail(f"{where}: properties.datetime missing or not RFC 3339")
            need(item["properties"], ["proj:code", "sanxiang:provenance"], where)
            prov = item["properties"].get("sanxiang:provenance") or {}
            need(prov, ["version", "commit", "utc_time"], f"{where} provenance")
            bbox_ok(item.get("bbox"), where)
            if item.get("collection") != col["id"]:
                fail(f"{where}: collection '{item.get('collection')}' != '{col['id']}'")
            for e in item.get("stac_extensions", []):
                if not e.startswith("https://stac-extensions.github.io/"):
                    fail(f"{where}: extension {e} is not a schema URL")
            links_ok(item, ipath, where)
            for k, a in item["assets"].items():
                need(a, ["href", "type", "roles"], f"{where} asset {k}")
                if not os.path.isfile(os.path.join(os.path.dirname(ipath), a["href"])):
                    fail(f"{where}: asset {k} -> {a['href']} does not exist")
            if where in want_names:
                names = [b.get("eo:common_name") for b in item["assets"]["data"].get("bands", [])]
                if names != want_names[where]:
                    fail(f"{where}: eo:common_name of the bands {names}, expected {want_names[where]}")
            if where in want_kinds and item["properties"].get("sanxiang:kind") != want_kinds[where]:
                fail(f"{where}: sanxiang:kind {item['properties'].get('sanxiang:kind')}, expected {want_kinds[where]}")
            if "bands" in item["assets"]["data"]:
                check_raster(item, ipath, crs, where in want_corners)
            else:
                check_vector(item, ipath, crs)
            check_styles(item, ipath, legends.get(where))
    if want_layers is not None and seen != want_layers:
        fail(f"layers {sorted(seen)}, expected {sorted(want_layers)}")
    if set(legends) != seen:
        fail(f"viewer.json layers {sorted(legends)} != STAC items {sorted(seen)}")
    if errors:
        sys.exit(f"{len(errors)} problem(s) in package {pkg}")
    print(f"package {pkg}: {len(seen)} layer(s), catalog valid")


main()
