# jf_likwid.m4 -- likwid (optional: the 'likwid' energy backend reads RAPL
# through it; powercap and pm_counters need no library).
#
# JF_CHECK_LIKWID: AC_SUBSTs LIKWID_CPPFLAGS, LIKWID_LDFLAGS, LIKWID_LIBS
# (empty when not used), AC_DEFINEs HAVE_LIKWID and sets AM_CONDITIONAL
# HAVE_LIKWID when found.  Default: use it if found (pkg-config likwid, the
# compiler's default paths, /usr/local).  --with-likwid[=PREFIX] makes it
# required; --without-likwid skips it.
AC_DEFUN([JF_CHECK_LIKWID], [AC_REQUIRE([JF_CHECK_OPENMP])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_ARG_WITH([likwid],
  [AS_HELP_STRING([--with-likwid@<:@=PREFIX@:>@],
    [energy backend via likwid (PREFIX/include/likwid.h, PREFIX/lib@<:@64@:>@/liblikwid); default: use it if found])],
  [], [with_likwid=check])
LIKWID_CPPFLAGS= LIKWID_LDFLAGS= LIKWID_LIBS=
jf_have_likwid=no
jf_likwid_summary="no (optional; energy backend 'likwid' disabled)"
AS_IF([test "x$with_likwid" = xno],
  [jf_likwid_summary="no (--without-likwid; energy backend 'likwid' disabled)"],
  [AC_MSG_CHECKING([for likwid])
   JF_SAVE_FLAGS
   jf_looked= jf_bad= jf_try_result=none jf_cands=
   AS_CASE([$with_likwid],
     [yes|check|""], [JF_TRY_PKG([likwid], [likwid.h], [], [_JF_LIKWID_BODY])
                      jf_cands="-:- /usr/local/include:/usr/local/lib"],
     [JF_PREFIX_DIRS([$with_likwid], [""])])
   JF_TRY_DIRS([-llikwid,-llikwid -lpthread -lm], [likwid.h], [], [_JF_LIKWID_BODY], [liblikwid])
   AS_IF([test "x$jf_try_result" = xok],
     [AC_MSG_RESULT([$jf_how])
      jf_have_likwid=yes
      LIKWID_CPPFLAGS=$jf_try_cppflags
      LIKWID_LDFLAGS=$jf_try_ldflags
      LIKWID_LIBS=$jf_try_libs
      AC_DEFINE([HAVE_LIKWID], [1], [Define to 1 if likwid is available (energy backend 'likwid').])
      jf_likwid_summary="yes ($jf_how)
               LIKWID_CPPFLAGS=$LIKWID_CPPFLAGS LIKWID_LDFLAGS=$LIKWID_LDFLAGS LIKWID_LIBS=$LIKWID_LIBS"],
     [AC_MSG_RESULT([no])
      AS_IF([test "x$with_likwid" != xcheck],
        [AC_MSG_ERROR([likwid not found (looked for likwid.h in $jf_looked) but --with-likwid was given; install likwid or use --with-likwid=PREFIX or --without-likwid])])])
   JF_RESTORE_FLAGS])
AC_SUBST([LIKWID_CPPFLAGS])
AC_SUBST([LIKWID_LDFLAGS])
AC_SUBST([LIKWID_LIBS])
AM_CONDITIONAL([HAVE_LIKWID], [test "x$jf_have_likwid" = xyes])
])

AC_DEFUN([_JF_LIKWID_BODY], [[
  if (topology_init() != 0) return 1;
  topology_finalize();
  return 0;
]])
