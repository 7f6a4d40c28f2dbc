/* gemm_mix.c: one medium-preset layer's GEMMs (dense forward, backward-data,
 * backward-weights, and the per-head attention products), run straight into
 * BLIS in one thread, timed by the thread's CPU time so that a loaded
 * machine's preemption does not count. The kernel set is BLIS's choice or
 * BLIS_ARCH_TYPE's. Used to choose fp64's kernel set on AMD Zen 4 (README,
 * "BLIS kernels"): run one copy per core at once, alternating the sets:
 *
 *   for a in 6 0; do   # zen3, skx in this BLIS build's numbering
 *     BLIS_ARCH_TYPE=$a taskset -c 0 ./gemm_mix 0 2 & BLIS_ARCH_TYPE=$a taskset -c 1 ./gemm_mix 0 2; wait
 *   done
 *
 * Usage: gemm_mix SINGLE(0 = fp64, 1 = fp32) ROUNDS */
#include <blis.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double cpu(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+1e-9*t.tv_nsec;}
static double wall(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
typedef struct {int m,n,k,ta,tb,rep;} g_t;
int main(int argc,char**argv){
  if(argc<3){fprintf(stderr,"usage: gemm_mix SINGLE ROUNDS\n");return 2;}
  int sp=atoi(argv[1]), rounds=atoi(argv[2]);
  int T=1024,d=1024,ff=4096,c=256,dh=64;
  g_t L[]={{T,3*d,d,0,0,1},{T,d,d,0,0,1},{T,ff,d,0,0,1},{T,d,ff,0,0,1},
    {ff,d,T,1,0,1},{d,ff,T,1,0,1},{d,d,T,1,0,1},{d,3*d,T,1,0,1},
    {T,ff,d,0,1,1},{T,d,ff,0,1,1},{T,d,d,0,1,1},{T,d,3*d,0,1,1},
    {c,c,dh,0,1,128},{c,dh,c,0,0,128},{c,dh,c,1,0,128},{c,dh,c,1,0,64},{c,dh,c,0,0,64}};
  int ng=sizeof L/sizeof L[0];
  size_t big=(size_t)ff*T*2;
  double *a=calloc(big,8),*b=calloc(big,8),*cc=calloc(big,8);
  for(size_t i=0;i<big;i++){a[i]=1e-3*(i%7);b[i]=1e-3*(i%5);}
  double one=1,zero=0; float ones=1,zeros=0;
  for(int r=0;r<rounds;r++){
    double fl=0,t0=cpu(),w0=wall();
    for(int g=0;g<ng;g++){ g_t*x=&L[g];
      inc_t rsa=x->ta?1:x->k, csa=x->ta?x->m:1, rsb=x->tb?1:x->n, csb=x->tb?x->k:1;
      for(int q=0;q<x->rep;q++){
      if(sp) bli_sgemm(BLIS_NO_TRANSPOSE,BLIS_NO_TRANSPOSE,x->m,x->n,x->k,&ones,(float*)a,rsa,csa,(float*)b,rsb,csb,&zeros,(float*)cc,x->n,1);
      else bli_dgemm(BLIS_NO_TRANSPOSE,BLIS_NO_TRANSPOSE,x->m,x->n,x->k,&one,a,rsa,csa,b,rsb,csb,&zero,cc,x->n,1);
      fl+=2.0*x->m*x->n*x->k;}
    }
    double t=cpu()-t0,w=wall()-w0;
    printf("%s %s cpu %.2f GFLOP/s wall %.2f\n",bli_arch_string(bli_arch_query_id()),sp?"s":"d",fl/t/1e9,fl/w/1e9);
  }
  return 0;}
