#!/bin/sh
# List the op functions declared in include/nabla/ops*.h that have no
# call-site macro in include/nabla/sites.h, and the macros in sites.h whose
# function is declared nowhere.  Exits 1 when either list is not empty, so
# that sites.h cannot silently fall behind the op headers.
#
# An op function is a declaration at the start of a line that returns
# `nb_tensor *`, e.g. `nb_tensor *nb_tanh(nb_tensor *x);`.
top=${srcdir:-$(dirname "$0")/..}
inc="$top/include/nabla"
sites="$inc/sites.h"
[ -f "$sites" ] || { echo "check_sites: $sites not found" >&2; exit 2; }

ops=$(cat "$inc"/ops*.h | grep -E '^nb_tensor[[:space:]]*\*[[:space:]]*nb_[a-z0-9_]+[[:space:]]*\(' |
      sed -E 's/^nb_tensor[[:space:]]*\*[[:space:]]*(nb_[a-z0-9_]+).*/\1/' | sort -u)
macros=$(grep -E '^[[:space:]]*#[[:space:]]*define[[:space:]]+nb_[a-z0-9_]+\(' "$sites" |
         sed -E 's/^[[:space:]]*#[[:space:]]*define[[:space:]]+(nb_[a-z0-9_]+)\(.*/\1/' | sort -u)

status=0
for f in $ops; do
    if ! printf '%s\n' "$macros" | grep -qx "$f"; then
        echo "check_sites: $f is declared in include/nabla/ops*.h but has no macro in sites.h"
        status=1
    fi
done
for m in $macros; do
    if ! cat "$inc"/*.h | grep -v '#[[:space:]]*define' | grep -qE "[[:space:]*]$m[[:space:]]*\("; then
        echo "check_sites: sites.h wraps $m, which no public header declares"
        status=1
    fi
done
[ $status -eq 0 ] && echo "check_sites: $(printf '%s\n' "$ops" | grep -c .) op functions, all wrapped"
exit $status
