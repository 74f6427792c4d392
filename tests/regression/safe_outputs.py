#!/usr/bin/python3
"""Outputs that never destroy, escape or half-exist (issue 14), and inputs that are refused
instead of giving wrong results.

safe_outputs.py SANXIANG EXPECT OUT NP CASE

Each case runs the sanxiang command the way a user would and checks the refusal (through
expect_error.sh: exit status, exactly one `sanxiang: error:` line naming the file or key) and
the files afterwards: nothing that sanxiang did not write is replaced, nothing lands outside the
run directory, no product of a failed step is left under its final name.
"""
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

SX, EXPECT, OUT, NP, CASE = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEM = os.path.join(ROOT, "data", "dem", "N47E009.SRTM3.tif")
JOB = os.path.join(ROOT, "tests", "data", "jobs", "slope_only.yaml")
HYDRO = os.path.join(ROOT, "tests", "data", "hydro")
D = os.path.join(OUT, f"{CASE}_np{NP}")
shutil.rmtree(D, ignore_errors=True)
os.makedirs(D)


def expect(status, patterns, *args):
    """The error contract at NP ranks: status, one error line holding every pattern."""
    r = subprocess.run([EXPECT, str(NP), str(status), *patterns, "--", SX, *args], capture_output=True, text=True,
                       cwd=ROOT)
    print(r.stdout[-3000:])
    assert r.returncode == 0, f"error contract not met for {args}"


def ok(*args, cwd=None):
    r = subprocess.run(["mpirun", "--oversubscribe", "-np", str(NP), SX, *args], capture_output=True, text=True,
                       cwd=cwd)
    print(r.stderr[-2000:])
    assert r.returncode == 0, f"sanxiang {' '.join(args)} failed"


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def absent(*paths):
    for p in paths:
        assert not os.path.lexists(p), f"{p} exists but should not"


