/* char_lstm.c — a character-level LSTM language model, trained with
 * truncated backpropagation through time.
 *
 * The text is the GNU GPL version 3, which Debian's base-files package
 * installs among its common licenses; the program looks for it at the
 * standard location and then in `dpkg -L base-files`.  A tenth is held out:
 * every tenth block of 500 characters.  The model is one LSTM layer over one-hot characters, then a
 * linear layer to one logit per character:
 *
 *     x (N, T, V) -> lstm (N, T, H) -> view as (N*T, H) -> linear (N*T, V)
 *
 * The training text is cut into N parallel streams read T characters at a
 * time.  An nb_rnn_state carries each stream's (h, c) from one window to the
 * next, cut from the previous window's graph, so each backward pass covers T
 * steps while the model still sees an unbroken stream.  Every epoch prints
 * the training and held-out loss in bits per character; at the end the
 * program prints a sample it generates, and exits non-zero unless the
 * held-out bits per character reached the target (2.5; 4.0 with --quick).
 *
 * Usage: char_lstm [--quick] [--epochs E] [--hidden H] [--batch N]
 *                  [--window T] [--lr LR] [path/to/text]
 *   --quick  a short run (a small model, a few epochs on part of the text):
 *            the smoke test of `make check`; the other options change the
 *            run's settings (defaults below, in full_run).
 * Exits 77 (a skip for `make check`) when the text is not installed.
 */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nabla.h>

#define GPL3_PATH "/usr/share/common-licenses/GPL-3"
#define BLOCK 500 /* characters per block of the train/held-out split */

typedef struct config {
    int64_t hidden, batch, window;
    int epochs;
    size_t max_chars;  /* of the text used (0 = all) */
    double lr, target_bpc;
} config;

static const config full_run = {.hidden = 128, .batch = 16, .window = 32, .epochs = 12,
                                .lr = 5e-3, .target_bpc = 2.5};
static const config quick_run = {.hidden = 32, .batch = 8, .window = 16, .epochs = 4,
                                 .max_chars = 6000, .lr = 1e-2, .target_bpc = 4.0};

static int fail(const char *what)
{
    fprintf(stderr, "char_lstm: %s: %s\n", what, nb_last_error());
    return 1;
}

/* ---- the text ---- */

/* The GPL-3 text's path: `given`, the standard location, or the file of
 * that name that dpkg lists for base-files; NULL when none is readable. */
static const char *find_text(const char *given, char *buf, size_t size)
{
    if (given)
        return given;
    FILE *f = fopen(GPL3_PATH, "rb");
    if (f) {
        fclose(f);
        return GPL3_PATH;
    }
    FILE *p = popen("dpkg -L base-files 2>/dev/null", "r");
    const char *found = NULL;
    if (!p)
        return NULL;
    while (!found && fgets(buf, (int)size, p)) {
        buf[strcspn(buf, "\n")] = '\0';
        size_t n = strlen(buf);
        if (n >= 22 && strcmp(buf + n - 22, "/common-licenses/GPL-3") == 0)
            found = buf;
    }
    pclose(p);
    return found;
}

/* The whole file in a malloc'd buffer; NULL on failure. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *more = realloc(buf, cap *= 2);
        if (!more) {
            free(buf);
            buf = NULL;
        }
        buf = more;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---- data to tensors ---- */

/* One-hot inputs (n, t, V) for text[start[s] + k], k < t, and the labels
 * (n*t) of the character after each: the next-character targets. */
static int make_window(const int *ids, const int64_t *start, int64_t n, int64_t t, int64_t V,
                       nb_tensor **x, nb_tensor **y)
{
    *x = nb_zeros(NB_F32, NB_SHAPE(n, t, V));
    *y = nb_zeros(NB_F32, NB_SHAPE(n * t));
    if (!*x || !*y)
        return -1;
    float *xd = nb_tensor_data_f32(*x), *yd = nb_tensor_data_f32(*y);
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < t; k++) {
            xd[(s * t + k) * V + ids[start[s] + k]] = 1.0f;
            yd[s * t + k] = (float)ids[start[s] + k + 1];
        }
    return 0;
}

/* The LSTM's (N, T, H) output viewed as (N*T, H) rows for the linear layer. */
static nb_tensor *time_to_rows(nb_model *model, nb_tensor *h, void *ctx)
{
    (void)model;
    (void)ctx;
    return nb_reshape(h, NB_SHAPE(-1, nb_tensor_dim(h, 2)));
}

/* Mean loss in bits per character of ids[0..len-1] read as one stream, T
 * characters at a time, from a reset state; no graph is recorded. */
