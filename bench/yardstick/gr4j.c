/*
 * Yardstick for Freshet's GR4J benchmark: the same GR4J equations as
 * src/hydro/models/gr4j/run.ts, written in plain C and compiled with `cc -O2`.
 *
 * Usage: gr4j-yardstick FORCING.csv REPEATS X1 X2 X3 X4
 * Reads precip_mm and pet_mm from FORCING.csv (columns 2 and 3 after `date`), runs GR4J over
 * the whole series REPEATS times from the default initial state (stores at 30 % and 50 %), and
 * prints `ns_per_step=<best of 5 batches>` and `qsum=<sum of Qsim>` (a checksum to compare
 * with the TypeScript run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NH 20

static double s_curve1(int i, double x4) {
  if (i <= 0) return 0.0;
  if (i < x4) return pow(i / x4, 2.5);
  return 1.0;
}

static double s_curve2(int i, double x4) {
  if (i <= 0) return 0.0;
  if (i <= x4) return 0.5 * pow(i / x4, 2.5);
  if (i < 2.0 * x4) return 1.0 - 0.5 * pow(2.0 - i / x4, 2.5);
  return 1.0;
}

static double run(const double *P, const double *E, int n, const double *x, double *q) {
  const double x1 = x[0], x2 = x[1], x3 = x[2], x4 = x[3];
  const double split = (double)0.9f; /* the single-precision 0.9 of the reference model */
  double o1[NH], o2[2 * NH], u1[NH] = {0}, u2[2 * NH] = {0};
  for (int i = 0; i < NH; i++) o1[i] = s_curve1(i + 1, x4) - s_curve1(i, x4);
  for (int i = 0; i < 2 * NH; i++) o2[i] = s_curve2(i + 1, x4) - s_curve2(i, x4);
  int span1 = (int)(x4 + 1.0);
  if (span1 > NH - 1) span1 = NH - 1;
  if (span1 < 1) span1 = 1;
  int span2 = 2 * (int)(x4 + 1.0);
  if (span2 > 2 * NH - 1) span2 = 2 * NH - 1;
  if (span2 < 1) span2 = 1;
  double s = 0.3 * x1, r = 0.5 * x3, qsum = 0.0;
  for (int t = 0; t < n; t++) {
    double p = P[t], e = E[t], pr;
    if (p <= e) {
      double ws = (e - p) / x1;
      if (ws > 13.0) ws = 13.0;
      double ex = exp(2.0 * ws), tws = (ex - 1.0) / (ex + 1.0), sr = s / x1;
      s -= s * (2.0 - sr) * tws / (1.0 + (1.0 - sr) * tws);
      pr = 0.0;
    } else {
      double pn = p - e, ws = pn / x1;
      if (ws > 13.0) ws = 13.0;
      double ex = exp(2.0 * ws), tws = (ex - 1.0) / (ex + 1.0), sr = s / x1;
      double ps = x1 * (1.0 - sr * sr) * tws / (1.0 + sr * tws);
      s += ps;
      pr = pn - ps;
    }
    if (s < 0.0) s = 0.0;
    double k = s / x1;
    k = k * k;
    k = k * k;
    double perc = s * (1.0 - 1.0 / sqrt(sqrt(1.0 + k / 25.62890625)));
    s -= perc;
    pr += perc;
    double a = pr * split, b = pr * (1.0 - split);
    for (int i = 0; i < span1; i++) u1[i] = u1[i + 1] + o1[i] * a;
    u1[NH - 1] = o1[NH - 1] * a;
    for (int i = 0; i < span2; i++) u2[i] = u2[i + 1] + o2[i] * b;
    u2[2 * NH - 1] = o2[2 * NH - 1] * b;
    double rr = r / x3;
    double exch = x2 * rr * rr * rr * sqrt(rr);
    r += u1[0] + exch;
    if (r < 0.0) r = 0.0;
    double y = r / x3;
    y = y * y;
    y = y * y;
    double qr = r * (1.0 - 1.0 / sqrt(sqrt(1.0 + y)));
    r -= qr;
    double qd = u2[0] + exch;
    if (qd < 0.0) qd = 0.0;
    double qt = qr + qd;
    if (qt < 0.0) qt = 0.0;
    q[t] = qt;
    qsum += qt;
  }
  return qsum;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s FORCING.csv REPEATS X1 X2 X3 X4\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  int cap = 1 << 16, n = 0;
  double *P = malloc(cap * sizeof *P), *E = malloc(cap * sizeof *E);
  char line[512];
  if (!fgets(line, sizeof line, f)) return 2; /* header */
  while (fgets(line, sizeof line, f) && n < cap) {
    char *c1 = strchr(line, ',');
    if (!c1) continue;
    char *c2 = strchr(c1 + 1, ',');
    if (!c2) continue;
    P[n] = strtod(c1 + 1, NULL);
    E[n] = strtod(c2 + 1, NULL);
    n++;
  }
  fclose(f);
  int reps = atoi(argv[2]);
  double x[4] = {atof(argv[3]), atof(argv[4]), atof(argv[5]), atof(argv[6])};
  double *q = malloc(n * sizeof *q), best = 1e300, qsum = 0.0;
  for (int batch = 0; batch < 5; batch++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int k = 0; k < reps; k++) qsum = run(P, E, n, x, q);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / ((double)reps * n);
    if (ns < best) best = ns;
  }
  printf("steps=%d\nns_per_step=%.3f\nqsum=%.17g\n", n, best, qsum);
  return 0;
}
