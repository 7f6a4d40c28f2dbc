# jf_curl.m4 -- libcurl (optional: the 'redfish' energy backend reads the
# node's power from its BMC over HTTPS through it; without it that backend's
# probe says the build lacks libcurl, and every other backend works).
#
# JF_CHECK_CURL: AC_SUBSTs CURL_CPPFLAGS, CURL_LDFLAGS, CURL_LIBS (empty when
# not used), AC_DEFINEs HAVE_CURL when found.  Default: use it if found
# (pkg-config libcurl, the compiler's default paths, /usr/local).
# --with-curl[=PREFIX] makes it required; --without-curl skips it.
AC_DEFUN([JF_CHECK_CURL], [AC_REQUIRE([JF_CHECK_OPENMP])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_ARG_WITH([curl],
  [AS_HELP_STRING([--with-curl@<:@=PREFIX@:>@],
    [energy backend 'redfish' via libcurl (PREFIX/include/curl/curl.h, PREFIX/lib@<:@64@:>@/libcurl); default: use it if found])],
  [], [with_curl=check])
CURL_CPPFLAGS= CURL_LDFLAGS= CURL_LIBS=
jf_have_curl=no
jf_curl_summary="no (optional; energy backend 'redfish' disabled: install libcurl4-openssl-dev)"
AS_IF([test "x$with_curl" = xno],
  [jf_curl_summary="no (--without-curl; energy backend 'redfish' disabled)"],
  [AC_MSG_CHECKING([for libcurl])
   JF_SAVE_FLAGS
   jf_looked= jf_bad= jf_try_result=none jf_cands=
   AS_CASE([$with_curl],
     [yes|check|""], [JF_TRY_PKG([libcurl], [curl/curl.h], [], [_JF_CURL_BODY])
                      jf_cands="-:- /usr/local/include:/usr/local/lib"],
     [JF_PREFIX_DIRS([$with_curl], [""])])
   JF_TRY_DIRS([-lcurl], [curl/curl.h], [], [_JF_CURL_BODY], [libcurl])
   AS_IF([test "x$jf_try_result" = xok],
     [AC_MSG_RESULT([$jf_how])
      jf_have_curl=yes
      CURL_CPPFLAGS=$jf_try_cppflags
      CURL_LDFLAGS=$jf_try_ldflags
      CURL_LIBS=$jf_try_libs
      JF_PP_VALUE([jf_curl_version], [#include <curl/curl.h>], [LIBCURL_VERSION])
      AC_DEFINE([HAVE_CURL], [1], [Define to 1 if libcurl is available (energy backend 'redfish').])
      jf_curl_summary="yes, version ${jf_curl_version:-unknown} ($jf_how)
               CURL_CPPFLAGS=$CURL_CPPFLAGS CURL_LDFLAGS=$CURL_LDFLAGS CURL_LIBS=$CURL_LIBS"],
     [AC_MSG_RESULT([no])
      AS_IF([test "x$with_curl" != xcheck],
        [AC_MSG_ERROR([libcurl not found (looked for curl/curl.h in $jf_looked) but --with-curl was given; install libcurl4-openssl-dev or use --with-curl=PREFIX or --without-curl])])])
   JF_RESTORE_FLAGS])
AC_SUBST([CURL_CPPFLAGS])
AC_SUBST([CURL_LDFLAGS])
AC_SUBST([CURL_LIBS])
AM_CONDITIONAL([HAVE_CURL], [test "x$jf_have_curl" = xyes])
])

AC_DEFUN([_JF_CURL_BODY], [[
  CURL *h = curl_easy_init();
  if (h == NULL) return 1;
  curl_easy_cleanup(h);
  return 0;
]])
