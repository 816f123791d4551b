/* Training progress on a terminal: epoch, losses, accuracy, samples/s and
 * the time left if every epoch is run.  On a TTY the line is rewritten in
 * place (at most ten times a second); on a file or pipe it is quiet unless
 * asked for, and then prints a line every `show` epochs. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <time.h>
#include <unistd.h>

#include "train/train_internal.h"

double nb__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void nb__progress_init(nb_progress *p, FILE *out, int verbose, int show)
{
    p->out = out ? out : stderr;
    p->tty = isatty(fileno(p->out));
    p->enabled = verbose > 0 || (verbose == 0 && p->tty);
    p->show = show > 0 ? show : 25;
    p->last_print = -1;
}

void nb__progress_epoch(nb_progress *p, int epoch, int epochs, const nb_train_record *r,
                        double seconds, double samples, int final)
{
    if (!p->enabled)
        return;
    if (!final) {
        if (p->tty && seconds - p->last_print < 0.1 && epoch != 1)
            return;
        if (!p->tty && epoch % p->show != 0)
            return;
        /* On a file or pipe the final line (with the stop reason) repeats
         * the last epoch: print that epoch once, as the final line. */
        if (!p->tty && (epoch == epochs || r->stop != NB_STOP_EPOCHS))
            return;
    }
    p->last_print = seconds;
    double rate = seconds > 0 ? samples / seconds : 0;
    double eta = epoch > 0 ? seconds / epoch * (epochs - epoch) : 0;
    fprintf(p->out, "%sepoch %d/%d  loss %.6g", p->tty ? "\r\033[K" : "", epoch, epochs,
            r->train_loss[epoch]);
    if (r->val_loss)
        fprintf(p->out, "  val %.6g", r->val_loss[epoch]);
    if (r->test_loss)
        fprintf(p->out, "  test %.6g", r->test_loss[epoch]);
    if (r->train_acc)
        fprintf(p->out, "  acc %.2f%%", 100 * r->train_acc[epoch]);
    if (r->val_acc)
        fprintf(p->out, "  val acc %.2f%%", 100 * r->val_acc[epoch]);
    fprintf(p->out, "  %.0f samples/s", rate);
    if (final)
        fprintf(p->out, "  %.2fs  stop: %s\n", seconds, nb_stop_reason_name(r->stop));
    else
        fprintf(p->out, "  ETA %.1fs%s", eta, p->tty ? "" : "\n");
    fflush(p->out);
}
