#!/usr/bin/env python3
"""Check the Spack recipe packaging/spack/sanxiang/package.py without Spack.

Parses the recipe (Python ast) and the CMake build (CMakeLists.txt and
cmake/*.cmake: find_package, pkg_check_modules, find_library, find_path) and
fails, with one line per problem, when
  - a dependency the build looks for has no depends_on in the recipe (or one
    under the wrong condition: test-only ones need when="+tests", libxlsxwriter
    when="+xlsx"; HDF5 must be +mpi);
  - the recipe depends on something the build never looks for;
  - a variant of the issue (xlsx, tests, sanitize) is missing, or cmake_args
    sets a CMake variable that the build does not declare.
The dependency names differ between CMake and Spack; CMAKE_TO_SPACK is the
one table relating them, and a CMake dependency not in it is a failure too.

Usage: check_spack.py SOURCE_DIR [--drop NAME] [--add NAME]   (--drop/--add
alter the parsed recipe, so the test can show that the check notices).
"""
import argparse
import ast
import pathlib
import re
import sys

# CMake name (package, pkg-config module, library or header) -> Spack package; None: comes with the compiler.
CMAKE_TO_SPACK = {
    "MPI": "mpi", "OpenMP": None, "HDF5": "hdf5", "GDAL": "gdal",
    "BLAS": "openblas", "LAPACK": "openblas", "lapacke": "openblas", "lapacke.h": "openblas", "cblas.h": "openblas",
    "PkgConfig": "pkgconfig", "yaml-0.1": "libyaml", "libdeflate": "libdeflate", "libzstd": "zstd",
    "libmicrohttpd": "libmicrohttpd", "cmocka": "cmocka", "xlsxwriter": "libxlsxwriter", "xlsxwriter.h": "libxlsxwriter",
}
# Recipe dependencies that are the build's tools, not something CMake finds.
BUILD_TOOLS = {"c", "cmake"}
# Dependencies of one variant only.
CONDITION = {"cmocka": "+tests", "libxlsxwriter": "+xlsx"}
VARIANTS = {"xlsx", "tests", "sanitize"}
ISSUE_DEPS = {"mpi", "hdf5", "gdal", "openblas", "libyaml", "libdeflate", "zstd"}


def cmake_dependencies(src):
    """{cmake name: file:line} of everything the build looks for."""
    found = {}
    files = [src / "CMakeLists.txt"] + sorted((src / "cmake").glob("*.cmake"))
    patterns = [
        re.compile(r"^\s*find_package\(\s*(\w+)"),
        re.compile(r"^\s*pkg_check_modules\(\s*\w+\s+(?:(?:REQUIRED|QUIET|IMPORTED_TARGET|GLOBAL)\s+)*([\w.+-]+)"),
        re.compile(r"^\s*find_library\(\s*\w+\s+([\w.+-]+)"),
        re.compile(r"^\s*find_path\(\s*\w+\s+([\w.+-]+)"),
    ]
    for f in files:
        for n, line in enumerate(f.read_text().splitlines(), 1):
            for p in patterns:
                m = p.match(line)
                if m and m.group(1) != "sanxiang":
                    found.setdefault(m.group(1), f"{f.relative_to(src)}:{n}")
    return found


def cmake_variables(src):
    """Names the build declares: option(...) and set(... CACHE ...), plus the CMake variables it reads."""
    names = set()
    files = [src / "CMakeLists.txt"] + sorted((src / "cmake").glob("*.cmake"))
    for f in files:
        text = f.read_text()
        names |= set(re.findall(r"option\(\s*(\w+)", text))
        names |= set(re.findall(r"set\(\s*(\w+)\s[^)]*\bCACHE\b", text))
        names |= set(re.findall(r"\$\{(\w+)\}", text)) | set(re.findall(r"\bif\(\s*(?:NOT\s+)?(\w+)", text))
        names |= set(re.findall(r"set\(\s*(\w+)\s", text))
    return names


def const(node):
    return node.value if isinstance(node, ast.Constant) else None


def parse_recipe(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    cls = [c for c in tree.body if isinstance(c, ast.ClassDef)]
    if len(cls) != 1 or not any(getattr(b, "id", "") == "CMakePackage" for b in cls[0].bases):
        sys.exit(f"{path}: expected one class deriving from CMakePackage")
    deps, variants, defines = {}, set(), set()
    for node in ast.walk(cls[0]):
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        args = [const(a) for a in node.args]
        kw = {k.arg: const(k.value) for k in node.keywords}
        if name == "depends_on" and args and args[0]:
            spec = args[0]
            pkg = re.match(r"[\w-]+", spec).group(0)
            deps[pkg] = {"spec": spec, "when": kw.get("when"), "line": node.lineno}
        elif name == "variant" and args and args[0]:
            variants.add(args[0])
        elif name in ("define", "define_from_variant") and args and args[0]:
            defines.add(args[0])
    return deps, variants, defines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=pathlib.Path)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--add", action="append", default=[])
    a = ap.parse_args()
    recipe = a.src / "packaging/spack/sanxiang/package.py"
    deps, variants, defines = parse_recipe(recipe)
    for d in a.drop:
        deps.pop(d, None)
    for d in a.add:
        deps[d] = {"spec": d, "when": None, "line": 0}

    problems = []
    wanted = {}
    for name, where in cmake_dependencies(a.src).items():
        if name not in CMAKE_TO_SPACK:
            problems.append(f"{where}: the build looks for '{name}', which check_spack.py does not know; "
                            "add it to CMAKE_TO_SPACK and a depends_on to the recipe")
            continue
        if CMAKE_TO_SPACK[name]:
            wanted.setdefault(CMAKE_TO_SPACK[name], where)
    for pkg, where in sorted(wanted.items()):
        d = deps.get(pkg)
        if not d:
            problems.append(f"{recipe.name}: no depends_on('{pkg}'), which the build needs ({where})")
        elif CONDITION.get(pkg) != d["when"]:
            problems.append(f"{recipe.name}:{d['line']}: depends_on('{d['spec']}') should have "
                            f"when={CONDITION.get(pkg)!r}, has {d['when']!r}")
    for pkg, d in sorted(deps.items()):
        if pkg not in wanted and pkg not in BUILD_TOOLS:
            problems.append(f"{recipe.name}:{d['line']}: depends_on('{d['spec']}'), which the CMake build never looks for")
    if "hdf5" in deps and "+mpi" not in deps["hdf5"]["spec"]:
        problems.append(f"{recipe.name}: HDF5 must be the parallel build: depends_on('hdf5+mpi')")
    for pkg in sorted(ISSUE_DEPS - set(deps)):
        problems.append(f"{recipe.name}: missing depends_on('{pkg}')")
    for v in sorted(VARIANTS - variants):
        problems.append(f"{recipe.name}: missing variant('{v}')")
    declared = cmake_variables(a.src) | {"BLA_VENDOR", "HDF5_PREFER_PARALLEL"}
    for d in sorted(defines - declared):
        problems.append(f"{recipe.name}: cmake_args sets {d}, which the build does not declare")
    for v, opt in (("tests", "SX_BUILD_TESTS"), ("sanitize", "SX_SANITIZE"), ("xlsx", "SX_XLSX")):
        if opt not in defines:
            problems.append(f"{recipe.name}: variant '{v}' does not reach CMake ({opt})")

    for p in problems:
        print("spack recipe:", p)
    print(f"spack recipe: {len(deps)} dependencies, variants {sorted(variants)}, "
          f"{len(wanted)} packages the build looks for: {'FAIL' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