static double heldout_bpc(nb_model *net, nb_rnn_state *st, nb_arena *step, const int *ids,
                          int64_t len, int64_t T, int64_t V)
{
    double nats = 0;
    int64_t count = 0;
    nb_rnn_state_reset(st);
    for (int64_t pos = 0; pos + T + 1 <= len; pos += T) {
        nb_tensor *x, *y, *loss = NULL;
        NB_NO_GRAD {
            if (make_window(ids, &pos, 1, T, V, &x, &y) == 0)
                loss = nb_cross_entropy_loss(nb_model_forward(net, x), y, NB_REDUCE_SUM);
        }
        if (!loss)
            return NAN;
        nats += nb_tensor_item(loss);
        count += T;
        nb_arena_reset(step);
    }
    nb_rnn_state_reset(st);
    return nats / (double)count / log(2.0);
}

/* The L2 norm of all gradients scaled down to at most max_norm (a guard
 * against the occasional exploding step of recurrent nets). */
static void clip_grads(nb_model *net, double max_norm)
{
    nb_tensor *g = nb_model_grads_flat(net);
    float *d = nb_tensor_data_f32(g);
    double sq = 0;
    for (int64_t i = 0; i < nb_tensor_numel(g); i++)
        sq += (double)d[i] * d[i];
    if (sq > max_norm * max_norm) {
        float scale = (float)(max_norm / sqrt(sq));
        for (int64_t i = 0; i < nb_tensor_numel(g); i++)
            d[i] *= scale;
        nb_tensor_bump_version(g);
    }
}

/* Generate n characters after `prompt` (its characters must occur in the
 * text), sampling each from softmax(logits / temp). */
static int generate(nb_model *net, nb_rnn_state *st, nb_arena *step, const char *prompt,
                    const int *id_of, const char *alphabet, int64_t V, int n, double temp,
                    nb_rng *rng)
{
    size_t plen = strlen(prompt);
    int last = 0;
    nb_rnn_state_reset(st);
    printf("%s", prompt);
    /* feed the prompt, then each sampled character; the state carries the rest */
    for (size_t k = 0; k + 1 < plen + (size_t)n; k++) {
        int c = k < plen ? id_of[(unsigned char)prompt[k]] : last;
        nb_tensor *x = nb_zeros(NB_F32, NB_SHAPE(1, 1, V)), *p = NULL;
        if (!x || c < 0)
            return -1;
        nb_tensor_data_f32(x)[c] = 1.0f;
        nb_tensor_bump_version(x);
        NB_NO_GRAD { p = nb_softmax(nb_mul_scalar(nb_model_forward(net, x), 1.0 / temp), 1); }
        if (!p)
            return -1;
        if (k + 1 >= plen) {
            double u = nb_rng_uniform(rng), acc = 0;
            last = (int)V - 1;
            for (int64_t j = 0; j < V; j++)
                if ((acc += nb_tensor_get(p, j)) > u) {
                    last = (int)j;
                    break;
                }
            putchar(alphabet[last]);
        }
        nb_arena_reset(step);
    }
    putchar('\n');
    nb_rnn_state_reset(st);
    return 0;
}

