# jf_util.m4 -- helpers shared by the m4/jf_<dep>.m4 dependency checks.
#
# The pattern (after hwloc's config/hwloc.m4): every check tries a list of
# candidate locations with its own flags, AC_SUBSTs only what it found into
# <DEP>_CPPFLAGS / <DEP>_LDFLAGS / <DEP>_LIBS, and leaves the global
# CPPFLAGS/CFLAGS/LDFLAGS/LIBS exactly as it found them.

# JF_SAVE_FLAGS / JF_RESTORE_FLAGS
AC_DEFUN([JF_SAVE_FLAGS], [
jf_save_CPPFLAGS=$CPPFLAGS
jf_save_CFLAGS=$CFLAGS
jf_save_LDFLAGS=$LDFLAGS
jf_save_LIBS=$LIBS
])
AC_DEFUN([JF_RESTORE_FLAGS], [
CPPFLAGS=$jf_save_CPPFLAGS
CFLAGS=$jf_save_CFLAGS
LDFLAGS=$jf_save_LDFLAGS
LIBS=$jf_save_LIBS
])

# JF_MULTIARCH: sets jf_multiarch to the Debian multiarch triplet, because
# Debian puts BLIS and parallel HDF5 under /usr/{include,lib}/<triplet>/...
AC_DEFUN([JF_MULTIARCH], [AC_REQUIRE([AC_PROG_CC])
AS_IF([test -z "$jf_multiarch"], [
  jf_multiarch=`$CC -print-multiarch 2>/dev/null </dev/null`
  AS_IF([test -z "$jf_multiarch"],
        [jf_multiarch=`dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null`])
  AS_IF([test -z "$jf_multiarch"], [jf_multiarch=x86_64-linux-gnu])
])
])

# JF_ADD_RPATH(VAR): for every -L<dir> in $VAR that the loader does not search
# by default, append -Wl,-rpath,<dir>, so that the binaries run without
# LD_LIBRARY_PATH and load the library we linked against (Debian's
# blis-openmp directory, a --with-X=PREFIX, a cluster module's prefix).
AC_DEFUN([JF_ADD_RPATH], [AC_REQUIRE([JF_MULTIARCH])
for jf_flag in $$1; do
  AS_CASE([$jf_flag],
    [-L/lib|-L/lib64|-L/usr/lib|-L/usr/lib64|-L/lib/$jf_multiarch|-L/usr/lib/$jf_multiarch], [],
    [-L*], [jf_dir=`AS_ECHO(["$jf_flag"]) | sed 's/^-L//'`
            AS_CASE([" $$1 "], [*" -Wl,-rpath,$jf_dir "*], [],
                    [$1="$$1 -Wl,-rpath,$jf_dir"])])
done
])

# JF_ISYSTEM(VAR): rewrites each -I<dir> in $VAR as -isystem <dir> when the
# compiler takes it, so that WARN_CFLAGS (-Wextra) reports jflop's code and
# not the hundreds of warnings blis.h would add.  The directories are still
# searched before the default system ones.
AC_DEFUN([JF_ISYSTEM], [AC_REQUIRE([_JF_CC_ISYSTEM])
AS_IF([test "x$jf_cv_cc_isystem" = xyes], [
  jf_new=
  for jf_flag in $$1; do
    AS_CASE([$jf_flag], [-I?*], [jf_flag="-isystem `AS_ECHO(["$jf_flag"]) | sed 's/^-I//'`"])
    jf_new="$jf_new $jf_flag"
  done
  $1=`echo $jf_new`])
])
AC_DEFUN([_JF_CC_ISYSTEM], [
AC_CACHE_CHECK([whether $CC accepts -isystem], [jf_cv_cc_isystem], [
  jf_isystem_save=$CPPFLAGS
  CPPFLAGS="$CPPFLAGS -isystem ."
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])], [jf_cv_cc_isystem=yes], [jf_cv_cc_isystem=no])
  CPPFLAGS=$jf_isystem_save])
])

