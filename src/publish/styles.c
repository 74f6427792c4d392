/*
 * styles.c — the table of layer kinds: resampling, colour ramp and legend
 * per quantity. This is the one place a new kind of layer is added.
 *
 * Ramps: continuous stops are fractions of [min, max]; the ranges are fixed
 * where the quantity has a physical or conventional range (slope 0–60°,
 * NDVI −0.2–0.9, depth 0–3 m, arrival 0–48 h, index score 0–100) so maps of
 * different runs compare, and taken from the layer's statistics otherwise
 * (elevation). Colour choices: sequential ramps follow ColorBrewer
 * (Harrower & Brewer 2003, doi:10.1179/000870403235002042: YlOrRd for slope,
 * Blues for depth, RdYlGn for NDVI and hazard classes); elevation uses a
 * hypsometric green–brown–white tint.
 *
 * Legend titles and class labels are bilingual, Chinese first: the one map
 * is read in Chinese, and the English keeps the legend readable to tools and
 * people without CJK fonts. All text is UTF-8.
 *
 * Class kinds (water mask, hazard class) colour exact values and list one
 * legend row per class; their overviews use MODE and reprojection NEAREST so
 * no class value is ever invented by averaging.
 */
#include <math.h>
#include <string.h>

#include "sanxiang/sx_publish.h"

#define NS(a) (sizeof(a) / sizeof *(a))

static const sx_publish_stop_t slope_stops[] = {
    {0.0, 255, 255, 204, 255, NULL}, {0.25, 254, 217, 118, 255, NULL}, {0.5, 253, 141, 60, 255, NULL},
    {0.75, 227, 26, 28, 255, NULL},  {1.0, 128, 0, 38, 255, NULL},
};
static const sx_publish_stop_t dem_stops[] = {
    {0.0, 26, 150, 65, 255, NULL},  {0.25, 166, 217, 106, 255, NULL}, {0.5, 230, 214, 140, 255, NULL},
    {0.75, 166, 97, 26, 255, NULL}, {1.0, 250, 250, 250, 255, NULL},
};
static const sx_publish_stop_t ndvi_stops[] = {
    {0.0, 165, 0, 38, 255, NULL},  {0.25, 244, 109, 67, 255, NULL}, {0.5, 255, 255, 191, 255, NULL},
    {0.75, 102, 189, 99, 255, NULL}, {1.0, 0, 104, 55, 255, NULL},
};
static const sx_publish_stop_t depth_stops[] = {
    {0.0, 222, 235, 247, 255, NULL}, {0.33, 158, 202, 225, 255, NULL}, {0.66, 49, 130, 189, 255, NULL},
    {1.0, 8, 48, 107, 255, NULL},
};
static const sx_publish_stop_t arrival_stops[] = {
    {0.0, 215, 48, 39, 255, NULL}, {0.25, 252, 141, 89, 255, NULL}, {0.5, 254, 224, 144, 255, NULL},
    {0.75, 145, 191, 219, 255, NULL}, {1.0, 69, 117, 180, 255, NULL},
};
static const sx_publish_stop_t score_stops[] = {
    {0.0, 68, 1, 84, 255, NULL},   {0.25, 59, 82, 139, 255, NULL}, {0.5, 33, 145, 140, 255, NULL},
    {0.75, 94, 201, 98, 255, NULL}, {1.0, 253, 231, 37, 255, NULL},
};
static const sx_publish_stop_t grey_stops[] = {
    {0.0, 0, 0, 0, 255, NULL}, {1.0, 255, 255, 255, 255, NULL},
};
static const sx_publish_stop_t water_classes[] = {
    {0, 0, 0, 0, 0, "非水体 not water"}, {1, 33, 113, 181, 255, "水体 water"},
};
static const sx_publish_stop_t hazard_classes[] = {
    {1, 26, 152, 80, 255, "1 低 low"}, {2, 254, 224, 139, 255, "2 中 moderate"},
    {3, 252, 141, 89, 255, "3 高 high"}, {4, 215, 48, 39, 255, "4 极高 very high"},
};

/* Order matters: the first matching pattern wins ("flood_depth" is depth,
 * "water_depth" too, "water_mask" is water). */
