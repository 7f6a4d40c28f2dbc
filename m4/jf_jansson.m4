# jf_jansson.m4 -- jansson (required: the JSON table emitter and claims data).
#
# JF_CHECK_JANSSON: AC_SUBSTs JANSSON_CPPFLAGS, JANSSON_LDFLAGS, JANSSON_LIBS.
# Looks in --with-jansson=PREFIX, else pkg-config jansson, else the
# compiler's default paths and /usr/local.
AC_DEFUN([JF_CHECK_JANSSON], [AC_REQUIRE([JF_CHECK_OPENMP])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_ARG_WITH([jansson],
  [AS_HELP_STRING([--with-jansson=PREFIX],
    [jansson prefix holding include/jansson.h and lib@<:@64@:>@/libjansson (default: pkg-config, system paths)])],
  [], [with_jansson=yes])
AS_IF([test "x$with_jansson" = xno],
  [AC_MSG_ERROR([jansson is required; --without-jansson is not supported])])

AC_MSG_CHECKING([for jansson])
JF_SAVE_FLAGS
jf_looked= jf_bad= jf_try_result=none jf_cands=
AS_IF([test "x$with_jansson" != xyes && test -n "$with_jansson"],
  [JF_PREFIX_DIRS([$with_jansson], [""])],
  [JF_TRY_PKG([jansson], [jansson.h], [], [_JF_JANSSON_BODY])
   jf_cands="-:- /usr/local/include:/usr/local/lib"])
JF_TRY_DIRS([-ljansson], [jansson.h], [], [_JF_JANSSON_BODY], [libjansson])
AS_IF([test "x$jf_try_result" != xok],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([jansson not found (looked for jansson.h in $jf_looked); install libjansson-dev or use --with-jansson=PREFIX])])
AC_MSG_RESULT([$jf_how])
JANSSON_CPPFLAGS=$jf_try_cppflags
JANSSON_LDFLAGS=$jf_try_ldflags
JANSSON_LIBS=$jf_try_libs
JF_PP_VALUE([jf_jansson_version], [#include <jansson.h>], [JANSSON_VERSION])
JF_RESTORE_FLAGS
AC_SUBST([JANSSON_CPPFLAGS])
AC_SUBST([JANSSON_LDFLAGS])
AC_SUBST([JANSSON_LIBS])
jf_jansson_summary="found, version ${jf_jansson_version:-unknown} ($jf_how)
               JANSSON_CPPFLAGS=$JANSSON_CPPFLAGS JANSSON_LDFLAGS=$JANSSON_LDFLAGS JANSSON_LIBS=$JANSSON_LIBS"
])

AC_DEFUN([_JF_JANSSON_BODY], [[
  json_t *o = json_object();
  json_decref(o);
  return 0;
]])
