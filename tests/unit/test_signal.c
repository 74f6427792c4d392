/* test_signal.c — a delivered SIGUSR1/SIGTERM is recorded, not fatal. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sanxiang/sx_signal.h"

static void test_record(void **state)
{
    assert_int_equal(sx_signal_install(), SX_OK);
    assert_int_equal(sx_signal_pending(), 0);
    raise(SIGUSR1);
    assert_int_equal(sx_signal_pending(), SIGUSR1);
    sx_signal_clear();
    raise(SIGTERM); /* would kill the process without the handler */
    assert_int_equal(sx_signal_pending(), SIGTERM);
    sx_signal_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_record)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
