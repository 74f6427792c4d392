# Spack recipe for sanxiang (docs/install.md). packaging/spack is a Spack
# package repository: `spack repo add packaging/spack`, then, from a checkout,
#   spack develop --path "$PWD" sanxiang@=main && spack install sanxiang@main +xlsx
# or set `git` below to the centre's mirror of the repository and
#   spack install sanxiang@main
# Then `spack module lmod refresh sanxiang` (or the hand-written module of
# packaging/lmod). tests/packaging/check_spack.py parses this file (Spack is
# not needed) and matches its dependencies against the find_package /
# pkg_check_modules calls of the CMake build, and its variants against the
# CMake options.

from spack.package import *


class Sanxiang(CMakePackage):
    """HPC batch analytics for Slurm clusters: remote-sensing indices and
    composites, DEM hydrology, flood forecasting and 2-D inundation, and
    digital-economy indicators; MPI + OpenMP kernels that give the same output
    at any number of ranks, writing Cloud-Optimized GeoTIFF and CF netCDF."""

    homepage = "https://example.invalid/sanxiang"  # no public home yet: use `spack develop` or set git
    git = "https://example.invalid/sanxiang.git"


    version("main", branch="main")

    variant("xlsx", default=True, description="XLSX workbooks of the indicator tables (libxlsxwriter)")
    variant("tests", default=False, description="Build the test suite (ctest; needs cmocka)")
    variant("sanitize", default=False, description="Build with AddressSanitizer and UndefinedBehaviorSanitizer")

    depends_on("c", type="build")
    depends_on("cmake@3.25:", type="build")
    depends_on("pkgconfig", type="build")

    depends_on("mpi")
    depends_on("hdf5+mpi+hl")
    # GDAL drivers and functions sanxiang uses: netCDF (NETCDF:"file":var inputs), GeoPackage (SQLite),
    # PNG (package previews), GEOS (OGR_G_Contains / OGR_G_Centroid in zonal statistics and publish).
    depends_on("gdal+netcdf+sqlite3+png+geos")
    depends_on("openblas")  # BLAS, LAPACK and LAPACKE (BLA_VENDOR=OpenBLAS)
    depends_on("libyaml")
    depends_on("libdeflate")
    depends_on("zstd")
    depends_on("libmicrohttpd")  # sanxiang serve
    depends_on("libxlsxwriter", when="+xlsx")
    depends_on("cmocka", when="+tests", type=("build", "test"))

    def cmake_args(self):
        return [
            self.define_from_variant("SX_BUILD_TESTS", "tests"),
            self.define_from_variant("SX_SANITIZE", "sanitize"),
            self.define("SX_XLSX", "ON" if self.spec.satisfies("+xlsx") else "OFF"),
            self.define("BLA_VENDOR", "OpenBLAS"),
            self.define("HDF5_PREFER_PARALLEL", True),
        ]

    @run_after("install")
    @on_package_attributes(run_tests=True)
    def check_installed(self):
        sanxiang = Executable(self.prefix.bin.sanxiang)
        sanxiang("version")