# JF_PP_VALUE(VAR, PROLOGUE, EXPR): sets VAR to the preprocessed EXPR, with
# string quotes removed and white space squeezed, or to "" when EXPR is not
# a macro.  Used for cheap version strings (BLIS_VERSION_STRING,
# H5_VERS_INFO, ...) for the summary.  GCC may split the expansion over
# several lines with line markers, hence the joining.
AC_DEFUN([JF_PP_VALUE], [AC_REQUIRE([AC_PROG_CPP])
AC_LANG_CONFTEST([AC_LANG_SOURCE([[$2
jf_pp_value=$3 jf_pp_end]])])
$1=`(eval "$ac_cpp conftest.$ac_ext") 2>&AS_MESSAGE_LOG_FD | grep -v '^ *#' | tr '\n\t' '  ' | sed -n 's/.*jf_pp_value=\(.*\)jf_pp_end.*/\1/p' | sed 's/" *"//g; s/"//g'`
$1=`echo $$1`
AS_IF([test "x$$1" = "x`echo $3`"], [$1=])
rm -f conftest.$ac_ext
])

# JF_TRY_LIB(HEADER, EXTRA-HEADER-CHECK, PROGRAM-BODY)
# Tries $jf_try_cppflags / $jf_try_ldflags with each comma-separated library
# list in $jf_try_alts.  Sets jf_try_result to one of
#   ok         (jf_try_libs = the list that linked)
#   noheader   (HEADER does not compile)
#   badheader  (HEADER compiles but EXTRA-HEADER-CHECK, e.g. "#error", fails)
#   nolink     (no list in $jf_try_alts links PROGRAM-BODY)
# Compiles with $OPENMP_CFLAGS because a static libblis needs it to link.
# Clobbers the global flags: call between JF_SAVE_FLAGS and JF_RESTORE_FLAGS.
AC_DEFUN([JF_TRY_LIB], [
CPPFLAGS="$jf_save_CPPFLAGS $jf_try_cppflags"
CFLAGS="$jf_save_CFLAGS $OPENMP_CFLAGS"
LDFLAGS="$jf_save_LDFLAGS $jf_try_ldflags"
LIBS=$jf_save_LIBS
jf_try_result=noheader
jf_try_libs=
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <$1>]], [])], [
  jf_try_result=badheader
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <$1>]
$2], [])], [
    jf_try_result=nolink
    jf_save_IFS=$IFS
    IFS=,
    for jf_try_l in $jf_try_alts; do
      IFS=$jf_save_IFS
      LIBS="$jf_try_l $jf_save_LIBS"
      AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <$1>]], [$3])],
                     [jf_try_result=ok; jf_try_libs=$jf_try_l; break])
    done
    IFS=$jf_save_IFS])])
])

# JF_PKG_FLAGS(MODULE): sets jf_try_cppflags, jf_try_ldflags (the -L part,
# plus rpaths) and jf_try_alts (the rest) from pkg-config MODULE.
AC_DEFUN([JF_PKG_FLAGS], [
jf_try_cppflags=`$PKG_CONFIG --cflags $1 2>/dev/null`
jf_try_ldflags=`$PKG_CONFIG --libs-only-L $1 2>/dev/null`
jf_try_alts=`$PKG_CONFIG --libs-only-l --libs-only-other $1 2>/dev/null`
jf_try_cppflags=`echo $jf_try_cppflags`
jf_try_ldflags=`echo $jf_try_ldflags`
jf_try_alts=`echo $jf_try_alts`
JF_ISYSTEM([jf_try_cppflags])
JF_ADD_RPATH([jf_try_ldflags])
])

# JF_DIR_FLAGS(INCDIR, LIBDIR): sets jf_try_cppflags and jf_try_ldflags for
# an include and a library directory; "-" means the compiler's default.
AC_DEFUN([JF_DIR_FLAGS], [
AS_IF([test "x$1" = x-], [jf_try_cppflags=], [jf_try_cppflags="-I$1"
  JF_ISYSTEM([jf_try_cppflags])])
AS_IF([test "x$2" = x-], [jf_try_ldflags=], [jf_try_ldflags="-L$2"
  JF_ADD_RPATH([jf_try_ldflags])])
])

# JF_PREFIX_DIRS(PREFIX, INCSUBDIRS): sets jf_cands to "inc:lib" pairs for a
# user-given PREFIX: PREFIX/include[/SUBDIR] x PREFIX/lib, lib64.
AC_DEFUN([JF_PREFIX_DIRS], [
jf_cands=
for jf_i in $2; do
  for jf_l in lib lib64; do
    jf_cands="$jf_cands $1/include$jf_i:$1/$jf_l"
  done
done
])

