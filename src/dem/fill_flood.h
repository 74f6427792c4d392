/*
 * fill_flood.h — phase 1 and 3 of the tiled Priority-Flood on one block, as
 * a template: fill_flood.c includes it once per elevation type with ELEV
 * (float or double), KEY (its order-preserving heap key) and FN(name)
 * defined. See fill_flood.c for the method.
 */

/* Phase 1, set-up: labels (0 for own data cells, FILL_SKIP elsewhere), the
 * seeds (own perimeter cells and, unless walls, own cells next to nodata)
 * in the priority queue, and the outlets (seeds on the grid edge or next to
 * nodata) listed. */
static sx_err FN(seed)(sx__flood_t *f, const ELEV *z)
{
    const sx__pad_t *p = f->p;
    const int64_t nx = p->own.nx, ny = p->own.ny;
    uint32_t *lab = f->lab;
    memset(lab, 0xff, (size_t)p->n * sizeof *lab);
    if (nx == 0 || ny == 0) return SX_OK;
    /* frame rows holding nodata inside the grid (cells beyond the grid are
     * NaN too, but only next to grid-edge cells, which are outlets anyway) */
    int64_t gx0 = p->own.x0 > 0 ? 0 : 1, gx1 = p->own.x0 + nx < p->gnx ? p->w : p->w - 1;
    uint8_t *rownan = calloc((size_t)p->h, 1);
    SX_FAIL_IF(!rownan, SX_ERR_NOMEM, "cannot allocate %lld row flags", (long long)p->h);
    for (int64_t fj = 0; fj < p->h; fj++) {
        const ELEV *row = z + fj * p->w;
        int any = 0;
        for (int64_t i = gx0; i < gx1; i++) any |= isnan(row[i]);
        rownan[fj] = (uint8_t)any;
    }
    for (int64_t j = 0; j < ny; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        for (int64_t i = 0; i < nx; i++) lab[c0 + i] = isnan(z[c0 + i]) ? FILL_SKIP : 0;
    }
    sx_err err = SX_OK;
    const int walls = f->walls;
    const int gw = p->own.x0 == 0, ge = p->own.x0 + nx == p->gnx, gn = p->own.y0 == 0, gs = p->own.y0 + ny == p->gny;
    for (int64_t j = 0; j < ny && err == SX_OK; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        int perrow = j == 0 || j == ny - 1, nanrows = !walls && (rownan[j] | rownan[j + 1] | rownan[j + 2]);
        int edgerow = (j == 0 && gn) || (j == ny - 1 && gs);
        if (!perrow && !nanrows) { /* only the two end cells can be seeds */
            if (!isnan(z[c0])) {
                err = sx__rh_push(&f->pq, KEY(z[c0]), (uint64_t)c0);
                if (err == SX_OK && gw) err = sx__fill_outlet(f, (uint32_t)c0);
            }
            int64_t c = c0 + nx - 1;
            if (err == SX_OK && nx > 1 && !isnan(z[c])) {
                err = sx__rh_push(&f->pq, KEY(z[c]), (uint64_t)c);
                if (err == SX_OK && ge) err = sx__fill_outlet(f, (uint32_t)c);
            }
            continue;
        }
        for (int64_t i = 0; i < nx && err == SX_OK; i++) {
            int64_t c = c0 + i;
            if (lab[c] == FILL_SKIP) continue;
            int per = perrow || i == 0 || i == nx - 1;
            int out = edgerow || (i == 0 && gw) || (i == nx - 1 && ge);
            if (nanrows && !out)
                for (int k = 0; k < 8; k++) out |= isnan(z[c + p->off[k]]);
            if (per || out) err = sx__rh_push(&f->pq, KEY(z[c]), (uint64_t)c);
            if (err == SX_OK && out) err = sx__fill_outlet(f, (uint32_t)c);
        }
    }
    free(rownan);
    return err;
}

