/* The option parser and messages shared by every subcommand. */
#define _POSIX_C_SOURCE 200809L /* fmemopen, fileno, isatty, clock_gettime, mkdir */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void vsay(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "nabla %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'nabla %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_lib_fail(const char *cmd)
{
    const char *msg = nb_last_error();
    if (!msg || !*msg)
        msg = "unknown error";
    /* "nb_csv_load: data.csv line 3 ..." -> "data.csv line 3 ..." */
    if (strncmp(msg, "nb_", 3) == 0) {
        const char *colon = strstr(msg, ": ");
        const char *space = strchr(msg, ' ');
        if (colon && (!space || colon < space))
            msg = colon + 2;
    }
    return cli_fail(cmd, "%s", msg);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_help(const cli_cmd *cmd, FILE *out)
{
    fprintf(out, "Usage: nabla %s %s\n\n%s\n", cmd->name, cmd->synopsis, cmd->about);
    fputs("\nOptions:\n", out);
    for (int i = 0; i < cmd->n_opts; i++) {
        const cli_opt *o = &cmd->opts[i];
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->meta ? " " : "",
                 o->meta ? o->meta : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
    fprintf(out, "  %-24s %s\n", "--help", "show this help and exit");
    fputs("\nExit status: 0 success, 1 failure, 2 usage error.\n", out);
}

/* The list of valid options, for the message about an unknown one. */
static void valid_options(const cli_cmd *cmd, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i <= cmd->n_opts && used < size; i++) {
        const char *name = i < cmd->n_opts ? cmd->opts[i].name : "help";
        int n = snprintf(buf + used, size - used, "%s--%s", i ? ", " : "", name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int set_value(const cli_cmd *cmd, const cli_opt *o, const char *v)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case CLI_STRING:
        if (!*v)
            return cli_usage(cmd->name, "--%s needs a non-empty value", o->name);
        *(const char **)o->dest = v;
        return CLI_OK;
    case CLI_INT: {
        long n = strtol(v, &end, 10);
        if (end == v || *end || errno || n < 0 || n > 1000000000L)
            return cli_usage(cmd->name, "--%s expects a whole number from 0 to 1000000000, got '%s'",
                             o->name, v);
        *(int *)o->dest = (int)n;
        return CLI_OK;
    }
    case CLI_U64: {
        if (*v == '-')
            return cli_usage(cmd->name, "--%s expects a whole number >= 0, got '%s'", o->name, v);
        unsigned long long n = strtoull(v, &end, 10);
        if (end == v || *end || errno)
            return cli_usage(cmd->name, "--%s expects a whole number >= 0, got '%s'", o->name, v);
        *(uint64_t *)o->dest = (uint64_t)n;
        return CLI_OK;
    }
    case CLI_FLAG:
        break;
    }
    return cli_usage(cmd->name, "--%s takes no value", o->name);
}

int cli_parse(const cli_cmd *cmd, int argc, char **argv, const char **pos, int *n_pos)
{
    *n_pos = 0;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (*n_pos >= cmd->max_pos)
                return cli_usage(cmd->name, "unexpected argument '%s'", a);
            pos[(*n_pos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_help(cmd, stdout);
            return -1;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = NULL;
        for (int k = 0; k < cmd->n_opts; k++)
            if (strlen(cmd->opts[k].name) == len && strncmp(cmd->opts[k].name, name, len) == 0)
                o = &cmd->opts[k];
        if (!o || a[1] != '-') {
            char valid[1024];
            valid_options(cmd, valid, sizeof valid);
            return cli_usage(cmd->name, "unknown option '%s'; valid options: %s", a, valid);
        }
        if (o->kind == CLI_FLAG) {
            if (eq)
                return cli_usage(cmd->name, "--%s takes no value", o->name);
            *(bool *)o->dest = true;
            continue;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v) {
            if (i + 1 >= argc)
                return cli_usage(cmd->name, "--%s needs a value (%s)", o->name,
                                 o->meta ? o->meta : "VALUE");
            v = argv[++i];
        }
        int rc = set_value(cmd, o, v);
        if (rc != CLI_OK)
            return rc;
    }
    if (*n_pos < cmd->min_pos)
        return cli_usage(cmd->name, "missing argument: usage: nabla %s %s", cmd->name,
                         cmd->synopsis);
    return CLI_OK;
}
