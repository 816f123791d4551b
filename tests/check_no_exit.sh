#!/bin/sh
# The library must never end its host program: no call of exit, _exit,
# abort or assert's failure handler may be linked into libnabla (uthash's
# default out-of-memory handler is exit(-1); src/core/hash_table.h turns it
# off).  Checked on the built shared library, so a macro that expands to
# exit() is caught as surely as a direct call; the sources are also checked
# for <uthash.h> included around src/core/hash_table.h.
top=${srcdir:-$(dirname "$0")/..}
lib=.libs/libnabla.so
[ -f "$lib" ] || { echo "check_no_exit: $lib not built (shared libraries disabled?)"; exit 77; }
status=0
bad=$(nm -D --undefined-only "$lib" | awk '{print $NF}' |
      grep -E '^(exit|_exit|_Exit|abort|quick_exit|__assert_fail|__assert_perror_fail|__assert)(@|$)')
if [ -n "$bad" ]; then
    echo "check_no_exit: libnabla calls" $bad
    status=1
fi
direct=$(grep -rlE '#[[:space:]]*include[[:space:]]*<uthash\.h>' "$top/src" | grep -v 'src/core/hash_table\.h$')
if [ -n "$direct" ]; then
    echo "check_no_exit: include core/hash_table.h instead of <uthash.h> in:" $direct
    status=1
fi
[ $status -eq 0 ] && echo "check_no_exit: libnabla links no exit, abort or assert; uthash configured in one place"
exit $status
