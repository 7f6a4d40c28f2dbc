# jf_blis.m4 -- BLIS (required: every GEMM of the training step).
#
# JF_CHECK_BLIS: AC_SUBSTs BLIS_CPPFLAGS, BLIS_LDFLAGS, BLIS_LIBS.  Looks in
#   1. --with-blis=PREFIX, else $BLIS_ROOT, else $BLIS_HOME (cluster modules):
#      PREFIX/include/blis or PREFIX/include, with PREFIX/lib or PREFIX/lib64;
#   2. pkg-config blis (upstream installs blis.pc; Debian does not);
#   3. Debian's /usr/include/<triplet>/blis-{openmp,pthread,serial} with
#      /usr/lib/<triplet>/blis-*, best threading first;
#   4. the compiler's default paths, then /usr/local.
# Library directories the loader does not search get an rpath, so binaries
# use the libblis they were linked against (on Debian the default libblis.so.4
# is whichever variant update-alternatives picked).
AC_DEFUN([JF_CHECK_BLIS], [AC_REQUIRE([JF_CHECK_OPENMP])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])AC_REQUIRE([JF_MULTIARCH])
AC_ARG_WITH([blis],
  [AS_HELP_STRING([--with-blis=PREFIX],
    [BLIS prefix holding include@<:@/blis@:>@/blis.h and lib@<:@64@:>@/libblis (default: $BLIS_ROOT, $BLIS_HOME, pkg-config, Debian's blis-openmp, system paths)])],
  [], [with_blis=yes])
AS_IF([test "x$with_blis" = xno],
  [AC_MSG_ERROR([BLIS is required; --without-blis is not supported])])
AS_IF([test "x$with_blis" != xyes && test -n "$with_blis"], [jf_blis_prefix=$with_blis],
      [test -n "$BLIS_ROOT"], [jf_blis_prefix=$BLIS_ROOT],
      [test -n "$BLIS_HOME"], [jf_blis_prefix=$BLIS_HOME],
      [jf_blis_prefix=])

AC_MSG_CHECKING([for BLIS])
JF_SAVE_FLAGS
jf_looked= jf_bad= jf_try_result=none jf_cands=
AS_IF([test -n "$jf_blis_prefix"],
  [JF_PREFIX_DIRS([$jf_blis_prefix], [/blis ""])],
  [JF_TRY_PKG([blis], [blis.h], [], [_JF_BLIS_BODY])
   for jf_t in openmp pthread serial; do
     jf_cands="$jf_cands /usr/include/$jf_multiarch/blis-$jf_t:/usr/lib/$jf_multiarch/blis-$jf_t"
   done
   jf_cands="$jf_cands /usr/include/blis:- -:- /usr/local/include/blis:/usr/local/lib /usr/local/include:/usr/local/lib"])
JF_TRY_DIRS([-lblis,-lblis -lm -lpthread], [blis.h], [], [_JF_BLIS_BODY], [libblis])
AS_IF([test "x$jf_try_result" != xok],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([BLIS not found (looked for blis.h in $jf_looked); install libblis-openmp-dev or use --with-blis=PREFIX])])
AC_MSG_RESULT([$jf_how])
BLIS_CPPFLAGS=$jf_try_cppflags
BLIS_LDFLAGS=$jf_try_ldflags
BLIS_LIBS=$jf_try_libs

# Which threading BLIS was built with decides whether jflop's OpenMP thread
# count reaches the GEMMs.
AC_MSG_CHECKING([BLIS threading])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <blis.h>
#ifndef BLIS_ENABLE_OPENMP
#error not OpenMP
#endif]], [])], [jf_blis_threads=openmp],
  [AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <blis.h>
#ifndef BLIS_ENABLE_PTHREADS
#error not pthreads
#endif]], [])], [jf_blis_threads=pthreads], [jf_blis_threads=none])])
AC_MSG_RESULT([$jf_blis_threads])
AS_IF([test "x$jf_blis_threads" != xopenmp],
  [AC_MSG_WARN([BLIS was not built with OpenMP (threading: $jf_blis_threads); OMP_NUM_THREADS will not apply to its GEMMs])])

# Version: the header's BLIS_VERSION_STRING if it has one (Debian's has not),
# else ask the library, which also proves the binary finds libblis at run time.
JF_PP_VALUE([jf_blis_version], [#include <blis.h>], [BLIS_VERSION_STRING])
AS_IF([test -z "$jf_blis_version" && test "x$cross_compiling" != xyes], [
  AC_RUN_IFELSE([AC_LANG_PROGRAM([[#include <stdio.h>
#include <blis.h>]], [[FILE *f = fopen("conftest.blisver", "w");
  if (!f) return 1;
  fprintf(f, "%s\n", bli_info_get_version_str());
  return fclose(f) != 0;]])],
    [jf_blis_version=`cat conftest.blisver`],
    [AC_MSG_WARN([a program linked with BLIS ($BLIS_LDFLAGS $BLIS_LIBS) does not run; check the library path])])
  rm -f conftest.blisver])
JF_RESTORE_FLAGS
AC_SUBST([BLIS_CPPFLAGS])
AC_SUBST([BLIS_LDFLAGS])
AC_SUBST([BLIS_LIBS])
jf_blis_summary="found, version ${jf_blis_version:-unknown}, threading $jf_blis_threads ($jf_how)
               BLIS_CPPFLAGS=$BLIS_CPPFLAGS
               BLIS_LDFLAGS=$BLIS_LDFLAGS
               BLIS_LIBS=$BLIS_LIBS"
])

# A program that needs blis.h and links both the typed and the object API.
AC_DEFUN([_JF_BLIS_BODY], [[
  double a = 1.0, b = 2.0, c = 0.0, one = 1.0, zero = 0.0;
  obj_t o;
  bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, 1, 1, 1,
            &one, &a, 1, 1, &b, 1, 1, &zero, &c, 1, 1);
  bli_obj_create(BLIS_DOUBLE, 1, 1, 0, 0, &o);
  bli_gemm(&BLIS_ONE, &o, &o, &BLIS_ZERO, &o);
  bli_obj_free(&o);
  return c != 2.0;
]])