static const sx_publish_style_t table[] = {
    {"hazard_class", "hazard", "洪水风险等级 Hazard class", "1", 1, "MODE", "NEAREST", 1, 0, NS(hazard_classes), hazard_classes},
    {"arrival_time", "arrival", "洪水到达时间 Flood arrival time", "h", 0, "AVERAGE", "BILINEAR", 0, 48, NS(arrival_stops), arrival_stops},
    {"depth", "depth", "淹没水深 Inundation depth", "m", 0, "AVERAGE", "BILINEAR", 0, 3, NS(depth_stops), depth_stops},
    {"water_mask", "water|mask|extent", "水体/掩膜 Water / mask", "1", 1, "MODE", "NEAREST", 1, 0, NS(water_classes), water_classes},
    {"ndvi", "ndvi|evi|savi", "植被指数 Vegetation index (NDVI)", "1", 0, "AVERAGE", "BILINEAR", -0.2, 0.9, NS(ndvi_stops), ndvi_stops},
    {"slope", "slope", "坡度 Terrain slope", "degree", 0, "AVERAGE", "BILINEAR", 0, 60, NS(slope_stops), slope_stops},
    {"index_score", "score|index", "指数得分 Index score", "1", 0, "AVERAGE", "BILINEAR", 0, 100, NS(score_stops), score_stops},
    {"elevation", "dem|elevation|height|srtm", "高程 Elevation", "m", 0, "AVERAGE", "BILINEAR", 1, 0, NS(dem_stops), dem_stops},
    {"generic", NULL, "数值 Value", "", 0, "AVERAGE", "BILINEAR", 1, 0, NS(grey_stops), grey_stops},
};

const sx_publish_style_t *sx_publish_styles(size_t *count)
{
    if (count) *count = NS(table);
    return table;
}

const sx_publish_style_t *sx_publish_style_by_kind(const char *kind)
{
    for (size_t i = 0; kind && i < NS(table); i++)
        if (!strcmp(table[i].kind, kind)) return &table[i];
    return NULL;
}

/* Does lowercase text contain one of the '|'-separated words of pattern? */
static int matches(const char *pattern, const char *text)
{
    char low[512];
    size_t n = 0;
    for (; text[n] && n + 1 < sizeof low; n++) low[n] = (char)((text[n] >= 'A' && text[n] <= 'Z') ? text[n] + 32 : text[n]);
    low[n] = '\0';
    const char *p = pattern;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char word[64];
        if (len > 0 && len < sizeof word) {
            memcpy(word, p, len);
            word[len] = '\0';
            if (strstr(low, word)) return 1;
        }
        p += len + (bar ? 1 : 0);
    }
    return 0;
}

const sx_publish_style_t *sx_publish_style_match(const char *const *texts, size_t n)
{
    for (size_t i = 0; i < NS(table) - 1; i++)
        for (size_t k = 0; k < n; k++)
            if (texts[k] && matches(table[i].match, texts[k])) return &table[i];
    return &table[NS(table) - 1];
}

void sx_publish_style_range(const sx_publish_style_t *s, double smin, double smax, double *lo, double *hi)
{
    if (s->min <= s->max) {
        *lo = s->min;
        *hi = s->max;
    } else {
        *lo = isfinite(smin) ? smin : 0;
        *hi = isfinite(smax) ? smax : 1;
    }
    if (!(*hi > *lo)) *hi = *lo + 1;
}

void sx_publish_style_colour(const sx_publish_style_t *s, double lo, double hi, double v, unsigned char rgba[4])
{
    memset(rgba, 0, 4);
    if (isnan(v)) return;
    if (s->classes) {
        for (size_t i = 0; i < s->nstops; i++)
            if (fabs(v - s->stops[i].value) < 0.5) {
                const sx_publish_stop_t *t = &s->stops[i];
                rgba[0] = t->r, rgba[1] = t->g, rgba[2] = t->b, rgba[3] = t->a;
                return;
            }
        return; /* a value outside the classes stays transparent */
    }
    double f = (v - lo) / (hi - lo);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    size_t i = 1;
    while (i < s->nstops - 1 && f > s->stops[i].value) i++;
    const sx_publish_stop_t *a = &s->stops[i - 1], *b = &s->stops[i];
    double t = b->value > a->value ? (f - a->value) / (b->value - a->value) : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    rgba[0] = (unsigned char)lround(a->r + t * (b->r - a->r));
    rgba[1] = (unsigned char)lround(a->g + t * (b->g - a->g));
    rgba[2] = (unsigned char)lround(a->b + t * (b->b - a->b));
    rgba[3] = (unsigned char)lround(a->a + t * (b->a - a->a));
}
