#!/usr/bin/python3
"""rs accuracy --xlsx: the workbook opens as an Office Open XML package and its
three sheets hold the numbers of the CSV tables.

usage: rs_accuracy_xlsx_check.py OUT.xlsx OUT.csv OUT_matrix.csv

The workbook is read with the standard library only (zipfile + the SpreadsheetML
XML), independently of the GDAL driver sanxiang reads XLSX with. Checked:
sheet names; 'confusion matrix' equals OUT_matrix.csv cell for cell; 'accuracy'
and 'area' equal the matching OUT.csv columns (to 1e-15 relative: libxlsxwriter
stores 16 significant digits, the CSV 17); the 95 % intervals are the estimate
+- 1.96 SE (Olofsson et al. 2014, section 4.3).
"""
import csv
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
book, out_csv, mat_csv = sys.argv[1:4]
fails = 0


def check(cond, what):
    global fails
    if not cond:
        print("FAIL " + what)
        fails += 1


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1, int(ref[len(letters):]) - 1


z = zipfile.ZipFile(book)
check(z.testzip() is None, "zip members intact")
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
target = {r.get("Id"): r.get("Target") for r in rels}
sheets = {}
for s in wb.find("m:sheets", NS):
    rid = s.get("{%s}id" % NS["r"])
    rows = {}
    for c in ET.fromstring(z.read("xl/" + target[rid])).iter("{%s}c" % NS["m"]):
        ci, ri = col_index(c.get("r"))
        v = c.find("m:v", NS)
        if v is None:
            continue
        rows.setdefault(ri, {})[ci] = shared[int(v.text)] if c.get("t") == "s" else float(v.text)
    sheets[s.get("name")] = [[rows[r].get(i, "") for i in range(max(rows[r]) + 1)] for r in sorted(rows)]
check(list(sheets) == ["confusion matrix", "accuracy", "area"], "sheet names %s" % list(sheets))


def close(a, b):
    return abs(a - b) <= 1e-15 * max(1.0, abs(b))


def as_dicts(sheet):
    head = sheet[0]
    return {str(r[0]).removesuffix(".0"): dict(zip(head, r + [""] * (len(head) - len(r)))) for r in sheet[1:]}


mat = list(csv.reader(open(mat_csv)))
xm = sheets["confusion matrix"]
check(len(xm) == len(mat), "matrix rows %d vs %d" % (len(xm), len(mat)))
for r, (xr, cr) in enumerate(zip(xm, mat)):
    for c, cv in enumerate(cr):
        xv = xr[c] if c < len(xr) else ""
        ok = xv == cv if r == 0 else float(cv) == xv
        check(ok, "matrix cell (%d, %d): %r vs %r" % (r, c, xv, cv))
res = {r["class"]: r for r in csv.DictReader(open(out_csv))}
acc, area = as_dicts(sheets["accuracy"]), as_dicts(sheets["area"])
check(sorted(acc) == sorted(res), "accuracy rows %s" % sorted(acc))
check(sorted(area) == sorted(k for k in res if k != "overall"), "area rows %s" % sorted(area))
for k, row in res.items():
    a = acc[k]
    pairs = [("users_accuracy", "users_se")] + ([("producers_accuracy", "producers_se")] if k != "overall" else [])
    for est, se in pairs:
        e, s = float(row[est]), float(row[se])
        check(close(a[est], e) and close(a[se], s), "class %s %s/%s" % (k, est, se))
        lo, hi = est.replace("accuracy", "ci95_low"), est.replace("accuracy", "ci95_high")
        check(close(a[lo], e - 1.96 * s) and close(a[hi], e + 1.96 * s), "class %s %s 95 %% interval" % (k, est))
    if k == "overall":
        continue
    b = area[k]
    for col in ("mapped_pixels", "weight", "area_proportion", "area_proportion_se", "area_pixels", "area_ci95_pixels",
                "area_ha", "area_ci95_ha"):
        check(close(b[col], float(row[col])), "class %s %s: %r vs %s" % (k, col, b[col], row[col]))
    check(close(b["area_ci95_low_ha"], float(row["area_ha"]) - float(row["area_ci95_ha"])), "class %s low" % k)
    check(close(b["area_ci95_high_ha"], float(row["area_ha"]) + float(row["area_ci95_ha"])), "class %s high" % k)
print("%s: %d sheets checked, %d failure(s)" % (book, len(sheets), fails))
sys.exit(1 if fails else 0)
