# Install rules (docs/install.md): `cmake --install build --prefix P` gives
#   P/bin/sanxiang                         the command (libsanxiang linked in statically)
#   P/lib/libsanxiang.so, libsanxiang.a    the library, for programs that link it
#   P/include/sanxiang/*.h                 its public headers
#   P/lib/cmake/sanxiang/                  find_package(sanxiang) -> sanxiang::sanxiang (shared),
#                                          sanxiang::sanxiang_static
#   P/lib/pkgconfig/sanxiang.pc            pkg-config --cflags --libs sanxiang
#   P/share/sanxiang/{jobs,data,slurm,viewer/dist}   bundled jobs and their data, Slurm scripts, viewer
#   P/share/sanxiang/modulefiles/sanxiang/VERSION.lua  an Lmod module for this prefix
#   P/share/man/man1/sanxiang.1            the manual page (sanxiang help --man)
#   P/share/doc/sanxiang/                  README, the guides, examples/
# (lib is lib64 or lib/<multiarch> where GNUInstallDirs says so.) Nothing
# installed names the prefix except the module file and the pkg-config file's
# MPI paths: the command finds share/sanxiang from its own location
# (src/core/install.c), the CMake package and pkg-config file from theirs.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(CMAKE_INSTALL_RPATH_USE_LINK_PATH TRUE) # dependencies outside the system paths (Spack, modules)
set(SX_DATADIR ${CMAKE_INSTALL_DATADIR}/sanxiang)
set(SX_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/sanxiang)

# ---- the manual page, from the command tables ----
# (runs the built command; under CMAKE_CROSSCOMPILING_EMULATOR when cross-compiling)
option(SX_MAN "Write the manual page sanxiang(1) at build time" ON)
if(SX_MAN AND (NOT CMAKE_CROSSCOMPILING OR CMAKE_CROSSCOMPILING_EMULATOR))
  set(SX_MAN_PAGE ${CMAKE_BINARY_DIR}/man/sanxiang.1)
  string(REPLACE ";" "|" sx_emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
  add_custom_command(OUTPUT ${SX_MAN_PAGE}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:sanxiang_cli> -DEMULATOR=${sx_emulator} -DOUT=${SX_MAN_PAGE}
            -P ${CMAKE_CURRENT_LIST_DIR}/SanxiangMan.cmake
    DEPENDS sanxiang_cli ${CMAKE_CURRENT_LIST_DIR}/SanxiangMan.cmake
    COMMENT "Writing the manual page sanxiang(1) (sanxiang help --man)" VERBATIM)
  add_custom_target(sx_man ALL DEPENDS ${SX_MAN_PAGE})
  install(FILES ${SX_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# ---- the command, the library, its headers ----
install(TARGETS sanxiang_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(sanxiang PROPERTIES EXPORT_NAME sanxiang_static)
if(TARGET sanxiang_shared)
  set_target_properties(sanxiang_shared PROPERTIES EXPORT_NAME sanxiang)
endif()
# A sanitizer build's library needs the sanitizer runtimes in the program that links it.
set(SX_SANITIZER_LINK "")
if(SX_SANITIZE OR SX_FUZZ)
  set(SX_SANITIZER_LINK -fsanitize=address,undefined)
endif()
foreach(lib ${SX_LIBRARIES})
  target_include_directories(${lib} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_options(${lib} INTERFACE ${SX_SANITIZER_LINK})
endforeach()
install(TARGETS ${SX_LIBRARIES} EXPORT sanxiangTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/sanxiang DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_BINARY_DIR}/generated/sanxiang/sx_version_gen.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sanxiang)

# ---- find_package(sanxiang): the targets, and the dependencies found again as the build found them ----
install(EXPORT sanxiangTargets NAMESPACE sanxiang:: DESTINATION ${SX_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/sanxiangConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/sanxiangConfig.cmake INSTALL_DESTINATION ${SX_CMAKEDIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/sanxiangConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/sanxiangConfig.cmake ${CMAKE_BINARY_DIR}/package/sanxiangConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/SanxiangDeps.cmake
        DESTINATION ${SX_CMAKEDIR})

# ---- pkg-config: prefix from the file's own place; MPI's flags, so plain cc works as well as mpicc ----
file(RELATIVE_PATH sx_pc_up /x/${CMAKE_INSTALL_LIBDIR}/pkgconfig /x)
string(REGEX REPLACE "/$" "" sx_pc_up "${sx_pc_up}")
set(SX_PC_CFLAGS "")
foreach(d ${MPI_C_INCLUDE_DIRS})
  string(APPEND SX_PC_CFLAGS " -I${d}")
endforeach()
set(SX_PC_LIBS "")
if(SX_SANITIZER_LINK)
  set(SX_PC_LIBS " ${SX_SANITIZER_LINK}")
endif()
foreach(l ${MPI_C_LIBRARIES})
  string(APPEND SX_PC_LIBS " ${l}")
endforeach()
# libsanxiang.a needs every library the build linked (pkg-config --static).
set(SX_PC_PRIVATE "${OpenMP_C_FLAGS}")
get_target_property(sx_gdal_lib GDAL::GDAL LOCATION)
set(sx_pc_libs ${HDF5_C_HL_LIBRARIES} ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES} ${sx_gdal_lib} ${YAML_LINK_LIBRARIES}
               ${DEFLATE_LINK_LIBRARIES} ${ZSTD_LINK_LIBRARIES} ${MHD_LINK_LIBRARIES} ${LAPACKE_LIBRARY}
               ${LAPACK_LIBRARIES} ${BLAS_LIBRARIES} ${XLSXWRITER_LIBRARY})
list(REMOVE_DUPLICATES sx_pc_libs)
foreach(l ${sx_pc_libs})
  if(l AND NOT l MATCHES "NOTFOUND")
    string(APPEND SX_PC_PRIVATE " ${l}")
  endif()
endforeach()
string(APPEND SX_PC_PRIVATE " -lm")
configure_file(${CMAKE_CURRENT_LIST_DIR}/sanxiang.pc.in ${CMAKE_BINARY_DIR}/package/sanxiang.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/package/sanxiang.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---- shared files: the data directory the command looks for (src/core/install.c), docs ----
install(DIRECTORY jobs data DESTINATION ${SX_DATADIR})
install(DIRECTORY slurm DESTINATION ${SX_DATADIR} USE_SOURCE_PERMISSIONS)
install(DIRECTORY viewer/dist DESTINATION ${SX_DATADIR}/viewer OPTIONAL) # built by scripts/viewer-build.sh
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(DIRECTORY examples DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The Lmod module of this install: the template with the prefix filled in when installing.
install(CODE "
  set(SX_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(SX_VERSION \"${PROJECT_VERSION}\")
  set(SX_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  configure_file(\"${CMAKE_SOURCE_DIR}/packaging/lmod/sanxiang/${PROJECT_VERSION}.lua\"
                 \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${SX_DATADIR}/modulefiles/sanxiang/${PROJECT_VERSION}.lua\" @ONLY)
  message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${SX_DATADIR}/modulefiles/sanxiang/${PROJECT_VERSION}.lua\")")
