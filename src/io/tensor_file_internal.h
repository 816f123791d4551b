/* Internal switches of the tensor file writer (src/io/tensor_file.c), for
 * its tests only. */
#ifndef NB_IO_TENSOR_FILE_INTERNAL_H
#define NB_IO_TENSOR_FILE_INTERNAL_H

enum {
    /* Write through a named temporary file, as on a file system without
     * O_TMPFILE. */
    NB__TF_NO_TMPFILE = 1,
    /* Do not link the anonymous temporary file through /proc/self/fd, as
     * where /proc is not mounted. */
    NB__TF_NO_PROC = 2,
    /* Do not link it with AT_EMPTY_PATH, as without CAP_DAC_READ_SEARCH. */
    NB__TF_NO_EMPTY_PATH = 4
};

/* Set the switches (an OR of the flags above; 0, the default, for none) for
 * the calling thread's later saves.  A thread-local setting. */
void nb__tf_set_test_flags(int flags);

#endif
