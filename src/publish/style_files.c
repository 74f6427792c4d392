/*
 * style_files.c — per-layer styles for QGIS (.qml) and OGC servers (.sld,
 * SLD 1.0 with GeoServer's ColorMap type), and the legend entries both share
 * with the web viewer. Everything comes from the layer's style table entry
 * (styles.c) and its ramp range, so the three renderings agree. Both files
 * are UTF-8 XML and carry the layer's title (often Chinese): the SLD as the
 * UserStyle and Rule Title (GeoServer's legend), the QML as the custom
 * properties sanxiang/title and sanxiang/legend_title.
 */
#include <stdio.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_strbuf.h"

size_t sx__pub_legend(const sx__pub_layer_t *l, int b, size_t i, double *value, unsigned char rgba[4], char *label, size_t len)
{
    const sx__pub_band_t *band = &l->band[b];
    const sx_publish_style_t *s = l->style;
    if (i >= s->nstops) return s->nstops;
    const sx_publish_stop_t *t = &s->stops[i];
    rgba[0] = t->r, rgba[1] = t->g, rgba[2] = t->b, rgba[3] = t->a;
    if (s->classes) {
        *value = t->value;
        snprintf(label, len, "%s", t->label ? t->label : "");
    } else {
        *value = band->lo + t->value * (band->hi - band->lo);
        snprintf(label, len, "%.4g%s%s", *value, l->units[0] && strcmp(l->units, "1") ? " " : "",
                 strcmp(l->units, "1") ? l->units : "");
    }
    return s->nstops;
}

/* XML-escape s into sb. */
static void xml_text(sx_strbuf_t *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sx_strbuf_puts(sb, "&lt;"); break;
        case '>': sx_strbuf_puts(sb, "&gt;"); break;
        case '&': sx_strbuf_puts(sb, "&amp;"); break;
        case '"': sx_strbuf_puts(sb, "&quot;"); break;
        default: sx_strbuf_putn(sb, s, 1);
        }
    }
}

static void qml_raster(sx_strbuf_t *sb, const sx__pub_layer_t *l)
{
    const sx_publish_style_t *s = l->style;
    double v;
    unsigned char c[4];
    char label[128];
    size_t n = sx__pub_legend(l, 0, 0, &v, c, label, sizeof label);
    if (s->classes) {
        sx_strbuf_puts(sb, "    <rasterrenderer type=\"paletted\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\">\n"
                           "      <colorPalette>\n");
        for (size_t i = 0; i < n; i++) {
            sx__pub_legend(l, 0, i, &v, c, label, sizeof label);
            sx_strbuf_printf(sb, "        <paletteEntry value=\"%.17g\" color=\"#%02x%02x%02x\" alpha=\"%d\" label=\"", v,
                             c[0], c[1], c[2], c[3]);
            xml_text(sb, label);
            sx_strbuf_puts(sb, "\"/>\n");
        }
        sx_strbuf_puts(sb, "      </colorPalette>\n    </rasterrenderer>\n");
        return;
    }
    sx_strbuf_printf(sb, "    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" "
                         "classificationMin=\"%.17g\" classificationMax=\"%.17g\" nodataColor=\"\">\n"
                         "      <rastershader>\n"
                         "        <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\" "
                         "minimumValue=\"%.17g\" maximumValue=\"%.17g\">\n", l->band[0].lo, l->band[0].hi, l->band[0].lo, l->band[0].hi);
    for (size_t i = 0; i < n; i++) {
        sx__pub_legend(l, 0, i, &v, c, label, sizeof label);
        sx_strbuf_printf(sb, "          <item value=\"%.17g\" color=\"#%02x%02x%02x\" alpha=\"%d\" label=\"", v, c[0], c[1],
                         c[2], c[3]);
        xml_text(sb, label);
        sx_strbuf_puts(sb, "\"/>\n");
    }
    sx_strbuf_puts(sb, "        </colorrampshader>\n      </rastershader>\n    </rasterrenderer>\n");
}

/* Kind of symbol for a vector geometry type name. */
static const char *symbol_kind(const char *geom)
{
    if (strstr(geom, "Polygon")) return "fill";
    if (strstr(geom, "Line")) return "line";
    return "marker";
}

static void qml_vector(sx_strbuf_t *sb, const sx__pub_layer_t *l)
{
    const char *k = symbol_kind(l->geom_type);
    sx_strbuf_printf(sb, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
                         "    <symbols>\n      <symbol type=\"%s\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\">\n", k);
    if (!strcmp(k, "fill"))
        sx_strbuf_puts(sb, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
                           "            <Option name=\"color\" value=\"255,255,255,0\" type=\"QString\"/>\n"
                           "            <Option name=\"style\" value=\"no\" type=\"QString\"/>\n"
                           "            <Option name=\"outline_color\" value=\"60,60,60,255\" type=\"QString\"/>\n"
                           "            <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
                           "            <Option name=\"outline_width\" value=\"0.4\" type=\"QString\"/>\n"
                           "            <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n");
    else if (!strcmp(k, "line"))
        sx_strbuf_puts(sb, "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
                           "            <Option name=\"line_color\" value=\"33,113,181,255\" type=\"QString\"/>\n"
                           "            <Option name=\"line_width\" value=\"0.5\" type=\"QString\"/>\n"
                           "            <Option name=\"line_width_unit\" value=\"MM\" type=\"QString\"/>\n");
    else
        sx_strbuf_puts(sb, "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n"
                           "            <Option name=\"name\" value=\"circle\" type=\"QString\"/>\n"
                           "            <Option name=\"color\" value=\"215,48,39,255\" type=\"QString\"/>\n"
                           "            <Option name=\"size\" value=\"2.5\" type=\"QString\"/>\n");
    sx_strbuf_puts(sb, "          </Option>\n        </layer>\n      </symbol>\n    </symbols>\n  </renderer-v2>\n");
}

