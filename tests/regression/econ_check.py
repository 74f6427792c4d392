#!/usr/bin/env python3
"""econ_check.py — compare sanxiang's indicator tables with published results.

  econ_check.py asem SCORES.csv REFERENCE.csv
      every unit's Index, sub-index and pillar scores within 0.005 (2 decimals)
      of the reference and identical Index ranks; the published COINr top six
      and India's rank 45 are checked by value as well.
  econ_check.py gpkg SCORES.gpkg N
      the GeoPackage opens with GDAL, has N features, each with a code, an
      Index score in [0, 100] and a rank in 1..N.
  econ_check.py xlsx BOOK.xlsx SCORES.csv SHEET...
      the workbook (read as the zip of XML it is) has the named sheets in
      order, a frozen header, and every number of SCORES.csv on its first
      sheet as a numeric cell equal to the CSV value.
  econ_check.py svg DIR N
      ranked_scores.svg and rank_uncertainty.svg in DIR are well-formed SVG
      with N unit labels and, for the uncertainty chart, N median markers.
  econ_check.py pca WEIGHTS.csv NORMALISED.csv DICTIONARY.csv
      factor-based weights within each pillar recomputed with numpy from the
      normalised data: correlation matrix, eigenvalue > 1 / 10 % / 60 %
      retention, varimax by the SVD iteration of R's stats::varimax (not
      sanxiang's pairwise Kaiser sweeps) with Kaiser normalisation, squared
      loadings scaled to unity, factors weighted by explained variance;
      within 2e-6 of weights.csv, and rotation must change some pillar.
  econ_check.py panel SCORES.csv CENSUS_PANEL.csv YEAR
      the prefecture panel index: urban share (popu_urban / popu) and the
      age shares min-max normalised over all prefecture-years, pillars and
      index as equal-weight means, recomputed here for YEAR (1e-5).
  econ_check.py targets TARGETS.csv
      the Hunan 14th FYP table: 14 indicators, required compound growth
      recomputed independently from the plan's 2020 and 2025 values.
"""
import csv
import sys


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def asem(scores_path, ref_path):
    got = {r["code"]: r for r in rows(scores_path)}
    ref = rows(ref_path)
    bad = 0
    cols = [c for c in ref[0] if c not in ("uCode", "Rank")]
    for r in ref:
        g = got.get(r["uCode"])
        if g is None:
            print("missing unit", r["uCode"]); bad += 1; continue
        if int(g["Index_rank"]) != int(r["Rank"]):
            print(r["uCode"], "rank", g["Index_rank"], "reference", r["Rank"]); bad += 1
        for c in cols:
            if abs(float(g[c]) - float(r[c])) > 0.005:
                print(r["uCode"], c, g[c], "reference", r[c]); bad += 1
    published = {"CHE": (68.38, 1), "NLD": (64.82, 2), "DNK": (64.80, 3), "NOR": (64.47, 4),
                 "BEL": (63.54, 5), "SWE": (63.00, 6), "IND": (39.79, 45)}
    for code, (v, rk) in published.items():
        g = got[code]
        if round(float(g["Index"]), 2) != v or int(g["Index_rank"]) != rk:
            print("published", code, v, rk, "got", g["Index"], g["Index_rank"]); bad += 1
    print(f"asem: {len(ref)} units x {len(cols)} columns checked, {bad} differences")
    return bad == 0


def targets(path):
    t = rows(path)
    bad = 0 if len(t) == 14 else 1
    for r in t:
        b, g = float(r["base_2020"]), float(r["target_2025"])
        want = ((g / b) ** (1 / 5) - 1) * 100
        if abs(float(r["required_cagr_pct"]) - want) > 0.006:
            print(r["code"], "required CAGR", r["required_cagr_pct"], "expected", round(want, 2)); bad += 1
        if r["on_track"] != "n/a":
            print(r["code"], "on_track at the base year should be n/a"); bad += 1
        if r["latest"] or r["latest_year"] or r["completion_pct"] or r["actual_cagr_pct"]:
            print(r["code"], "no yearly value: latest, completion and actual growth must be empty, not 0"); bad += 1
    print(f"targets: {len(t)} indicators, {bad} problems")
    return bad == 0


def gpkg(path, n):
    from osgeo import ogr
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    bad = 0 if lyr.GetFeatureCount() == n else 1
    ranks = set()
    for f in lyr:
        v, rk = f.GetField("Index"), f.GetField("Index_rank")
        if not f.GetField("code") or v is None or not 0 <= v <= 100 or f.GetGeometryRef() is None:
            print("bad feature", f.GetField("code"), v); bad += 1
        ranks.add(rk)
    if ranks != set(range(1, n + 1)):
        print("ranks", sorted(ranks)); bad += 1
    print(f"gpkg: {lyr.GetFeatureCount()} features, {bad} problems")
    return bad == 0


def xlsx(path, scores_path, sheets):
    import re
    import zipfile
    z = zipfile.ZipFile(path)
    names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    bad = 0 if names == sheets else 1
    if bad:
        print("sheets", names, "expected", sheets)
    s1 = z.read("xl/worksheets/sheet1.xml").decode()
    if 'state="frozen"' not in s1:
        print("header row not frozen"); bad += 1
    cells = {}
    for ref, body in re.findall(r'<c r="([A-Z]+[0-9]+)"([^>]*>.*?)</c>', s1):
        m = re.search(r"<v>([^<]*)</v>", body)
        if m and 't="s"' not in body:
            cells[ref] = float(m.group(1))
    from econ_csv2xlsx import col_name as col  # same directory: A, B, ..., Z, AA, ...
    n = 0
    for r, row in enumerate(rows(scores_path)):
        for c, (k, v) in enumerate(row.items()):
            try:
                want = float(v)
            except ValueError:
                continue
            got = cells.get(f"{col(c)}{r + 2}")
            n += 1
            if got is None or abs(got - want) > 1e-9:
                print("cell", f"{col(c)}{r + 2}", k, got, "csv", v); bad += 1
    print(f"xlsx: {len(names)} sheets, {n} numbers compared, {bad} problems")
    return bad == 0


