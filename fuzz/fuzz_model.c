/* Fuzz target: nb_model_load into a small model built once per process.
 *
 * Input: 1 option byte, then the file's bytes.
 *   byte 0: bits 0-1 CRC / length repair as in fuzz_tensor_file.c, bit 2
 *           the model (0: f32 BP network 3-4-2; 1: f64 BP network 2-3-1
 *           with a scalar "temperature"; see fz_make_model).
 *
 * Contract checked: the file is parsed here too.  nb_model_load must
 * succeed exactly when the file is valid and holds, for every parameter,
 * a tensor of that name (the first one, if repeated) with the parameter's
 * dtype and shape; the parameters then hold that tensor's bits.  Otherwise
 * it fails with one non-empty message and leaves every parameter as it was,
 * bit for bit. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static const char *const target = "model";
/* nb_model_load passes on the messages of the tensor file reader, which
 * name nb_tensors_load_into rather than the function the user called */
static const char *const api[] = {"nb_model_load", "nb_tensors_load_into"};
static nb_model *models[2];

static void free_models(void)
{
    nb_model_free(models[0]);
    nb_model_free(models[1]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    models[0] = fz_make_model(0);
    models[1] = fz_make_model(1);
    if (!models[0] || !models[1])
        abort();
    atexit(free_models);
    return 0;
}

/* The first record called `name`, or NULL. */
static const fz_tf_rec *find(const fz_tf_rec *rec, int count, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < count; i++)
        if (rec[i].name_len == len && memcmp(rec[i].name, name, len) == 0)
            return &rec[i];
    return NULL;
}

static int same_layout(const fz_tf_rec *r, const nb_tensor *t)
{
    if (nb_tensor_dtype(t) != r->dtype || nb_tensor_ndim(t) != r->ndim)
        return 0;
    for (int d = 0; d < r->ndim; d++)
        if (nb_tensor_dim(t, d) != r->shape[d])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int mode = size ? data[0] & 3 : 0;
    if (mode == 3)
        mode = FZ_TF_FIX_LEN_CRC;
    nb_model *m = models[size ? (data[0] >> 2) & 1 : 0];
    size_t n = size > FZ_MODEL_OPT_BYTES ? size - FZ_MODEL_OPT_BYTES : 0;
    unsigned char *file = malloc(n + 1);
    if (!file)
        abort();
    memcpy(file, data + (size - n), n);
    fz_tf_fixup(file, n, mode);
    const char *path = fz_path("input.nbm");
    fz_write(path, file, n);

    /* What should happen. */
    nb_arena *prev, *arena = fz_arena_begin(&prev);
    fz_tf_rec *rec;
    int count = fz_tf_parse(file, n, &rec);
    int np = nb_model_num_params(m), loads = count >= 0;
    for (int i = 0; loads && i < np; i++) {
        const fz_tf_rec *r = find(rec, count, nb_model_param_name(m, i));
        loads = r && same_layout(r, nb_model_param_at(m, i));
    }

    nb_tensor *flat = nb_model_params_flat(m);
    size_t bytes = (size_t)nb_tensor_numel(flat) * nb_dtype_size(nb_tensor_dtype(flat));
    unsigned char *before = malloc(bytes);
    if (!flat || !before)
        abort();
    memcpy(before, nb_tensor_data(flat), bytes);

    nb_clear_error();
    int rc = nb_model_load(m, path);
    if (rc != NB_OK) {
        fz_check_failure(target, "nb_model_load", rc, api, 2);
        if (memcmp(before, nb_tensor_data(flat), bytes) != 0)
            fz_violation(target, "a failed load changed the parameters");
        if (loads)
            fz_violation(target, "a file holding every parameter was refused");
    } else {
        if (!loads)
            fz_violation(target, "a file that is invalid or lacks a parameter was loaded");
        for (int i = 0; i < np; i++) {
            const char *name = nb_model_param_name(m, i);
            if (!fz_tf_same(find(rec, count, name), nb_model_param_at(m, i)))
                fz_violation(target, "parameter %s differs from the file", name);
        }
    }
    fz_arena_end(arena, prev);
    free(before);
    free(rec);
    free(file);
    return 0;
}
