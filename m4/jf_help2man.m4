# jf_help2man.m4 -- help2man (optional: the man pages jflop.1 and
# jflop-run.1 are generated at build time from the programs' --help).
#
# JF_CHECK_HELP2MAN: AC_SUBSTs HELP2MAN (the program, or empty) and sets
# AM_CONDITIONAL JF_MAN_PAGES when the man pages can be built: help2man found
# (HELP2MAN=... overrides the search) and the built programs can run here
# (not when cross-compiling). Missing help2man is a notice, never an error:
# the build and install go on without man pages.
AC_DEFUN([JF_CHECK_HELP2MAN], [
AC_ARG_VAR([HELP2MAN], [help2man, to generate the man pages from --help])
AC_PATH_PROG([HELP2MAN], [help2man])
jf_man_summary="yes ($HELP2MAN)"
AS_IF([test "x$cross_compiling" = xyes],
  [jf_man_summary="no (cross-compiling: the programs cannot run to give their --help)"],
  [test -z "$HELP2MAN"],
  [jf_man_summary="no (help2man not found; install it for man pages)"
   AC_MSG_NOTICE([help2man not found: the man pages jflop.1 and jflop-run.1 will not be built or installed])])
AM_CONDITIONAL([JF_MAN_PAGES], [test "x$jf_man_summary" = "xyes ($HELP2MAN)"])
])
