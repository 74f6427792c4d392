/*
 * sx_install.h — where sanxiang's shared files are: the bundled job files,
 * data and the built web viewer, found relative to the running command so an
 * install can be moved (docs/install.md).
 *
 * The data directory holds jobs/, data/ and viewer/dist/ as in the source
 * tree. It is, in this order: $SANXIANG_DATA_DIR when set; PREFIX/share/sanxiang
 * for a command installed as PREFIX/bin/sanxiang; the source tree for a
 * command in its build tree (SRC/build/bin/sanxiang, or SRC/X/build/bin/sanxiang). Nothing here is
 * collective; every rank finds the same directory when the ranks see the
 * same file system (as they must, to read their inputs).
 */
#ifndef SX_INSTALL_H
#define SX_INSTALL_H

#include <stddef.h>

/** The data directory into buf (no trailing '/'); 1 if one was found, 0 if
 *  not (buf is then ""). Not collective. */
int sx_install_data_dir(char *buf, size_t len);

/**
 * The file to read for a name a user gave: name itself (returns 0) when it is
 * absolute, not a plain file name (a GDAL dataset such as "NETCDF:..." or
 * "/vsicurl/..."), or exists relative to the working directory; else, when
 * DATA_DIR/name exists, that path (returns 1). When neither exists, name
 * itself (returns 0), so the caller's own "cannot open" message names what
 * the user wrote. buf receives the chosen path, truncated names fall back to
 * name. Not collective.
 */
int sx_install_resolve(const char *name, char *buf, size_t len);

#endif
