/* Fuzz target: the tensor file readers, nb_tensors_load and (on what it
 * loaded) nb_tensors_load_into.
 *
 * Input: 1 option byte, then the file's bytes.
 *   byte 0: bits 0-1 FZ_TF_RAW (as they are), FZ_TF_FIX_CRC (the CRC is
 *           recomputed), FZ_TF_FIX_LEN_CRC (payload length and CRC are
 *           recomputed; 3 means the same), so that mutations reach the
 *           record parser instead of stopping at the checksum.
 *
 * Contract checked: the file is also parsed here, by docs/file-format.md.
 * nb_tensors_load must succeed exactly on valid files, giving their tensors
 * with the same names, dtypes, shapes and element bits, in the current
 * arena; otherwise fail with one non-empty "nb_tensors_load: ..." message
 * and *out zeroed.  When the names are distinct, nb_tensors_load_into must
 * then fill tensors of the same shapes with the same bits. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static const char *const target = "tensor_file";
static const char *const api_load[] = {"nb_tensors_load"};

/* Load again, into fresh tensors, by name. */
static void check_load_into(const char *path, const nb_tensor_list *l, const fz_tf_rec *rec)
{
    for (int i = 0; i < l->n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(l->names[i], l->names[j]) == 0)
                return; /* load_into refuses repeated names: nothing to compare */
    nb_tensor **t = calloc((size_t)l->n + 1, sizeof *t);
    if (!t)
        abort();
    for (int i = 0; i < l->n; i++) {
        t[i] = nb_zeros(rec[i].dtype, rec[i].ndim, rec[i].shape);
        if (!t[i])
            fz_violation(target, "nb_zeros failed for the shape of tensor %d, which loaded", i);
    }
    nb_clear_error();
    int rc = nb_tensors_load_into(path, l->names, t, l->n);
    if (rc != NB_OK)
        fz_violation(target, "nb_tensors_load_into failed (%d) on a file nb_tensors_load read", rc);
    for (int i = 0; i < l->n; i++)
        if (!fz_tf_same(&rec[i], t[i]))
            fz_violation(target, "nb_tensors_load_into: tensor %d differs from the file", i);
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int mode = size ? data[0] & 3 : 0;
    if (mode == 3)
        mode = FZ_TF_FIX_LEN_CRC;
    size_t n = size > FZ_TF_OPT_BYTES ? size - FZ_TF_OPT_BYTES : 0;
    unsigned char *file = malloc(n + 1);
    if (!file)
        abort();
    memcpy(file, data + (size - n), n);
    fz_tf_fixup(file, n, mode);
    const char *path = fz_path("input.nbt");
    fz_write(path, file, n);
    nb_arena *prev, *arena = fz_arena_begin(&prev);
    fz_tf_rec *rec;
    int count = fz_tf_parse(file, n, &rec);
    nb_clear_error();
    nb_tensor_list l;
    memset(&l, 0xA5, sizeof l);
    int rc = nb_tensors_load(path, &l);
    if (rc != NB_OK) {
        fz_check_failure(target, "nb_tensors_load", rc, api_load, 1);
        if (l.n || l.names || l.tensors)
            fz_violation(target, "*out is not zeroed after a failure");
        if (count >= 0)
            fz_violation(target, "a valid file of %d tensors was refused", count);
    } else {
        if (count < 0)
            fz_violation(target, "an invalid file was loaded (%d tensors)", l.n);
        if (l.n != count || (count && (!l.names || !l.tensors)))
            fz_violation(target, "%d tensors loaded, the file holds %d", l.n, count);
        int plain_names = 1;
        for (int i = 0; i < count; i++) {
            nb_tensor *t = l.tensors[i];
            const char *name = l.names[i];
            if (!name || !t || nb_tensor_arena(t) != arena)
                fz_violation(target, "tensor %d: no name or tensor, or not in the current arena", i);
            /* a name holding a NUL byte cannot come back whole as a C string */
            size_t len = strnlen((const char *)rec[i].name, rec[i].name_len);
            plain_names &= len == rec[i].name_len;
            if (strlen(name) != len || memcmp(name, rec[i].name, len) != 0)
                fz_violation(target, "tensor %d is named \"%s\", the file says \"%.*s\"", i, name,
                             (int)len, (const char *)rec[i].name);
            if (!nb_tensor_name(t) || strcmp(nb_tensor_name(t), name) != 0)
                fz_violation(target, "tensor %d's own name differs from names[%d]", i, i);
            if (!fz_tf_same(&rec[i], t))
                fz_violation(target, "tensor %d (\"%s\") differs from the file", i, name);
        }
        if (plain_names)
            check_load_into(path, &l, rec);
    }
    fz_arena_end(arena, prev);
    free(rec);
    free(file);
    return 0;
}
