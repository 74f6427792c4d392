#!/usr/bin/python3
"""check_run_record.py RUN_DIR RANKS — the run record and perf table of a job
hold the provenance the issue requires, and the outputs carry it too."""
import json
import sys

from osgeo import gdal

run_dir, ranks = sys.argv[1], int(sys.argv[2])
rec = json.load(open(f"{run_dir}/run.json"))
prov = rec["provenance"]
for key in ("version", "commit", "command_line", "job_file", "job_sha256", "ranks", "threads_per_rank", "utc_time"):
    assert key in prov, f"provenance lacks {key}"
assert prov["ranks"] == ranks, prov["ranks"]
assert len(prov["job_sha256"]) == 64
assert rec["configuration"]["job"] == "demo"
perf = json.load(open(f"{run_dir}/perf.json"))
assert perf["ranks"] == ranks and perf["timers"], perf
assert any(t["kind"] == "read" for t in perf["timers"])
cog = gdal.Open(f"{run_dir}/slope.tif")
p = json.loads(cog.GetMetadataItem("SANXIANG_PROVENANCE"))
assert p["job_sha256"] == prov["job_sha256"]
# Files carry what identifies the result, not how or when it ran (run.json does).
for key in ("ranks", "threads_per_rank", "utc_time", "host"):
    assert key not in p, f"the COG's provenance has {key}"
assert p["inputs"]["dem"] == rec["configuration"]["inputs"]["dem"], p.get("inputs")
nc = gdal.Open(f'NETCDF:"{run_dir}/slope.nc":slope')
assert "job_sha256" in (nc.GetMetadataItem("NC_GLOBAL#sanxiang_provenance") or ""), nc.GetMetadata()
print("run record ok:", prov["version"], prov["commit"], prov["ranks"], "ranks")
