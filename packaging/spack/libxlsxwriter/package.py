# libxlsxwriter for sanxiang's +xlsx variant (the Spack builtin repository has
# no recipe for it). Fetched by its release tag; add a commit= for a pinned,
# verified build at the centre.

from spack.package import *


class Libxlsxwriter(CMakePackage):
    """A C library for creating Excel XLSX files."""

    homepage = "https://libxlsxwriter.github.io"
    git = "https://github.com/jmcnamara/libxlsxwriter.git"

    license("BSD-2-Clause")

    version("1.1.4", tag="RELEASE_1.1.4")

    depends_on("c", type="build")
    depends_on("zlib-api")

    def cmake_args(self):
        return [self.define("BUILD_SHARED_LIBS", True), self.define("USE_SYSTEM_MINIZIP", False)]
