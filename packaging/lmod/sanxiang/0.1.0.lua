-- Lmod module of sanxiang @SX_VERSION@: `module load sanxiang`.
--
-- A template: `cmake --install` writes it, with the prefix filled in, to
-- PREFIX/share/sanxiang/modulefiles/sanxiang/@SX_VERSION@.lua; a centre copies
-- that file into its module tree (or adds PREFIX/share/sanxiang/modulefiles to
-- MODULEPATH). The file is named after the version so several versions can sit
-- side by side; `module load sanxiang` picks the newest. Checked by
-- tests/packaging (Lmod loads it, then the command, man page, CMake package and
-- pkg-config file are found through it).
--
-- The SX_* values below are this centre's defaults for every user of the
-- module; a user's own environment after `module load` overrides them.

local root    = "@SX_PREFIX@"
local version = "@SX_VERSION@"
local libdir  = pathJoin(root, "@SX_LIBDIR@")
local share   = pathJoin(root, "share/sanxiang")

whatis("Name: sanxiang")
whatis("Version: " .. version)
whatis("Category: remote sensing, flood forecasting, indicators (MPI)")
whatis("Description: HPC batch analytics for the one-map platform: MPI kernels run under Slurm")

help([[
sanxiang ]] .. version .. [[ — HPC batch analytics: remote sensing, flood forecasting, indicators.

  sanxiang help                      every command          man sanxiang   the manual
  sanxiang run jobs/demo.yaml --out demo                    a bundled job, from any directory
  mpirun -np 4 sanxiang run JOB.yaml                        N ranks, the same results
  sbatch -n 8 --cpus-per-task=4 $SX_ROOT/slurm/run-job.sbatch jobs/demo.yaml
                                     on the cluster

Bundled jobs, data and Slurm scripts: $SX_ROOT (]] .. share .. [[).
Guides: ]] .. pathJoin(root, "share/doc/sanxiang") .. [[ (slurm.md, install.md, ...).
Programs that link libsanxiang: find_package(sanxiang) -> sanxiang::sanxiang, or pkg-config sanxiang.
]])

conflict("sanxiang")

prepend_path("PATH",              pathJoin(root, "bin"))
prepend_path("MANPATH",           pathJoin(root, "share/man"))
prepend_path("LD_LIBRARY_PATH",   libdir)
prepend_path("LIBRARY_PATH",      libdir)
prepend_path("CPATH",             pathJoin(root, "include"))
prepend_path("CMAKE_PREFIX_PATH", root)
prepend_path("PKG_CONFIG_PATH",   pathJoin(libdir, "pkgconfig"))

setenv("SANXIANG_ROOT", root)
-- The Slurm scripts (slurm/sx-env.sh) find themselves and the command through these.
setenv("SX_ROOT", share)
setenv("SX_BIN",  pathJoin(root, "bin/sanxiang"))
-- Centre defaults (docs/slurm.md): progress lines every 30 s in batch logs, ZSTD-compressed COG tiles
-- (DEFLATE for readers built without ZSTD).
setenv("SX_PROGRESS_SECONDS", "30")
setenv("SX_COG_COMPRESS",     "ZSTD")