static sx_err write_qml(const sx__pub_t *p, const sx__pub_layer_t *l)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                        "<qgis version=\"3.28.0\" styleCategories=\"Symbology|CustomProperties\">\n");
    if (l->is_raster) {
        sx_strbuf_puts(&sb, "  <pipe>\n");
        qml_raster(&sb, l);
        sx_strbuf_puts(&sb, "    <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n  </pipe>\n");
    } else {
        qml_vector(&sb, l);
    }
    sx_strbuf_puts(&sb, "  <blendMode>0</blendMode>\n  <customproperties>\n    <Option type=\"Map\">\n"
                        "      <Option name=\"sanxiang/title\" type=\"QString\" value=\"");
    xml_text(&sb, l->title);
    sx_strbuf_puts(&sb, "\"/>\n      <Option name=\"sanxiang/legend_title\" type=\"QString\" value=\"");
    xml_text(&sb, l->is_raster ? l->style->title : l->title);
    sx_strbuf_puts(&sb, "\"/>\n    </Option>\n  </customproperties>\n</qgis>\n");
    char path[SX_PATH_MAX], file[200];
    snprintf(file, sizeof file, "%s.qml", l->id);
    sx_err err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a QML style")
                           : sx__pub_path(p, l, file, path, sizeof path);
    if (err == SX_OK) err = sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

static sx_err write_sld(const sx__pub_t *p, const sx__pub_layer_t *l)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" "
                        "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.opengis.net/sld "
                        "http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd\">\n  <NamedLayer>\n    <Name>");
    xml_text(&sb, l->id);
    sx_strbuf_puts(&sb, "</Name>\n    <UserStyle>\n      <Title>");
    xml_text(&sb, l->title);
    sx_strbuf_puts(&sb, "</Title>\n      <Abstract>");
    xml_text(&sb, l->is_raster ? l->style->title : l->title);
    sx_strbuf_puts(&sb, "</Abstract>\n      <FeatureTypeStyle>\n        <Rule>\n          <Title>");
    xml_text(&sb, l->title);
    sx_strbuf_puts(&sb, "</Title>\n");
    if (l->is_raster) {
        sx_strbuf_printf(&sb, "          <RasterSymbolizer>\n            <Opacity>1.0</Opacity>\n"
                              "            <ColorMap type=\"%s\">\n", l->style->classes ? "values" : "ramp");
        double v;
        unsigned char c[4];
        char label[128];
        size_t n = sx__pub_legend(l, 0, 0, &v, c, label, sizeof label);
        for (size_t i = 0; i < n; i++) {
            sx__pub_legend(l, 0, i, &v, c, label, sizeof label);
            sx_strbuf_printf(&sb, "              <ColorMapEntry color=\"#%02x%02x%02x\" quantity=\"%.17g\" opacity=\"%.3g\" label=\"",
                             c[0], c[1], c[2], v, c[3] / 255.0);
            xml_text(&sb, label);
            sx_strbuf_puts(&sb, "\"/>\n");
        }
        sx_strbuf_puts(&sb, "            </ColorMap>\n          </RasterSymbolizer>\n");
    } else if (!strcmp(symbol_kind(l->geom_type), "fill")) {
        sx_strbuf_puts(&sb, "          <PolygonSymbolizer>\n            <Stroke>\n"
                            "              <CssParameter name=\"stroke\">#3c3c3c</CssParameter>\n"
                            "              <CssParameter name=\"stroke-width\">1</CssParameter>\n"
                            "            </Stroke>\n          </PolygonSymbolizer>\n");
    } else if (!strcmp(symbol_kind(l->geom_type), "line")) {
        sx_strbuf_puts(&sb, "          <LineSymbolizer>\n            <Stroke>\n"
                            "              <CssParameter name=\"stroke\">#2171b5</CssParameter>\n"
                            "              <CssParameter name=\"stroke-width\">1.5</CssParameter>\n"
                            "            </Stroke>\n          </LineSymbolizer>\n");
    } else {
        sx_strbuf_puts(&sb, "          <PointSymbolizer>\n            <Graphic>\n              <Mark>\n"
                            "                <WellKnownName>circle</WellKnownName>\n"
                            "                <Fill><CssParameter name=\"fill\">#d73027</CssParameter></Fill>\n"
                            "              </Mark>\n              <Size>8</Size>\n            </Graphic>\n"
                            "          </PointSymbolizer>\n");
    }
    sx_strbuf_puts(&sb, "        </Rule>\n      </FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n"
                        "</StyledLayerDescriptor>\n");
    char path[SX_PATH_MAX], file[200];
    snprintf(file, sizeof file, "%s.sld", l->id);
    sx_err err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for an SLD style")
                           : sx__pub_path(p, l, file, path, sizeof path);
    if (err == SX_OK) err = sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

sx_err sx__pub_styles(const sx__pub_t *p, const sx__pub_layer_t *l)
{
    SX_CHECK(write_qml(p, l));
    return write_sld(p, l);
}
