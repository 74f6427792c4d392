#!/usr/bin/python3
"""Write CSV tables into one XLSX workbook, independently of sanxiang.

Usage: econ_csv2xlsx.py OUT.xlsx SHEET=FILE.csv[@TITLE_ROWS] [SHEET=FILE.csv ...]

A minimal Office Open XML writer (zip + SpreadsheetML, ECMA-376 part 1) with
only the standard library, so the tests of sanxiang's XLSX reader do not rely
on sanxiang's own writer. Cells that parse as finite numbers are written as
numeric cells as spreadsheet programs store them (integers without a decimal
point, others with repr(), the shortest round-trip text, so the double read
back is the one in the CSV); all other non-empty cells go to the shared-string table.
@TITLE_ROWS puts that many title rows above the header (to test header_row).
"""
import csv
import math
import sys
import zipfile
from xml.sax.saxutils import escape


def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def as_number(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def sheet_xml(rows, strings, index):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            if v == "":
                continue
            ref = f"{col_name(c)}{r + 1}"
            num = as_number(v)
            if num is not None:
                text = str(int(num)) if num.is_integer() and abs(num) < 1e15 else repr(num)
                cells.append(f'<c r="{ref}"><v>{text}</v></c>')
            else:
                if v not in index:
                    index[v] = len(strings)
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{index[v]}</v></c>')
        if cells:
            out.append(f'<row r="{r + 1}">' + "".join(cells) + "</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    sheets = []
    for arg in argv[2:]:
        name, path = arg.split("=", 1)
        titles = 0
        if "@" in path:
            path, t = path.rsplit("@", 1)
            titles = int(t)
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        rows = [[f"{name} (title row {k + 1})"] for k in range(titles)] + rows
        sheets.append((name, rows))
    strings, index = [], {}
    body = [sheet_xml(rows, strings, index) for _, rows in sheets]
    ns = "http://schemas.openxmlformats.org/"
    with zipfile.ZipFile(argv[1], "w", zipfile.ZIP_DEFLATED) as z:
        over = "".join(f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" ContentType="application/'
                       f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(len(sheets)))
        z.writestr("[Content_Types].xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' + over + "</Types>")
        z.writestr("_rels/.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}spreadsheetml/2006/main" '
                   f'xmlns:r="{ns}officeDocument/2006/relationships"><sheets>' +
                   "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                           for k, (n, _) in enumerate(sheets)) + "</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{k + 1}" Type="{ns}officeDocument/2006/relationships/worksheet" '
                       f'Target="worksheets/sheet{k + 1}.xml"/>' for k in range(len(sheets)))
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="{ns}officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}package/2006/relationships">'
                   + rels + "</Relationships>")
        z.writestr("xl/sharedStrings.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}spreadsheetml/2006/main" '
                   f'count="{len(strings)}" uniqueCount="{len(strings)}">' +
                   "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings) + "</sst>")
        for k, xml in enumerate(body):
            z.writestr(f"xl/worksheets/sheet{k + 1}.xml", xml)


if __name__ == "__main__":
    main(sys.argv)
