# jf_hdf5.m4 -- parallel HDF5 (required: every rank writes the results file
# collectively through the MPI-IO driver, so a serial HDF5 will not do).
#
# JF_CHECK_HDF5: AC_SUBSTs HDF5_CPPFLAGS, HDF5_LDFLAGS, HDF5_LIBS.  Looks in
#   1. --with-hdf5=PREFIX: PREFIX/include with PREFIX/lib or PREFIX/lib64;
#   2. pkg-config hdf5-<flavour of our MPI>, hdf5-mpi, hdf5 (Debian ships
#      hdf5-openmpi.pc and hdf5-mpich.pc; hdf5-mpi follows update-alternatives);
#   3. Debian's /usr/include/hdf5/<flavour> with /usr/lib/<triplet>/hdf5/<flavour>;
#   4. the compiler's default paths (e.g. the HPE Cray wrapper with
#      cray-hdf5-parallel loaded), then /usr/local.
# A candidate counts only if hdf5.h defines H5_HAVE_PARALLEL and
# H5Pset_fapl_mpio links.
AC_DEFUN([JF_CHECK_HDF5], [AC_REQUIRE([JF_CHECK_MPI])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])AC_REQUIRE([JF_MULTIARCH])
AC_ARG_WITH([hdf5],
  [AS_HELP_STRING([--with-hdf5=PREFIX],
    [parallel HDF5 prefix holding include/hdf5.h and lib@<:@64@:>@/libhdf5 (default: pkg-config, Debian's hdf5/openmpi, system paths)])],
  [], [with_hdf5=yes])
AS_IF([test "x$with_hdf5" = xno],
  [AC_MSG_ERROR([parallel HDF5 is required; --without-hdf5 is not supported])])
AS_CASE([$jf_mpi_flavor], [openmpi|mpich], [jf_flavors=$jf_mpi_flavor],
        [jf_flavors="openmpi mpich"])

AC_MSG_CHECKING([for parallel HDF5])
JF_SAVE_FLAGS
jf_looked= jf_bad= jf_try_result=none jf_cands=
AS_IF([test "x$with_hdf5" != xyes && test -n "$with_hdf5"],
  [JF_PREFIX_DIRS([$with_hdf5], [""])],
  [jf_pkgs=
   for jf_f in $jf_flavors; do
     jf_pkgs="$jf_pkgs hdf5-$jf_f"
     jf_cands="$jf_cands /usr/include/hdf5/$jf_f:/usr/lib/$jf_multiarch/hdf5/$jf_f"
   done
   JF_TRY_PKG([$jf_pkgs hdf5-mpi hdf5], [hdf5.h], [_JF_HDF5_PARALLEL], [_JF_HDF5_BODY])
   jf_cands="$jf_cands -:- /usr/local/include:/usr/local/lib"])
JF_TRY_DIRS([-lhdf5,-lhdf5 -lz -ldl -lm], [hdf5.h], [_JF_HDF5_PARALLEL], [_JF_HDF5_BODY], [libhdf5])
AS_IF([test "x$jf_try_result" != xok],
  [AC_MSG_RESULT([no])
   AS_IF([test -n "$jf_bad"],
     [AC_MSG_ERROR([only a serial HDF5 was found ($jf_bad: H5_HAVE_PARALLEL undefined); jflop needs parallel HDF5: install libhdf5-openmpi-dev or use --with-hdf5=PREFIX of a parallel build])],
     [AC_MSG_ERROR([parallel HDF5 not found (looked for hdf5.h in $jf_looked); install libhdf5-openmpi-dev or use --with-hdf5=PREFIX])])])
AC_MSG_RESULT([$jf_how])
HDF5_CPPFLAGS=$jf_try_cppflags
HDF5_LDFLAGS=$jf_try_ldflags
HDF5_LIBS=$jf_try_libs
JF_PP_VALUE([jf_hdf5_version], [#include <hdf5.h>], [H5_VERS_INFO])
jf_hdf5_version=`AS_ECHO(["$jf_hdf5_version"]) | sed 's/^.*version: *//'`
JF_RESTORE_FLAGS
AC_SUBST([HDF5_CPPFLAGS])
AC_SUBST([HDF5_LDFLAGS])
AC_SUBST([HDF5_LIBS])
jf_hdf5_summary="found, parallel, version ${jf_hdf5_version:-unknown} ($jf_how)
               HDF5_CPPFLAGS=$HDF5_CPPFLAGS
               HDF5_LDFLAGS=$HDF5_LDFLAGS
               HDF5_LIBS=$HDF5_LIBS"
])

AC_DEFUN([_JF_HDF5_PARALLEL], [[#ifndef H5_HAVE_PARALLEL
#error serial HDF5
#endif]])
AC_DEFUN([_JF_HDF5_BODY], [[
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
  return H5Pclose(fapl) < 0;
]])
