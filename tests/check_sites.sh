#!/bin/sh
# Every public function that can record a graph node must have a call-site
# macro in include/nabla/sites.h, of the form that matches its result
# (NB_AT_SITE_ for nb_tensor *, NB_AT_SITE_INT_ for an int status), and every
# macro there must wrap a declared function.  Exits 1 otherwise, so that
# sites.h cannot fall behind the headers.
#
# Each public header is either a recording header (its functions run ops:
# every function of it that returns `nb_tensor *` needs a macro, unless it is
# listed in $plain_functions) or a plain one (core, io and tools: they make,
# read or show tensors and graphs but record nothing).  A header in neither
# list fails the check, so that a new header is classified once.
# Functions that record but return a status are listed in $status_functions.
#
# When a C++ compiler is at hand, the macros must also compile as C++, and
# NB_NO_CALL_SITES must turn them off.
top=${srcdir:-$(dirname "$0")/..}
inc="$top/include/nabla"
sites="$inc/sites.h"
[ -f "$sites" ] || { echo "check_sites: $sites not found" >&2; exit 2; }

recording_headers="ops_basic.h ops_elementwise.h ops_nn.h ops_reduce.h ops_shape.h ops_conv.h nn.h nn_conv.h rnn.h custom_op.h
                   verify.h autograd.h optim.h train.h train_lm.h train_gd.h train_scg.h train_net.h dist.h"
plain_headers="ops.h sites.h arena.h error.h rng.h tensor.h io.h dot.h trace.h html.h plot.h"
# nb_tensor * functions of recording headers that record nothing: accessors,
# the parameter registry, a copy cut from the graph, and the macros' own
# helper.
plain_functions="nb_detach nb_node_input nb_node_output nb_model_add_param nb_model_param
                 nb_model_param_at nb_model_params_flat nb_model_grads_flat nb_site_leave_tensor
                 nb_model_add_buffer nb_model_buffer nb_model_buffer_at nb_rnn_state_h nb_rnn_state_c
                 nb_optim_state nb_net_predict"
# Functions returning an int status that record nodes.
status_functions="nb_grad nb_gradcheck nb_gradgradcheck nb_vjp nb_jvp nb_check_grad
                  nb_check_grad_f64 nb_train nb_model_jacobian nb_trainlm nb_trainbr
                  nb_traingd nb_traingdm nb_traingdx nb_trainscg nb_net_train nb_lstm_cell
                  nb_dist_train nb_dist_trainlm nb_dist_trainbr nb_split_sizes nb_chunk"

status=0
fail() { echo "check_sites: $*"; status=1; }
has() { printf '%s\n' $1 | grep -qx "$2"; }

echo "check_sites: recording headers: $(echo $recording_headers)"
for path in "$inc"/*.h; do
    h=$(basename "$path")
    has "$recording_headers $plain_headers" "$h" ||
        fail "include/nabla/$h is new: list it in recording_headers or plain_headers of tests/check_sites.sh"
done

# "name form" for each `#define nb_x(...) NB_AT_SITE_(nb_x(__VA_ARGS__))`
# (form NB_AT_SITE_ or NB_AT_SITE_INT_); any other nb_ macro is malformed.
define='^[[:space:]]*#[[:space:]]*define[[:space:]]+(nb_[a-z0-9_]+)\('
macros=$(sed -nE "s/${define}\\.\\.\\.\\)[[:space:]]+(NB_AT_SITE_(INT_)?)\\(\\1\\(__VA_ARGS__\\)\\)[[:space:]]*\$/\\1 \\2/p" "$sites")
for m in $(sed -nE "s/${define}.*/\\1/p" "$sites"); do
    printf '%s\n' "$macros" | awk -v f="$m" '$1 == f { found = 1 } END { exit !found }' ||
        fail "the macro $m in sites.h is not '#define $m(...) NB_AT_SITE_($m(__VA_ARGS__))' (or NB_AT_SITE_INT_)"
done
form() { printf '%s\n' "$macros" | awk -v f="$1" '$1 == f { print $2 }'; }

tensor_fns=
for h in $recording_headers; do
    [ -f "$inc/$h" ] || { fail "recording header include/nabla/$h not found"; continue; }
    fns=$(grep -E '^(const[[:space:]]+)?nb_tensor[[:space:]]*\*[[:space:]]*nb_[a-z0-9_]+[[:space:]]*\(' "$inc/$h" |
          sed -E 's/^(const[[:space:]]+)?nb_tensor[[:space:]]*\*[[:space:]]*(nb_[a-z0-9_]+).*/\2/')
    for f in $fns; do
        has "$plain_functions" "$f" && continue
        tensor_fns="$tensor_fns $f"
        case $(form "$f") in
        NB_AT_SITE_) ;;
        NB_AT_SITE_INT_) fail "$f (include/nabla/$h) returns nb_tensor * but its macro uses NB_AT_SITE_INT_" ;;
        *) fail "$f is declared in include/nabla/$h and can record nodes, but has no macro in sites.h" ;;
        esac
    done
done
for f in $status_functions; do
    grep -qE "^int[[:space:]]+$f[[:space:]]*\(" $(for h in $recording_headers; do echo "$inc/$h"; done) ||
        fail "$f is listed as a status function but no recording header declares 'int $f('"
    case $(form "$f") in
    NB_AT_SITE_INT_) ;;
    NB_AT_SITE_) fail "$f returns an int status but its macro uses NB_AT_SITE_" ;;
    *) fail "$f records nodes but has no macro in sites.h" ;;
    esac
done
for m in $(printf '%s\n' "$macros" | awk '{ print $1 }'); do
    has "$tensor_fns $status_functions" "$m" ||
        fail "sites.h wraps $m, which is not a node-recording function of the recording headers"
done

# C++: a program with nested wrapped calls of both forms compiles, and
# NB_NO_CALL_SITES leaves no macro behind.
cxx=${CXX:-c++}
if command -v "$cxx" >/dev/null 2>&1; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_sites.XXXXXX") || exit 2
    cat >"$tmp/use.cc" <<'EOF'
#include <nabla.h>
#ifdef NB_NO_CALL_SITES
#if defined(nb_tanh) || defined(nb_grad) || defined(NB_AT_SITE_)
#error "NB_NO_CALL_SITES left call-site macros defined"
#endif
#endif
int use(nb_tensor *x)
{
    nb_tensor *(*fn)(nb_tensor *) = nb_tanh;
    nb_tensor *y = nb_add(nb_mul(x, x),
                          fn(nb_tanh(x)));
    nb_tensor *g = nullptr;
    return nb_grad(&y, 1, &x, 1, nullptr, NB_CREATE_GRAPH, &g);
}
EOF
    for defs in "" "-DNB_NO_CALL_SITES"; do
        if ! "$cxx" -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I"$top/include" $defs \
             "$tmp/use.cc" >"$tmp/log" 2>&1; then
            fail "nabla.h with call sites does not compile as C++ ($cxx $defs):"
            cat "$tmp/log"
        fi
    done
    rm -rf "$tmp"
    cxx_note="; the macros compile as C++"
else
    cxx_note="; no C++ compiler ($cxx), C++ not checked"
fi

[ $status -eq 0 ] &&
    echo "check_sites: $(echo $tensor_fns $status_functions | wc -w) node-recording functions, all wrapped$cxx_note"
exit $status
