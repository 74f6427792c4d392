/*
 * gbt_table.c — the GB/T 22482-2008 event table as CSV: one row per flood
 * event (peak, peak time and runoff depth with their errors, allowances and
 * verdicts; the event's DC) and a closing comment line with the pass rate,
 * the grade and the whole-span DC. `hydro evaluate` and the calibration step
 * both write it, so forecasters read one layout.
 */
#include <stdio.h>

#include "sanxiang/sx_hydro_eval.h"

sx_err sx_gbt22482_table(const sx_gbt_event_t *ev, int nev, const sx_gbt_summary_t *sum, char *const *times,
                         sx_strbuf_t *sb)
{
    sx_strbuf_puts(sb, "event,start,end,obs_peak,sim_peak,peak_err_pct,peak_ok,obs_peak_time,sim_peak_time,"
                       "peak_time_err_steps,time_ok,obs_depth_mm,sim_depth_mm,depth_err_mm,depth_allow_mm,depth_ok,dc,"
                       "qualified\n");
    for (int i = 0; i < nev; i++) {
        const sx_gbt_event_t *x = &ev[i];
        sx_strbuf_printf(sb, "%d,%s,%s,%.6g,%.6g,%.2f,%d,%s,%s,%lld,%d,%.4g,%.4g,%.4g,%.4g,%d,%.4f,%d\n", i + 1,
                         times[x->start], times[x->end], x->obs_peak, x->sim_peak, 100 * x->peak_rel_err, x->peak_ok,
                         times[x->obs_peak_t], times[x->sim_peak_t], (long long)x->peak_time_err, x->time_ok,
                         x->obs_depth, x->sim_depth, x->depth_err, x->depth_allow, x->depth_ok, x->dc, x->qualified);
    }
    sx_strbuf_printf(sb, "# events %d, qualified %d, pass rate %.1f%% -> grade %s; DC %.4f -> grade %s\n", sum->nevents,
                     sum->nqualified, sum->pass_rate, sum->grade, sum->dc, sum->dc_grade);
    SX_FAIL_IF(sb->failed, SX_ERR_NOMEM, "out of memory writing the GB/T 22482 table");
    return SX_OK;
}
