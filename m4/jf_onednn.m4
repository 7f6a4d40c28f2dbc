# jf_onednn.m4 -- oneDNN (optional: the 'onednn' GEMM back-end, which runs
# bf16 mixed precision and fp32 on the CPU's matrix and vector units).
#
# JF_CHECK_ONEDNN: AC_SUBSTs ONEDNN_CPPFLAGS, ONEDNN_LDFLAGS, ONEDNN_LIBS
# (empty when not used), AC_DEFINEs HAVE_ONEDNN and sets AM_CONDITIONAL
# HAVE_ONEDNN when found.  Default: use it if found (pkg-config dnnl, the
# compiler's default paths as Debian's libdnnl-dev installs it,
# /usr/local).  --with-onednn[=PREFIX] makes it required (PREFIX as a
# module or an oneAPI install lays it out: PREFIX/include/oneapi/dnnl/dnnl.h,
# PREFIX/lib@<:@64@:>@/libdnnl); --without-onednn skips it, and then
# jflop-run refuses --precision bf16.
AC_DEFUN([JF_CHECK_ONEDNN], [AC_REQUIRE([JF_CHECK_OPENMP])dnl
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_ARG_WITH([onednn],
  [AS_HELP_STRING([--with-onednn@<:@=PREFIX@:>@],
    [GEMM back-end 'onednn' for bf16 and fp32 (PREFIX/include/oneapi/dnnl/dnnl.h, PREFIX/lib@<:@64@:>@/libdnnl); default: use it if found])],
  [], [with_onednn=check])
ONEDNN_CPPFLAGS= ONEDNN_LDFLAGS= ONEDNN_LIBS=
jf_have_onednn=no
jf_onednn_summary="no (optional; GEMM back-end 'onednn' and --precision bf16 disabled)"
AS_IF([test "x$with_onednn" = xno],
  [jf_onednn_summary="no (--without-onednn; GEMM back-end 'onednn' and --precision bf16 disabled)"],
  [AC_MSG_CHECKING([for oneDNN])
   JF_SAVE_FLAGS
   jf_looked= jf_bad= jf_try_result=none jf_cands=
   AS_CASE([$with_onednn],
     [yes|check|""], [JF_TRY_PKG([dnnl onednn], [oneapi/dnnl/dnnl.h], [], [_JF_ONEDNN_BODY])
                      jf_cands="-:- /usr/local/include:/usr/local/lib"],
     [JF_PREFIX_DIRS([$with_onednn], [""])])
   JF_TRY_DIRS([-ldnnl], [oneapi/dnnl/dnnl.h], [], [_JF_ONEDNN_BODY], [libdnnl])
   AS_IF([test "x$jf_try_result" = xok],
     [AC_MSG_RESULT([$jf_how])
      jf_have_onednn=yes
      ONEDNN_CPPFLAGS=$jf_try_cppflags
      ONEDNN_LDFLAGS=$jf_try_ldflags
      ONEDNN_LIBS=$jf_try_libs
      AC_DEFINE([HAVE_ONEDNN], [1], [Define to 1 if oneDNN is available (GEMM back-end 'onednn', bf16).])
      jf_onednn_summary="yes ($jf_how)
               ONEDNN_CPPFLAGS=$ONEDNN_CPPFLAGS ONEDNN_LDFLAGS=$ONEDNN_LDFLAGS ONEDNN_LIBS=$ONEDNN_LIBS"],
     [AC_MSG_RESULT([no])
      AS_IF([test "x$with_onednn" != xcheck],
        [AC_MSG_ERROR([oneDNN not found (looked for oneapi/dnnl/dnnl.h in $jf_looked) but --with-onednn was given; install libdnnl-dev or use --with-onednn=PREFIX or --without-onednn])])])
   JF_RESTORE_FLAGS])
AC_SUBST([ONEDNN_CPPFLAGS])
AC_SUBST([ONEDNN_LDFLAGS])
AC_SUBST([ONEDNN_LIBS])
AM_CONDITIONAL([HAVE_ONEDNN], [test "x$jf_have_onednn" = xyes])
JF_HAVE_ONEDNN=$jf_have_onednn
AC_SUBST([JF_HAVE_ONEDNN])
])

# oneDNN 2.x: the matmul primitive (2.0+) and the version query.
AC_DEFUN([_JF_ONEDNN_BODY], [[
  const dnnl_version_t *v = dnnl_version();
  dnnl_matmul_desc_t d;
  (void)d;
  return v->major >= 2 ? 0 : 1;
]])
