#include <cblas.h>
#include <stddef.h>

/* LAPACK's symmetric eigensolver (MRRR), from OpenBLAS's bundled LAPACK; Fortran
   calling convention with the hidden character-length arguments at the end. */
void ssyevr_(const char *jobz, const char *range, const char *uplo, const int *n, float *a, const int *lda,
             const float *vl, const float *vu, const int *il, const int *iu, const float *abstol, int *m,
             float *w, float *z, const int *ldz, int *isuppz, float *work, const int *lwork, int *iwork,
             const int *liwork, int *info, size_t jobz_len, size_t range_len, size_t uplo_len);

/* LAPACK's general complex eigensolver and linear solver (double complex, interleaved re/im), for the Bloch-wave
   equation with absorption (non-Hermitian structure matrix). */
void zgeev_(const char *jobvl, const char *jobvr, const int *n, void *a, const int *lda, void *w, void *vl, const int *ldvl,
            void *vr, const int *ldvr, void *work, const int *lwork, double *rwork, int *info, size_t jobvl_len,
            size_t jobvr_len);
void zgesv_(const int *n, const int *nrhs, void *a, const int *lda, int *ipiv, void *b, const int *ldb, int *info);