int main(int argc, char **argv)
{
    config cfg = full_run;
    const char *given = NULL;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quick") == 0)
            cfg = quick_run;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(k, "--quick") == 0)
            continue;
        if (k[0] != '-' || k[1] != '-') {
            given = k;
            continue;
        }
        if (!v)
            return fprintf(stderr, "char_lstm: %s needs a value\n", k), 2;
        i++;
        double d = atof(v);
        if (strcmp(k, "--epochs") == 0 && d >= 1)
            cfg.epochs = (int)d;
        else if (strcmp(k, "--hidden") == 0 && d >= 1)
            cfg.hidden = (int64_t)d;
        else if (strcmp(k, "--batch") == 0 && d >= 1 && d <= 256)
            cfg.batch = (int64_t)d;
        else if (strcmp(k, "--window") == 0 && d >= 1)
            cfg.window = (int64_t)d;
        else if (strcmp(k, "--lr") == 0 && d > 0)
            cfg.lr = d;
        else
            return fprintf(stderr, "char_lstm: unknown option or bad value: %s %s\n", k, v), 2;
    }
    char found[4096];
    const char *path = find_text(given, found, sizeof found);
    size_t len = 0;
    char *text = path ? read_all(path, &len) : NULL;
    if (!text) {
        fprintf(stderr, "char_lstm: cannot read the GPL-3 text (%s); it comes with Debian's "
                "base-files package as " GPL3_PATH ", or give a text file's path\n",
                path ? path : "not at " GPL3_PATH " and not listed by dpkg -L base-files");
        return 77;
    }
    if (cfg.max_chars && len > cfg.max_chars)
        len = cfg.max_chars;

    /* the alphabet: every byte that occurs, in byte order */
    int id_of[256];
    char alphabet[256];
    int64_t V = 0;
    for (int b = 0; b < 256; b++)
        id_of[b] = -1;
    for (size_t i = 0; i < len; i++)
        id_of[(unsigned char)text[i]] = 0;
    for (int b = 0; b < 256; b++)
        if (id_of[b] == 0) {
            alphabet[V] = (char)b;
            id_of[b] = (int)V++;
        }
    /* held out: every tenth block of BLOCK characters (blocks 9, 19, ...),
     * so that both parts cover the whole license; each part is read as one
     * text, the train part first in ids */
    int *ids = malloc(len * sizeof *ids);
    if (!ids)
        return fprintf(stderr, "char_lstm: out of memory\n"), 1;
    int64_t n_train = 0, n_held = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < len; i++)
            if ((int)((i / BLOCK) % 10 == 9) == pass)
                ids[pass ? n_train + n_held++ : n_train++] = id_of[(unsigned char)text[i]];
    printf("char_lstm: %s, %zu characters (%lld to train, %lld held out), %lld distinct\n", path,
           len, (long long)n_train, (long long)n_held, (long long)V);

    nb_model *net = nb_model_new(&(nb_model_opts){.dtype = NB_F32, .seed = 42});
    int lstm = net ? nb_model_add_lstm(net, V, cfg.hidden) : -1;
    if (lstm < 0 || nb_model_add_layer(net, "time_to_rows", time_to_rows, NULL) < 0 ||
        nb_model_add_linear(net, cfg.hidden, V, NB_ACT_PURELIN, NB_INIT_XAVIER_UNIFORM) < 0)
        return fail("building the model");
    nb_rnn_state *st = nb_rnn_state_new(net, lstm);
    nb_optim *opt = st ? nb_adam_new(net, &(nb_adam_opts){.lr = cfg.lr}) : NULL;
    nb_arena *step = nb_arena_new();
    if (!opt || !step)
        return fail("setting up");
    nb_arena_use(step);
    printf("model: lstm %lld -> %lld, linear %lld -> %lld (%lld parameters); batch %lld streams, "
           "windows of %lld, Adam lr %g\n", (long long)V, (long long)cfg.hidden,
           (long long)cfg.hidden, (long long)V, (long long)nb_model_num_scalars(net),
           (long long)cfg.batch, (long long)cfg.window, cfg.lr);

    /* stream s reads train[s*L ..]; a window needs T+1 chars (the targets) */
    int64_t N = cfg.batch, T = cfg.window, L = (n_train - 1) / N, n_windows = L / T;
    int64_t start[256];
    double heldout = NAN;
    clock_t t0 = clock();
    for (int epoch = 1; epoch <= cfg.epochs; epoch++) {
        nb_rnn_state_reset(st);
        double nats = 0;
        for (int64_t w = 0; w < n_windows; w++) {
            for (int64_t s = 0; s < N; s++)
                start[s] = s * L + w * T;
            nb_tensor *x, *y;
            if (make_window(ids, start, N, T, V, &x, &y) < 0)
                return fail("making a batch");
            nb_tensor *loss = nb_cross_entropy_loss(nb_model_forward(net, x), y, NB_REDUCE_MEAN);
            if (!loss || nb_backward(loss, NULL) < 0)
                return fail("training");
            nats += nb_tensor_item(loss);
            clip_grads(net, 5.0);
            if (nb_optim_step(opt) < 0 || nb_optim_zero_grad(opt) < 0)
                return fail("optimizer step");
            nb_arena_reset(step); /* the window's graph; the state lives on */
        }
        heldout = heldout_bpc(net, st, step, ids + n_train, n_held, T, V);
        printf("epoch %2d  train %.3f bpc  held-out %.3f bpc  (%.1f s)\n", epoch,
               nats / (double)n_windows / log(2.0), heldout,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
        fflush(stdout);
    }

    nb_rng rng;
    nb_rng_seed(&rng, 7);
    printf("sample:\n");
    if (generate(net, st, step, "This License", id_of, alphabet, V, cfg.epochs > 5 ? 300 : 60,
                 0.7, &rng) < 0)
        return fail("generating");
    int ok = heldout < cfg.target_bpc;
    printf("held-out %.3f bits per character (target < %.1f): %s\n", heldout, cfg.target_bpc,
           ok ? "ok" : "MISSED");
    nb_rnn_state_free(st);
    nb_optim_free(opt);
    nb_model_free(net);
    nb_arena_free(step);
    free(ids);
    free(text);
    return ok ? 0 : 1;
}