# JF_LOOKED(VAR, DIR): appends DIR to the comma-separated list VAR once;
# the lists go into the one-line error messages.
AC_DEFUN([JF_LOOKED], [
AS_CASE([", $$1, "], [*", $2, "*], [],
        [AS_IF([test -z "$$1"], [$1="$2"], [$1="$$1, $2"])])
])

# JF_TRY_PKG(MODULES, HEADER, EXTRA-HEADER-CHECK, PROGRAM-BODY)
# JF_TRY_DIRS(LIBS-ALTERNATIVES, HEADER, EXTRA-HEADER-CHECK, PROGRAM-BODY,
#             LIBRARY-FILE-STEM)
# Run JF_TRY_LIB for each pkg-config module in MODULES that exists, or for
# each "incdir:libdir" pair in $jf_cands, until one works (jf_try_result=ok,
# jf_how says which).  Failures are noted for the error messages: jf_looked
# (HEADER missing or no library linked), jf_bad (EXTRA-HEADER-CHECK failed).
AC_DEFUN([JF_TRY_PKG], [
for jf_pkg in $1; do
  test "x$jf_try_result" = xok && break
  AS_IF([test -n "$PKG_CONFIG" && $PKG_CONFIG --exists $jf_pkg 2>/dev/null], [
    JF_PKG_FLAGS([$jf_pkg])
    JF_TRY_LIB([$2], [$3], [$4])
    _JF_TRY_NOTE([pkg-config $jf_pkg], [its Libs], [pkg-config $jf_pkg])])
done
])
AC_DEFUN([JF_TRY_DIRS], [
for jf_cand in $jf_cands; do
  test "x$jf_try_result" = xok && break
  jf_inc=`AS_ECHO(["$jf_cand"]) | sed 's/:.*//'`
  jf_lib=`AS_ECHO(["$jf_cand"]) | sed 's/.*://'`
  AS_IF([test "x$jf_inc" != x- && test ! -f "$jf_inc/$2"],
        [JF_LOOKED([jf_looked], [$jf_inc])
         continue])
  # Without this, -L<empty dir> -lX would silently link the system's libX.
  jf_libfiles=`ls "$jf_lib/$5".* 2>/dev/null`
  AS_IF([test "x$jf_lib" != x- && test -z "$jf_libfiles"],
        [JF_LOOKED([jf_looked], [$jf_inc ($2 found, but no $5 in $jf_lib)])
         continue])
  JF_DIR_FLAGS([$jf_inc], [$jf_lib])
  jf_try_alts="$1"
  JF_TRY_LIB([$2], [$3], [$4])
  AS_IF([test "x$jf_cand" = x-:-], [jf_cand="the compiler's default paths"],
        [jf_cand="$jf_inc; $jf_lib"])
  AS_IF([test "x$jf_inc" = x-], [jf_inc="the default include path"])
  AS_IF([test "x$jf_lib" = x-], [jf_lib="the default library path"])
  _JF_TRY_NOTE([$jf_inc], [$jf_lib], [$jf_cand])
done
])
# _JF_TRY_NOTE(WHERE-HEADER, WHERE-LIBRARY, HOW)
AC_DEFUN([_JF_TRY_NOTE], [
AS_CASE([$jf_try_result],
  [ok], [jf_how="$3"],
  [noheader], [JF_LOOKED([jf_looked], [$1])],
  [badheader], [JF_LOOKED([jf_bad], [$1])],
  [JF_LOOKED([jf_looked], [$1 (header found, but no library linked from $2)])])
])

# JF_DISTCHECK_FLAGS: 'make distcheck' re-runs configure with the
# --with-*/--without-*/--enable-*/--disable-* and VAR=value arguments given
# to this configure (not --prefix and the like), so that a site that needs
# --with-blis=PREFIX or CC=cc can distcheck as well.
AC_DEFUN([JF_DISTCHECK_FLAGS], [
JF_DISTCHECK_CONFIGURE_FLAGS=
eval "set x $ac_configure_args"
shift
for jf_arg
do
  AS_CASE([$jf_arg],
    [--with-*|--without-*|--enable-*|--disable-*|@<:@A-Za-z_@:>@*=*], [
      jf_arg=`AS_ECHO(["$jf_arg"]) | sed "s/'/'\\\\\\\\''/g"`
      JF_DISTCHECK_CONFIGURE_FLAGS="$JF_DISTCHECK_CONFIGURE_FLAGS '$jf_arg'"])
done
AC_SUBST([JF_DISTCHECK_CONFIGURE_FLAGS])
])
