#!/usr/bin/python3
"""Reshape the census table (one row per prefecture, 2010 and 2020 columns) into
a panel with one row per prefecture and census year, for an index normalised
over both years (normalise_scope: panel). Run from the repository root:
  /usr/bin/python3 data/indicators/make_census_panel.py
Values are copied unchanged from census_leiii/census_city_2010-2020_hunan.csv
(leiii/census, MIT); only the layout changes.
"""
import csv

SRC = "data/indicators/census_leiii/census_city_2010-2020_hunan.csv"
DST = "data/indicators/hunan_prefecture_census_panel.csv"
COLS = ["popu", "popu_urban", "household", "age_15_59", "age_65"]

with open(SRC, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))
with open(DST, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["city_code", "city", "year"] + COLS)
    for year in (2010, 2020):
        for r in rows:
            w.writerow([r["city_code"], r["city"], year] + [r[f"{c}_{year}"] for c in COLS])
