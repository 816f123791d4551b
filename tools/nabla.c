/* nabla: the command-line program.  One subcommand per file (cmd_*.c);
 * this file picks it, and owns the arena every subcommand works in. */
#include <string.h>

#include "cli.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *about;
} subcommand;

static const subcommand commands[] = {
    {"train", cli_train, "train a BP network on a CSV file (MATLAB's defaults)"},
    {"predict", cli_predict, "a trained network's outputs for a CSV file, in target units"},
    {"info", cli_info, "layers, shapes, normalisation and training of a model file"},
    {"gradcheck", cli_gradcheck, "check a trained network's gradient in f64"},
    {"graph", cli_graph, "draw one forward and backward pass (HTML page, Graphviz)"},
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage(FILE *out)
{
    fputs("Usage: nabla COMMAND [ARGS...]\n       nabla COMMAND --help\n\nCommands:\n", out);
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].about);
    fputs("\nOptions: --help, --version.  Exit status: 0 success, 1 failure, 2 usage error.\n"
          "See nabla(1).\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("nabla %s\n", NB_TOOLS_VERSION);
        return CLI_OK;
    }
    for (int i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        nb_arena *arena = nb_arena_new();
        if (!arena) {
            fprintf(stderr, "nabla: out of memory\n");
            return CLI_FAIL;
        }
        nb_arena_use(arena);
        int rc = commands[i].run(argc - 1, argv + 1);
        nb_arena_use(NULL);
        nb_arena_free(arena);
        return rc;
    }
    fprintf(stderr, "nabla: unknown command '%s'; valid commands:", argv[1]);
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
    fputs("\nTry 'nabla --help'.\n", stderr);
    return CLI_USAGE;
}
