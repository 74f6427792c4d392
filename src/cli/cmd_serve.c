/*
 * cmd_serve.c — `sanxiang serve PACKAGE_DIR [--port N]`: open a package in a
 * browser at http://127.0.0.1:N/ (rank 0 serves; run it with one rank).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_publish.h"

void sx_cli_serve_help(void)
{
    printf("usage: sanxiang serve PACKAGE_DIR [--port N] [--max-requests K]\n\n"
           "  Serves the package's files on http://127.0.0.1:N/ (default N = 8000; 0 picks a free port and\n"
           "  prints it) until interrupted; open that address for the map viewer. Local use only: it\n"
           "  listens on the loopback interface and serves GET/HEAD of files under PACKAGE_DIR.\n"
           "  --max-requests K stops after K requests (for tests).\n");
}

sx_err sx_cli_serve(int argc, char **argv)
{
    const char *dir = NULL, *v;
    long long port = 8000, max = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--port", v, &port));
        } else if (!strcmp(argv[i], "--max-requests")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--max-requests", v, &max));
        } else if (argv[i][0] == '-') SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for serve", argv[i]);
        else if (!dir) dir = argv[i];
        else SX_FAIL(SX_ERR_USAGE, "serve takes one package directory; got '%s' and '%s'", dir, argv[i]);
    }
    SX_FAIL_IF(!dir, SX_ERR_USAGE, "usage: sanxiang serve PACKAGE_DIR [--port N]");
    SX_FAIL_IF(port < 0 || port > 65535, SX_ERR_USAGE, "--port must be 0..65535, got %lld", port);
    if (sx_mpi_rank() != 0) return SX_OK;
    return sx_publish_serve(dir, (int)port, (long)max);
}
