# jf_openmp.m4 -- OpenMP (required: jflop's kernels and BLIS use it).

# JF_CHECK_OPENMP: AC_SUBSTs OPENMP_CFLAGS (via AC_OPENMP; it goes on both
# the compile and the link line through AM_CFLAGS).  --with-openmp=PREFIX
# names the OpenMP runtime's prefix (e.g. libomp for Clang); because OpenMP
# is a compiler feature, its -I/-L/rpath go into the global CPPFLAGS/LDFLAGS.
AC_DEFUN([JF_CHECK_OPENMP], [AC_REQUIRE([JF_PROG_CC_C11])
AC_ARG_WITH([openmp],
  [AS_HELP_STRING([--with-openmp=PREFIX],
    [prefix of the OpenMP runtime, if the compiler does not find it itself])],
  [], [with_openmp=yes])
AS_CASE([$with_openmp],
  [no], [AC_MSG_ERROR([OpenMP is required; --without-openmp is not supported])],
  [yes|""], [],
  [AS_IF([test ! -d "$with_openmp"],
     [AC_MSG_ERROR([OpenMP runtime not found: $with_openmp does not exist (--with-openmp=PREFIX)])])
   jf_try_ldflags="-L$with_openmp/lib"
   JF_ADD_RPATH([jf_try_ldflags])
   CPPFLAGS="$CPPFLAGS -I$with_openmp/include"
   LDFLAGS="$LDFLAGS $jf_try_ldflags"])
AC_OPENMP
AS_IF([test "x$enable_openmp" = xno],
  [AC_MSG_ERROR([OpenMP is required; --disable-openmp is not supported])])
AS_IF([test "x$ac_cv_prog_c_openmp" = xunsupported],
  [AC_MSG_ERROR([OpenMP is required but $CC does not support it (no -fopenmp or equivalent worked)])])
# For the summary: _OPENMP is the spec date, e.g. 201511 = OpenMP 4.5.
jf_save_CPPFLAGS=$CPPFLAGS
CPPFLAGS="$CPPFLAGS $OPENMP_CFLAGS"
JF_PP_VALUE([jf_openmp_date], [], [_OPENMP])
CPPFLAGS=$jf_save_CPPFLAGS
AS_CASE([$jf_openmp_date],
  [2008*], [jf_openmp_ver=" 3.0"], [2011*], [jf_openmp_ver=" 3.1"],
  [2013*], [jf_openmp_ver=" 4.0"], [2015*], [jf_openmp_ver=" 4.5"],
  [2018*], [jf_openmp_ver=" 5.0"], [2020*], [jf_openmp_ver=" 5.1"],
  [2021*], [jf_openmp_ver=" 5.2"], [jf_openmp_ver=])
jf_openmp_summary="found, OpenMP$jf_openmp_ver (_OPENMP=${jf_openmp_date:-?}); OPENMP_CFLAGS=$OPENMP_CFLAGS"
])
