# jf_cc.m4 -- compiler checks: C11, unsigned __int128, warnings, sanitizers.

# JF_PROG_CC_C11: jflop is C11 with GNU extensions.  The flag goes into CC,
# as Autoconf itself does, so that 'make CFLAGS=...' cannot drop it.
AC_DEFUN([JF_PROG_CC_C11], [AC_REQUIRE([AC_PROG_CC])
AC_CACHE_CHECK([whether $CC accepts -std=gnu11], [jf_cv_cc_gnu11], [
  jf_save_CC=$CC
  CC="$CC -std=gnu11"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[_Static_assert(1, "C11");]], [])],
                    [jf_cv_cc_gnu11=yes], [jf_cv_cc_gnu11=no])
  CC=$jf_save_CC])
AS_IF([test "x$jf_cv_cc_gnu11" != xyes],
      [AC_MSG_ERROR([$CC does not accept -std=gnu11; jflop needs a C11 compiler])])
AS_CASE([" $CC "], [*" -std=gnu11 "*], [], [CC="$CC -std=gnu11"])
# The FLOP ledger counts 6ND exactly in 128-bit integers.
AC_CACHE_CHECK([for unsigned __int128], [jf_cv_type_uint128], [
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[unsigned __int128 jf_x = 1;]],
                                     [[jf_x <<= 100; return (int)(jf_x >> 127);]])],
                    [jf_cv_type_uint128=yes], [jf_cv_type_uint128=no])])
AS_IF([test "x$jf_cv_type_uint128" != xyes],
      [AC_MSG_ERROR([$CC has no unsigned __int128 (jflop counts FLOPs in 128-bit integers); use GCC or Clang on a 64-bit target])])
])

# JF_WARN_CFLAGS: WARN_CFLAGS gets -Wall -Wextra when the compiler takes them.
AC_DEFUN([JF_WARN_CFLAGS], [
AC_MSG_CHECKING([for warning flags])
WARN_CFLAGS=
jf_save_CFLAGS=$CFLAGS
for jf_flag in -Wall -Wextra; do
  CFLAGS="$jf_save_CFLAGS -Werror $jf_flag"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])], [WARN_CFLAGS="$WARN_CFLAGS $jf_flag"])
done
CFLAGS=$jf_save_CFLAGS
WARN_CFLAGS=`echo $WARN_CFLAGS`
AC_MSG_RESULT([${WARN_CFLAGS:-none}])
AC_SUBST([WARN_CFLAGS])
])

# JF_ENABLE_SANITIZERS: --enable-sanitizers builds everything with ASan and
# UBSan.  Call it after the dependency checks so those run uninstrumented.
AC_DEFUN([JF_ENABLE_SANITIZERS], [
AC_ARG_ENABLE([sanitizers],
  [AS_HELP_STRING([--enable-sanitizers],
    [build with -fsanitize=address,undefined (debugging; slow)])],
  [], [enable_sanitizers=no])
AS_IF([test "x$enable_sanitizers" != xno], [
  enable_sanitizers=yes
  jf_san="-fsanitize=address,undefined -fno-omit-frame-pointer -g"
  CFLAGS="${CFLAGS:+$CFLAGS }$jf_san"
  LDFLAGS="${LDFLAGS:+$LDFLAGS }$jf_san"
  AC_MSG_CHECKING([whether $CC links with $jf_san])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([--enable-sanitizers: $CC cannot link with -fsanitize=address,undefined (install the compiler's libasan/libubsan)])])])
AM_CONDITIONAL([JF_SANITIZERS], [test "x$enable_sanitizers" = xyes])
dnl the tests read it: some figures (resident memory) are ASan's, not jflop's
JF_SANITIZERS=$enable_sanitizers
AC_SUBST([JF_SANITIZERS])
])

# JF_OPT_CFLAGS: OPT_CFLAGS gets -fno-trapping-math when the compiler takes
# it.  jflop never relies on floating-point traps, and without it GCC will
# not if-convert the clamps in the vectorisable exp/tanh (kern/jf_vmath.h),
# leaving GELU, softmax and the loss scalar.  Unlike -ffast-math it keeps
# NaN and infinity semantics, which the non-finite-loss check needs.
AC_DEFUN([JF_OPT_CFLAGS], [
AC_MSG_CHECKING([for optimisation flags])
OPT_CFLAGS=
jf_save_CFLAGS=$CFLAGS
for jf_flag in -fno-trapping-math; do
  CFLAGS="$jf_save_CFLAGS -Werror $jf_flag"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])], [OPT_CFLAGS="$OPT_CFLAGS $jf_flag"])
done
CFLAGS=$jf_save_CFLAGS
OPT_CFLAGS=`echo $OPT_CFLAGS`
AC_MSG_RESULT([${OPT_CFLAGS:-none}])
AC_SUBST([OPT_CFLAGS])
])