def varimax_svd(L, eps=1e-14, it=5000):
    """R's stats::varimax(normalize = TRUE), written from its documented algorithm."""
    import numpy as np
    p, m = L.shape
    if m < 2:
        return L
    sc = np.sqrt((L ** 2).sum(1))
    sc[sc == 0] = 1
    x = L / sc[:, None]
    T = np.eye(m)
    d = 0.0
    for _ in range(it):
        z = x @ T
        B = x.T @ (z ** 3 - z @ np.diag((z ** 2).sum(0)) / p)
        u, sv, vt = np.linalg.svd(B)
        T = u @ vt
        dpast, d = d, sv.sum()
        if d < dpast * (1 + eps):
            break
    return (x @ T) * sc[:, None]


def pca_weights(X, rotate=True):
    import numpy as np
    n = X.shape[1]
    ev, V = np.linalg.eigh(np.corrcoef(X, rowvar=False))
    order = np.argsort(-ev)
    ev, V = ev[order], V[:, order]
    m, cum = 0, 0.0
    while m < n and ev[m] > 1 and ev[m] / n > 0.10:
        cum += ev[m] / n; m += 1
    if m == 0:
        cum, m = ev[0] / n, 1
    while m < n and cum < 0.60:
        cum += ev[m] / n; m += 1
    L = V[:, :m] * np.sqrt(np.maximum(ev[:m], 0))
    if rotate:
        L = varimax_svd(L)
    EV = (L ** 2).sum(0)
    s = L ** 2 / EV
    f = s.argmax(1)
    w = s[np.arange(n), f] * EV[f] / EV.sum()
    return w / w.sum(), m


def pca(weights_path, norm_path, dict_path):
    import numpy as np
    got = {r["code"]: float(r["weight_in_parent"]) for r in rows(weights_path)}
    norm = rows(norm_path)
    parent = {}
    for r in rows(dict_path):
        code = r.get("iCode") or r.get("code")
        if code in norm[0]:
            parent.setdefault(r.get("Parent") or r.get("pillar"), []).append(code)
    bad = rotated = multi = 0
    for p, codes in parent.items():
        if len(codes) < 2:
            continue
        X = np.array([[float(r[c]) for c in codes] for r in norm])
        w, m = pca_weights(X)
        w0, _ = pca_weights(X, rotate=False)
        multi += m > 1
        rotated += np.abs(w - w0).max() > 1e-3
        for c, v in zip(codes, w):
            if abs(got[c] - v) > 2e-6:
                print(f"{p}/{c}: sanxiang {got[c]:.6f}, numpy {v:.6f}"); bad += 1
    print(f"pca: {len(parent)} parents, {multi} with >= 2 factors, {rotated} changed by rotation, {bad} problems")
    return bad == 0 and rotated > 0


def panel(scores_path, panel_path, year):
    data = rows(panel_path)
    ind = {
        "urban": [float(r["popu_urban"]) / float(r["popu"]) for r in data],
        "a1559": [float(r["age_15_59"]) for r in data],
        "a65": [-float(r["age_65"]) for r in data],  # less is better
    }
    norm = {k: [(x - min(v)) / (max(v) - min(v)) * 100 for x in v] for k, v in ind.items()}
    got = {r["code"]: r for r in rows(scores_path)}
    bad = n = 0
    for k, r in enumerate(data):
        if int(r["year"]) != year:
            continue
        n += 1
        age = (norm["a1559"][k] + norm["a65"][k]) / 2
        want = {"urbanisation": norm["urban"][k], "age_structure": age, "Index": (norm["urban"][k] + age) / 2}
        for col, v in want.items():
            if abs(float(got[r["city_code"]][col]) - v) > 1e-5:
                print(r["city_code"], col, got[r["city_code"]][col], "expected", round(v, 6)); bad += 1
    print(f"panel: {n} prefectures of {year} checked, {bad} problems")
    return bad == 0 and n == 14


def svg(d, n):
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    bad = 0
    bars = ET.parse(f"{d}/ranked_scores.svg").getroot()
    labels = [t for t in bars.iter(ns + "text") if t.get("text-anchor") == "end"]
    if len(labels) != n:
        print("ranked_scores.svg unit labels", len(labels)); bad += 1
    unc = ET.parse(f"{d}/rank_uncertainty.svg").getroot()
    if len(list(unc.iter(ns + "circle"))) != n:
        print("rank_uncertainty.svg markers", len(list(unc.iter(ns + "circle")))); bad += 1
    print(f"svg: {bad} problems")
    return bad == 0


if __name__ == "__main__":
    if sys.argv[1] == "svg":
        sys.exit(0 if svg(sys.argv[2], int(sys.argv[3])) else 1)
    if sys.argv[1] == "xlsx":
        sys.exit(0 if xlsx(sys.argv[2], sys.argv[3], sys.argv[4:]) else 1)
    if sys.argv[1] == "asem":
        ok = asem(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "panel":
        ok = panel(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "pca":
        ok = pca(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "gpkg":
        ok = gpkg(sys.argv[2], int(sys.argv[3]))
    else:
        ok = targets(sys.argv[2])
    sys.exit(0 if ok else 1)
