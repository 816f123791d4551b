/* nabla: tests of the training progress lines written to a file (not a
 * terminal): one line every `show` epochs, and the last epoch printed once,
 * as the final line with the stop reason. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "test_util.h"

static const double xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1};
static const double xor_y[] = {0, 1, 1, 0};

/* Train XOR for `epochs` epochs with progress into a temporary file and
 * return how many lines start with "epoch <last>/" and how many lines in all. */
static void progress_lines(int epochs, int show, double goal, int *last_lines, int *lines,
                           char *text, size_t text_size)
{
    nb_model *net = nb_bpnet_new((const int64_t[]){2, 4, 1}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    nb_optim *opt = nb_rprop_new(net, NULL);
    nb_tensor *x = nb_from_f64(xor_x, NB_SHAPE(4, 2)), *y = nb_from_f64(xor_y, NB_SHAPE(4, 1));
    FILE *out = tmpfile();
    ck_assert_ptr_nonnull(out);
    nb_train_record rec;
    int rc = nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y},
                      &(nb_train_opts){.epochs = epochs, .goal = goal, .verbose = 1, .show = show,
                                       .out = out},
                      &rec);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    char prefix[32];
    snprintf(prefix, sizeof prefix, "epoch %d/", rec.epochs);
    rewind(out);
    *last_lines = *lines = 0;
    size_t used = 0;
    char line[512];
    while (fgets(line, sizeof line, out)) {
        (*lines)++;
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            (*last_lines)++;
        size_t n = strlen(line);
        if (used + n < text_size) {
            memcpy(text + used, line, n + 1);
            used += n;
        }
    }
    fclose(out);
    nb_train_record_free(&rec);
    nb_optim_free(opt);
    nb_model_free(net);
}

START_TEST(test_last_epoch_printed_once)
{
    int last, lines;
    char text[4096] = "";
    /* every epoch shown: epochs 1..4 once each, the 5th only as the final line */
    progress_lines(5, 1, 0, &last, &lines, text, sizeof text);
    ck_assert_msg(last == 1, "the last epoch was printed %d times:\n%s", last, text);
    ck_assert_msg(lines == 5, "%d lines:\n%s", lines, text);
    ck_assert_msg(strstr(text, "stop: maximum epochs reached") != NULL, "%s", text);
    /* a stop before the last epoch (goal met) is printed once too */
    progress_lines(1000, 1, 1e-3, &last, &lines, text, sizeof text);
    ck_assert_msg(last == 1, "the stopping epoch was printed %d times:\n%s", last, text);
    ck_assert_msg(strstr(text, "stop: performance goal met") != NULL, "%s", text);
}
END_TEST

START_TEST(test_show_every_n_epochs)
{
    int last, lines;
    char text[4096] = "";
    /* 10 epochs, a line every 3: epochs 3, 6, 9, then the final line for 10 */
    progress_lines(10, 3, 0, &last, &lines, text, sizeof text);
    ck_assert_msg(lines == 4, "%d lines:\n%s", lines, text);
    ck_assert_msg(last == 1, "%s", text);
    ck_assert_msg(strstr(text, "epoch 3/10") && strstr(text, "epoch 9/10"), "%s", text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = nb_test_case("progress");
    tcase_add_test(tc, test_last_epoch_printed_once);
    tcase_add_test(tc, test_show_every_n_epochs);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