def write_tif(path, a, srs_epsg=None, gt=(500000, 30, 0, 3000000, 0, -30)):
    ds = gdal.GetDriverByName("GTiff").Create(path, a.shape[1], a.shape[0], 1, gdal.GDT_Float32)
    ds.SetGeoTransform(gt)
    if srs_epsg:
        s = osr.SpatialReference()
        s.ImportFromEPSG(srs_epsg)
        ds.SetProjection(s.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(a)
    ds = None


def case_foreign_file():
    """-o names a file the user made: refused, the file untouched, no sibling product left."""
    mine = os.path.join(D, "y.tif")
    open(mine, "w").write("the user's own file")
    before = sha(mine)
    expect(4, ["y.tif", "was not written by sanxiang"], "dem", "slope", DEM, "-o", mine)
    assert sha(mine) == before, "the user's file was changed"
    absent(os.path.join(D, "y.nc"), os.path.join(D, ".y.nc.part"), os.path.join(D, ".y.tif.part"))


def case_dir_in_way():
    """The second product of a step cannot be written: the first is not committed either."""
    os.makedirs(os.path.join(D, "x.tif"))
    expect(4, ["x.tif", "existing directory"], "dem", "slope", DEM, "-o", os.path.join(D, "x.tif"), "--format",
           "cog,nc")
    absent(os.path.join(D, "x.nc"), os.path.join(D, ".x.nc.part"))


def case_rerun_own():
    """What sanxiang wrote it may write again (a forecaster re-runs the same command)."""
    out = os.path.join(D, "s.tif")
    ok("dem", "slope", DEM, "-o", out, "--format", "cog,nc")
    first = sha(os.path.join(D, "s.nc"))
    ok("dem", "slope", DEM, "-o", out, "--format", "cog,nc", "--units", "percent")
    assert sha(os.path.join(D, "s.nc")) != first, "the second run did not replace the first's output"
    assert sorted(open(os.path.join(D, ".sanxiang-outputs")).read().split()) == ["s.nc", "s.tif"]


def job_refused(pattern, *sets):
    run = os.path.join(D, "run")
    args = ["run", JOB, "--out", run]
    for s in sets:
        args += ["--set", s]
    expect(3, ["steps[0]", *pattern], *args)
    return run


def case_job_escape():
    run = job_refused(["'..'"], "steps.0.output=../escaped")
    absent(os.path.join(D, "escaped.tif"), os.path.join(D, "escaped.nc"), os.path.join(run, "slope.tif"))


def case_job_absolute():
    target = os.path.join(D, "abs_target")
    job_refused(["absolute path"], f"steps.0.output={target}")
    absent(target + ".tif", target + ".nc")


def case_job_empty():
    run = job_refused(["empty"], "steps.0.output=")
    absent(os.path.join(run, ".tif"), os.path.join(run, ".nc"), os.path.join(run, "..tif.part"))


def case_job_symlink():
    run = os.path.join(D, "run")
    outside = os.path.join(D, "outside")
    os.makedirs(run)
    os.makedirs(outside)
    os.symlink(outside, os.path.join(run, "link"))
    job_refused(["symbolic link"], "steps.0.output=link/slope")
    assert os.listdir(outside) == [], "written through a link out of the run directory"


def case_job_name():
    """A job name that would lead out of out/ is refused before anything is written."""
    job = os.path.join(D, "evil.yaml")
    open(job, "w").write("job: ../../evil\ninputs:\n  dem: " + DEM + "\nsteps:\n  - step: slope\n    input: dem\n")
    r = subprocess.run([EXPECT, str(NP), "3", "evil.yaml", "job", "'..'", "--", SX, "run", job], capture_output=True,
                       text=True, cwd=D)
    print(r.stdout[-2000:])
    assert r.returncode == 0
    absent(os.path.join(OUT, "evil"), os.path.join(D, "out"))


def case_job_half():
    """In a job too, a step whose second product fails leaves none of its products."""
    run = os.path.join(D, "run")
    os.makedirs(os.path.join(run, "slope.tif"))
    expect(4, ["slope.tif", "existing directory"], "run", JOB, "--out", run)
    absent(os.path.join(run, "slope.nc"), os.path.join(run, "run.json"))


def case_state_out():
    job = os.path.join(ROOT, "jobs", "hydro_forecast_chengcun.yaml")
    r = subprocess.run([EXPECT, str(NP), "3", "state_out", "'..'", "--", SX, "run", job, "--out",
                        os.path.join(D, "run"), "--set", "steps.0.state_out=../state.h5"],
                       capture_output=True, text=True, cwd=ROOT)
    print(r.stdout[-2000:])
    assert r.returncode == 0
    absent(os.path.join(D, "state.h5"))


def case_max_evals():
    """The command line has the job key's bounds: --max-evals -1 is refused as steps.max_evals is."""
    expect(2, ["--max-evals", "-1"], "hydro", "calibrate", "gr4j", "--forcing",
           os.path.join(HYDRO, "good_hourly.csv"), "--max-evals", "-1", "-o", os.path.join(D, "p.csv"))
    absent(os.path.join(D, "p.csv"))


def case_warp_no_crs():
    """A raster without a CRS is refused (it would be labelled in degrees); --s-srs states it."""
    src = os.path.join(D, "nocrs.tif")
    write_tif(src, np.arange(400, dtype=np.float32).reshape(20, 20))
    expect(3, ["nocrs.tif", "has no CRS", "--s-srs"], "rs", "warp", src, "--t-srs", "EPSG:4490", "-o",
           os.path.join(D, "w.tif"))
    absent(os.path.join(D, "w.tif"), os.path.join(D, "w.nc"))
    ok("rs", "warp", src, "--s-srs", "EPSG:32650", "--t-srs", "EPSG:4490", "-o", os.path.join(D, "w.tif"))
    ds = gdal.Open(os.path.join(D, "w.tif"))
    s = osr.SpatialReference(wkt=ds.GetProjection())
    gt = ds.GetGeoTransform()
    assert s.GetAuthorityCode(None) == "4490", s.ExportToWkt()
    assert 116 < gt[0] < 118 and 27 < gt[3] < 28, gt  # UTM 50N (500000, 3000000) is near 117 E, 27.1 N


def case_dem_inf():
    """+inf in a DEM is refused naming the cell, instead of filling it and storing inf statistics."""
    a = np.full((30, 40), 100.0, dtype=np.float32)
    a[17, 23] = np.inf
    src = os.path.join(D, "inf.tif")
    write_tif(src, a, 32650)
    expect(3, ["inf.tif", "+inf", "row 17, column 23"], "dem", "fill", src, "-o", os.path.join(D, "f.tif"))
    absent(os.path.join(D, "f.tif"), os.path.join(D, "f.nc"))


def case_huge_raster():
    """A raster too large for the ranks' memory: the error names the input and what to do."""
    vrt = os.path.join(D, "huge.vrt")
    open(vrt, "w").write(f"""<VRTDataset rasterXSize="3000000" rasterYSize="3000000">
  <GeoTransform>500000, 1, 0, 4000000, 0, -1</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <SimpleSource><SourceFilename relativeToVRT="0">{DEM}</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
""")
    expect(5, ["huge.vrt", "3000000 x 3000000 cells", "more ranks"], "dem", "slope", vrt, "-o",
           os.path.join(D, "h.tif"))
    absent(os.path.join(D, "h.tif"), os.path.join(D, "h.nc"))


globals()["case_" + CASE]()
print("ok")
