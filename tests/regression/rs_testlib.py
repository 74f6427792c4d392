"""Helpers shared by the rs regression scripts: pass/fail bookkeeping, the
provenance record of an output, and the error contract of a finished run
(non-zero exit, exactly one "sanxiang: error:" line holding every needle)."""
import json

from osgeo import gdal

failed = False


def check(cond, what):
    """Print ok/FAIL for one assertion and remember a failure."""
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    failed |= not cond


def prov(path):
    """Band records of the rs provenance of a COG, by band name."""
    text = gdal.Open(path).GetMetadataItem("SANXIANG_PROVENANCE")
    return {b["name"]: b for b in json.loads(text)["rs"]["bands"]}


def expect_error(name, res, *needles):
    """res: a subprocess.CompletedProcess captured with text=True."""
    line = next((l for l in res.stderr.splitlines() if "sanxiang: error:" in l), "")
    ok = res.returncode != 0 and res.stderr.count("sanxiang: error:") == 1 and all(n in line for n in needles)
    check(ok, f"{name}: exit {res.returncode}: {line.strip()}")


def finish():
    """Exit status of the script."""
    print("FAIL" if failed else "ok")
    return 1 if failed else 0