/* Phase 1, flood: see fill_flood.c. z is raised in place to the local levels. */
static sx_err FN(flood)(sx__flood_t *f, ELEV *z)
{
    const int64_t W = f->p->w;
    const int64_t off[8] = {-1, -W - 1, -W, -W + 1, 1, W + 1, W, W - 1}; /* W, NW, N, NE, E, SE, S, SW */
    uint32_t *lab = f->lab;
    sx__edges_t *es = f->es;
    sx__q32_t *pit = &f->pit, *trace = &f->trace;
    while (f->pq.n > 0) {
        sx__pqn_t top;
        SX_CHECK(sx__rh_pop(&f->pq, &top));
        uint32_t c = (uint32_t)top.cell;
        if (lab[c] == 0) {
            SX_FAIL_IF(f->nlab == FILL_SKIP - 1, SX_ERR_NOMEM,
                       "more than 2^32 watershed labels in one block; run with more ranks");
            lab[c] = ++f->nlab;
        }
        const uint32_t L = lab[c];
        /* the popped cell and the depression cells it reaches: claim at level lv */
        const ELEV lv = z[c];
        uint32_t x = c;
        for (;;) {
            SX__UNROLL8 for (int k = 0; k < 8; k++) {
                uint32_t m = (uint32_t)(x + off[k]), lm = lab[m];
                if (lm == 0) {
                    lab[m] = L;
                    if (z[m] <= lv) {
                        z[m] = lv;
                        SX_CHECK(sx__q32_push(pit, m));
                    } else {
                        SX_CHECK(sx__q32_push(trace, m));
                    }
                } else if (lm != L && lm != FILL_SKIP) {
                    SX_CHECK(sx__edges_add(es, L, lm, (double)(z[m] > lv ? z[m] : lv)));
                }
            }
            if (sx__q32_empty(pit)) break;
            x = sx__q32_pop(pit);
        }
        /* cells above the level: trace uphill, each at its own elevation */
        while (!sx__q32_empty(trace)) {
            uint32_t a = sx__q32_ahead(trace, 16); /* the uphill wavefront jumps rows: fetch ahead */
            if (a != UINT32_MAX) {
                __builtin_prefetch(lab + a - W, 1, 1), __builtin_prefetch(lab + a + W, 1, 1);
                __builtin_prefetch(z + a - W, 0, 1), __builtin_prefetch(z + a + W, 0, 1);
            }
            uint32_t t = sx__q32_pop(trace);
            const ELEV zt = z[t];
            int low = 0;
            SX__UNROLL8 for (int k = 0; k < 8; k++) {
                uint32_t m = (uint32_t)(t + off[k]), lm = lab[m];
                if (lm == 0) {
                    if (z[m] >= zt) {
                        lab[m] = L;
                        SX_CHECK(sx__q32_push(trace, m));
                    } else {
                        low = 1;
                    }
                } else if (lm != L && lm != FILL_SKIP) {
                    SX_CHECK(sx__edges_add(es, L, lm, (double)(z[m] > zt ? z[m] : zt)));
                }
            }
            if (low) SX_CHECK(sx__q32_push(&f->maybe, t));
        }
        /* t may be the spill point of a lower unclaimed neighbour m: queue t
         * at its elevation, unless the trace has claimed every such m by now,
         * or m has a claimed neighbour below t, which reaches m at a lower
         * level (Wei, Zhou & Fu 2019; by induction over strictly decreasing
         * levels some queued cell claims m) */
        while (!sx__q32_empty(&f->maybe)) {
            uint32_t t = sx__q32_pop(&f->maybe);
            const ELEV zt = z[t];
            int spill = 0;
            for (int k = 0; k < 8 && !spill; k++) {
                uint32_t m = (uint32_t)(t + off[k]);
                if (lab[m] != 0) continue;
                int lower = 0;
                for (int q = 0; q < 8 && !lower; q++) {
                    uint32_t n = (uint32_t)(m + off[q]), ln = lab[n];
                    lower = ln != 0 && ln != FILL_SKIP && z[n] < zt;
                }
                spill = !lower;
            }
            if (spill) SX_CHECK(sx__rh_push(&f->pq, KEY(zt), t));
        }
    }
    return SX_OK;
}

/* The outlets' links to the outside (label 0) at their (never raised) elevation. */
static sx_err FN(outlet_edges)(sx__flood_t *f, const ELEV *z)
{
    for (int64_t o = 0; o < f->nout; o++)
        SX_CHECK(sx__edges_add(f->es, f->lab[f->out[o]], 0, (double)z[f->out[o]]));
    return SX_OK;
}

/* Edges across block edges: own perimeter cell e (label global(e)) to halo
 * cell q (label gl(q)), both never raised, added by the side with the
 * smaller label. glab maps a frame cell to its global label (0: none). */
static sx_err FN(cross_edges)(sx__flood_t *f, const ELEV *z, sx__edges_t *es, int64_t first)
{
    const sx__pad_t *p = f->p;
    const int64_t nx = p->own.nx, ny = p->own.ny;
    for (int64_t j = 0; j < ny; j++)
        for (int64_t i = 0; i < nx; i += (j == 0 || j == ny - 1 || i == nx - 1) ? 1 : nx - 1) {
            int64_t e = sx__pad_at(p, i, j);
            uint32_t le = f->lab[e];
            if (le == 0 || le == FILL_SKIP) continue;
            int64_t ge = first + le - 1;
            for (int k = 0; k < 8; k++) {
                int64_t q = e + p->off[k], qi = i + sx_d8_dx[k], qj = j + sx_d8_dy[k];
                if (qi >= 0 && qj >= 0 && qi < nx && qj < ny) continue; /* inside the block */
                int64_t gq = sx__fill_ring_label(f, q);
                if (gq <= 0 || ge > gq) continue;
                double w = (double)(z[e] > z[q] ? z[e] : z[q]);
                SX_CHECK(sx__edges_add(es, ge, gq, w));
            }
        }
    return SX_OK;
}

/* Phase 3: each labelled cell rises to its label's spill level; cells of
 * labels that cannot drain take their input value back (z0, own layout) or
 * keep it. */
static void FN(raise)(const sx__flood_t *f, ELEV *z, const double *spill, const ELEV *z0)
{
    const sx__pad_t *p = f->p;
    for (int64_t j = 0; j < p->own.ny; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        for (int64_t i = 0; i < p->own.nx; i++) {
            uint32_t L = f->lab[c0 + i];
            if (L == 0 || L == FILL_SKIP) continue;
            double s = spill[L - 1];
            if (s == INFINITY) {
                if (z0) z[c0 + i] = z0[j * p->own.nx + i];
            } else if (s > (double)z[c0 + i]) {
                z[c0 + i] = (ELEV)s;
            }
        }
    }
}
