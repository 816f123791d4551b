/* The page's output primitives: formatted text with a sticky error flag,
 * HTML escaping, numbers, and tensors as matrices or summaries. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "teach/html_internal.h"

void nb__html_printf(nb_hout *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0)
        o->io_error = true;
    va_end(ap);
}

void nb__html_text(nb_hout *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': nb__html_printf(o, "&amp;"); break;
        case '<': nb__html_printf(o, "&lt;"); break;
        case '>': nb__html_printf(o, "&gt;"); break;
        case '"': nb__html_printf(o, "&quot;"); break;
        default:
            /* Control characters would break the one-line sections. */
            nb__html_printf(o, "%c", (unsigned char)*s < 0x20 ? ' ' : *s);
        }
    }
}

const char *nb__html_escaped(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 7 < size; s++) {
        const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : NULL;
        if (rep) {
            memcpy(buf + n, rep, strlen(rep));
            n += strlen(rep);
        } else {
            buf[n++] = (unsigned char)*s < 0x20 ? ' ' : *s;
        }
    }
    buf[n] = '\0';
    return buf;
}

void nb__html_num(nb_hout *o, double x)
{
    if (x == 0)
        x = 0; /* -0 reads as a different number to a student */
    if (isnan(x))
        nb__html_printf(o, "NaN");
    else if (isinf(x))
        nb__html_printf(o, "%s", x > 0 ? "∞" : "−∞");
    else
        nb__html_printf(o, "%.4g", x);
}

void nb__html_mat(nb_hout *o, const nb_hmat *m)
{
    char shape[96];
    nb__shape_fmt(m->ndim, m->shape, shape, sizeof shape);
    if (!m->v) {
        nb__html_printf(o, "<span class=\"sum\">%s, %lld values: min ", shape,
                        (long long)m->numel);
        nb__html_num(o, m->min);
        nb__html_printf(o, ", max ");
        nb__html_num(o, m->max);
        nb__html_printf(o, ", norm ");
        nb__html_num(o, m->norm);
        nb__html_printf(o, "</span>");
        return;
    }
    if (m->numel == 1 && m->ndim == 0) {
        nb__html_printf(o, "<span class=\"num\">");
        nb__html_num(o, m->v[0]);
        nb__html_printf(o, "</span>");
        return;
    }
    /* Rows and columns: the last axis across, every other axis down. */
    int64_t cols = m->ndim >= 1 ? m->shape[m->ndim - 1] : 1;
    if (cols <= 0 || m->numel % cols != 0)
        cols = m->numel > 0 ? m->numel : 1;
    int64_t rows = m->numel / cols;
    nb__html_printf(o, "<table class=\"m\" title=\"%s\">", shape);
    for (int64_t r = 0; r < rows; r++) {
        nb__html_printf(o, "<tr>");
        for (int64_t c = 0; c < cols; c++) {
            nb__html_printf(o, "<td>");
            nb__html_num(o, m->v[r * cols + c]);
            nb__html_printf(o, "</td>");
        }
        nb__html_printf(o, "</tr>");
    }
    nb__html_printf(o, "</table>");
}

nb_hmat nb__html_tensor_mat(const nb_tensor *t, int64_t max_values, double *scratch)
{
    nb_hmat m = {.ndim = t->ndim, .shape = t->shape, .numel = t->numel};
    if (t->numel <= max_values) {
        for (int64_t i = 0; i < t->numel; i++)
            scratch[i] = nb__get(t, i);
        m.v = scratch;
        return m;
    }
    double mn = INFINITY, mx = -INFINITY, ss = 0;
    for (int64_t i = 0; i < t->numel; i++) {
        double x = nb__get(t, i);
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
        ss += x * x;
    }
    m.min = mn;
    m.max = mx;
    m.norm = sqrt(ss);
    return m;
}
