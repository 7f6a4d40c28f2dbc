#!/bin/sh
# test_layers: the library's folders include only the layers below them
# (src/<folder>/*.c and *.h, quoted #include "<folder>/..." lines):
#   core   -> core
#   kern   -> core, kern            (GEMM door and back-ends)
#   train  -> core, kern, train     (phase marks and gradient hooks go
#                                    through callbacks, not energy/ headers)
#   energy -> core, energy          (backends, sampler, phases)
# out/, analysis/ and cli/ sit on top and may read every layer. A new
# include across a line fails here with the file, the line and the layer.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"

src=${JF_TOP_SRCDIR:?run through make check}/src
[ -d "$src/core" ] || jf_hard_error "no $src/core: JF_TOP_SRCDIR is not jflop's source tree"

# allowed LAYER: the folders its files may include
allowed() {
    case $1 in
    core) echo "core" ;;
    kern) echo "core kern" ;;
    train) echo "core kern train" ;;
    energy) echo "core energy" ;;
    esac
}

# scan FILE: "line:folder" for each #include "<folder>/..." or
# <<folder>/...> of FILE naming one of the library's folders; a bare
# "file.h" is the file's own folder; "../" anywhere is reported as "..".
scan() {
    grep -n -o -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([a-z_]+|\.\.)/' "$1" |
        sed -E 's/:.*["<]/:/; s|/$||' |
        grep -E ':(core|kern|train|energy|out|analysis|cli|\.\.)$'
}

for layer in core kern train energy; do
    files=$(find "$src/$layer" -maxdepth 1 \( -name '*.c' -o -name '*.h' \) | sort)
    count=$(echo "$files" | grep -c .)
    crossing=
    for f in $files; do
        crossing="$crossing$(scan "$f" | while IFS=: read -r line dep; do
            case " $(allowed "$layer") " in
            *" $dep "*) ;;
            *) printf ' %s:%s includes %s/;' "${f#"$src"/}" "$line" "$dep" ;;
            esac
        done)"
    done
    jf_check "$layer/ ($count files) includes only $(allowed "$layer" | sed 's/ /, /g')${crossing:+ -- not:$crossing}" \
        test -z "$crossing"
done

# the check itself sees crossings: a file of train/ that includes energy/
# (indented, in angle brackets) and a relative path; system headers pass
mkdir -p "$jf_tmp/src/train"
printf '%s\n' '#include "core/jf_error.h"' '  #include "energy/jf_energy.h"' \
    '#include <energy/jf_energy_job.h>' '#include "../out/jf_h5.h"' '#include <sys/stat.h>' \
    >"$jf_tmp/src/train/x.c"
seen=$(scan "$jf_tmp/src/train/x.c" | tr '\n' ' ')
jf_check "the include scan reads 'line:folder' pairs ($seen)" \
    test "$seen" = "1:core 2:energy 3:energy 4:.. "
rejected=$(scan "$jf_tmp/src/train/x.c" | while IFS=: read -r line dep; do
    case " $(allowed train) " in *" $dep "*) ;; *) printf '%s ' "$line" ;; esac
done)
jf_check "and train/'s rule refuses lines 2, 3 and 4 of them (refused: $rejected)" \
    test "$rejected" = "2 3 4 "

jf_done
