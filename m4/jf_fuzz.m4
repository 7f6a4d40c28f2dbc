# jf_fuzz.m4 -- libFuzzer harnesses for jflop's input readers (tests/fuzz).
#
# JF_ENABLE_FUZZING: --enable-fuzzing builds nothing by default; it lets
#   `make fuzz` build the harnesses with FUZZ_CC (default clang), which must
#   link and run a tiny -fsanitize=fuzzer,address,undefined program, else
#   configure fails (the user asked for it). The harnesses compile only the
#   analysis sources they need with FUZZ_CC, not the MPI library; parallel
#   HDF5's headers include mpi.h, so the MPI wrapper's -I and -D flags are
#   taken from it (Open MPI's -showme:compile, MPICH's -show).
#   AC_SUBSTs FUZZ_CC, FUZZ_CFLAGS, FUZZ_MPI_CPPFLAGS; AM_CONDITIONAL
#   JF_FUZZING.
AC_DEFUN([JF_ENABLE_FUZZING], [AC_REQUIRE([JF_CHECK_MPI])
AC_ARG_ENABLE([fuzzing],
  [AS_HELP_STRING([--enable-fuzzing],
    [let `make fuzz` build libFuzzer harnesses of the JSON and results readers with FUZZ_CC (default clang); make check then runs each for a bounded time])],
  [], [enable_fuzzing=no])
AC_ARG_VAR([FUZZ_CC], [C compiler with libFuzzer for --enable-fuzzing (default: clang)])
jf_fuzz_summary=no
FUZZ_CFLAGS=
FUZZ_MPI_CPPFLAGS=
AS_IF([test "x$enable_fuzzing" != xno], [
  enable_fuzzing=yes
  : ${FUZZ_CC=clang}
  FUZZ_CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
  AC_MSG_CHECKING([whether $FUZZ_CC builds and runs a libFuzzer program])
  cat >conftest_fuzz.c <<_JF_EOF
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}
_JF_EOF
  AS_IF([$FUZZ_CC $FUZZ_CFLAGS conftest_fuzz.c -o conftest_fuzz >&AS_MESSAGE_LOG_FD 2>&1 &&
         ./conftest_fuzz -runs=2 >&AS_MESSAGE_LOG_FD 2>&1],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     rm -f conftest_fuzz conftest_fuzz.c
     AC_MSG_ERROR([--enable-fuzzing: $FUZZ_CC cannot build a -fsanitize=fuzzer,address,undefined program (install clang with its libFuzzer runtime, or set FUZZ_CC)])])
  rm -f conftest_fuzz conftest_fuzz.c
  jf_fuzz_show=`$CC -showme:compile 2>/dev/null` || jf_fuzz_show=`$CC -show 2>/dev/null` || jf_fuzz_show=
  for jf_w in $jf_fuzz_show; do
    AS_CASE([$jf_w], [-I*|-D*], [FUZZ_MPI_CPPFLAGS="$FUZZ_MPI_CPPFLAGS $jf_w"])
  done
  jf_fuzz_summary="yes, make fuzz ($FUZZ_CC)"])
AC_SUBST([FUZZ_CFLAGS])
AC_SUBST([FUZZ_MPI_CPPFLAGS])
AM_CONDITIONAL([JF_FUZZING], [test "x$enable_fuzzing" = xyes])
])
