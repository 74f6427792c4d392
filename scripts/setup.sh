#!/usr/bin/env bash
# Installs every Debian 12 package sanxiang needs to build, test and run,
# skipping those already installed. Idempotent. Uses sudo when not root.
# `scripts/setup.sh --bench` also installs GRASS, SAGA and Orfeo ToolBox for bench/.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin              # MPI
  libhdf5-openmpi-dev hdf5-tools          # parallel HDF5 (h5dump for inspection)
  libgdal-dev gdal-bin python3-gdal       # GDAL library, tools (gdaldem, COG validator)
  libopenblas-dev liblapacke-dev          # BLAS / LAPACK(E)
  libyaml-dev                             # job files
  libdeflate-dev libzstd-dev              # tile compression of the parallel COG writer
  libmicrohttpd-dev                       # sanxiang serve (HTTP server of the package viewer)
  libcmocka-dev                           # unit tests
  clang-14 libclang-rt-14-dev libomp-14-dev   # fuzzing: libFuzzer + sanitizers, OpenMP for clang (scripts/fuzz.sh)
  libxlsxwriter-dev                       # XLSX workbooks of the indicator tables (optional)
  python3-numpy python3-xarray python3-netcdf4   # interoperability tests (xarray opens our CF files)
  chromium curl fonts-noto-cjk            # one-map viewer: browser test (Chinese labels), serve test
  slurmctld slurmd slurm-client munge     # a real local Slurm for the slurm tests (scripts/slurm-local.sh)
  lmod man-db groff-base                  # packaging tests: the module file under Lmod, the manual page
)

# The tools the benchmarks compare against (bench/*.sh); not needed by the tests.
if [ "${1:-}" = "--bench" ]; then PACKAGES+=(grass-core saga otb-bin); fi

# Node.js and npm bundle the map viewer (scripts/viewer-build.sh). A machine
# may already have them from elsewhere (e.g. NodeSource), whose nodejs
# package conflicts with Debian's npm: take Debian's only when absent.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
