# jf_mpi.m4 -- MPI.  jflop compiles everything with the MPI compiler wrapper,
# so that mpi.h and the MPI libraries come from the wrapper and parallel HDF5
# sees the same MPI.  Two macros, because CC must be chosen before AC_PROG_CC.

# JF_MPI_CC: CC defaults to mpicc (or PREFIX/bin/mpicc for --with-mpi=PREFIX)
# unless the user set CC (e.g. CC=cc on HPE Cray, CC=mpiicx).
AC_DEFUN([JF_MPI_CC], [AC_BEFORE([$0], [AC_PROG_CC])
AC_ARG_WITH([mpi],
  [AS_HELP_STRING([--with-mpi=PREFIX],
    [use PREFIX/bin/mpicc as CC (default: mpicc from PATH, unless CC is set)])],
  [], [with_mpi=yes])
AS_CASE([$with_mpi],
  [no], [AC_MSG_ERROR([MPI is required; --without-mpi is not supported])],
  [yes|""], [jf_mpicc=mpicc],
  [jf_mpicc=$with_mpi/bin/mpicc
   AS_IF([test ! -x "$jf_mpicc"],
     [AC_MSG_ERROR([MPI not found: $jf_mpicc does not exist (--with-mpi=$with_mpi); install libopenmpi-dev or use --with-mpi=PREFIX])])])
AS_IF([test -n "$CC"],
  [AS_IF([test "x$with_mpi" != xyes],
     [AC_MSG_WARN([CC=$CC is set, so --with-mpi=$with_mpi does not choose the compiler])])],
  [AS_IF([test "x$jf_mpicc" = xmpicc],
     [AC_CHECK_PROG([jf_have_mpicc], [mpicc], [yes], [no])
      AS_IF([test "x$jf_have_mpicc" = xyes], [CC=mpicc],
        [AC_MSG_ERROR([MPI compiler wrapper mpicc not found on PATH; MPI is required: install libopenmpi-dev or use --with-mpi=PREFIX or CC=/path/to/mpicc])])],
     [CC=$jf_mpicc])])
])

# JF_CHECK_MPI: CC must compile and link MPI programs.  AC_SUBSTs MPIRUN,
# the launcher next to the wrapper (else on PATH), for the test harness, and
# sets jf_mpi_flavor (openmpi, mpich or other) for the HDF5 check.
AC_DEFUN([JF_CHECK_MPI], [AC_REQUIRE([JF_PROG_CC_C11])
AC_MSG_CHECKING([whether $CC compiles and links MPI programs])
AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <mpi.h>]],
                                [[MPI_Init(0, 0); MPI_Finalize();]])],
  [AC_MSG_RESULT([yes])],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([MPI is required but $CC cannot compile and link MPI_Init; use an MPI compiler wrapper (CC=mpicc) or --with-mpi=PREFIX])])

JF_PP_VALUE([jf_mpi_std], [#include <mpi.h>], [MPI_VERSION MPI_SUBVERSION])
JF_PP_VALUE([jf_mpi_ompi], [#include <mpi.h>],
            [OMPI_MAJOR_VERSION OMPI_MINOR_VERSION OMPI_RELEASE_VERSION])
JF_PP_VALUE([jf_mpi_mpich], [#include <mpi.h>], [MPICH_VERSION])
jf_mpi_std=`echo $jf_mpi_std | sed 's/ /./g'`
AS_IF([test -n "$jf_mpi_ompi"],
        [jf_mpi_flavor=openmpi
         jf_mpi_lib="Open MPI `echo $jf_mpi_ompi | sed 's/ /./g'`"],
      [test -n "$jf_mpi_mpich"],
        [jf_mpi_flavor=mpich; jf_mpi_lib="MPICH $jf_mpi_mpich"],
      [jf_mpi_flavor=other; jf_mpi_lib="unknown MPI library"])
set dummy $CC
jf_mpi_wrapper=$[2]
# What the wrapper adds (Open MPI: --showme, MPICH and derivatives: -show).
jf_mpi_show=`$jf_mpi_wrapper --showme </dev/null 2>/dev/null || $jf_mpi_wrapper -show </dev/null 2>/dev/null`

# The launcher that belongs to this MPI sits next to its wrapper.
AS_CASE([$jf_mpi_wrapper],
  [*/*], [jf_mpi_bindir=`AS_DIRNAME(["$jf_mpi_wrapper"])`],
  [AC_PATH_PROG([jf_mpi_wrapper_path], [$jf_mpi_wrapper])
   jf_mpi_bindir=`AS_DIRNAME(["$jf_mpi_wrapper_path"])`])
AC_ARG_VAR([MPIRUN], [MPI launcher used by 'make check' and 'make run'])
AC_PATH_PROGS([MPIRUN], [mpirun mpiexec], [], [$jf_mpi_bindir$PATH_SEPARATOR$PATH])
AS_IF([test -z "$MPIRUN"],
  [AC_MSG_WARN([no mpirun or mpiexec found; MPI tests will be skipped (set MPIRUN=...)])])
jf_mpi_summary="found, $jf_mpi_lib (MPI ${jf_mpi_std:-?}), MPIRUN=${MPIRUN:-none}
               $jf_mpi_wrapper wraps: ${jf_mpi_show:-?}"
])
