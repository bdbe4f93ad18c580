/* Population uniqueness from the sample's frequencies of frequencies: Pitman's model fitted by
 * maximum likelihood (Hoshino 2001), Zayatz (1991), the shifted negative binomial model (Chen &
 * Keller-McNulty 1998) with Shlosser's estimate of the non-empty population classes (Haas &
 * Stokes 1998), and the rule of Dankar et al. (2012) that picks one by sampling fraction.
 * Follows ARX (org.deidentifier.arx.risk) where ARX follows the papers; see the SNB notes. */
#include "population.h"

#include <assert.h>
#include <float.h>
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

/* Newton-Raphson stops when the full step moves every unknown by less than this, relative. */
#define STEP_TOL 1e-12
/* A step this small that no longer lowers the residual is at the rounding floor: accept it. */
#define FLOOR_TOL 1e-8
#define MAX_ITERATIONS 300
#define MAX_HALVINGS 30
#define LN2 0.693147180559945309417232121458

static const char NO_START[] = "no valid starting point";

/* What every estimator needs from the table. */
typedef struct {
    const edra_freqfreq *ff;
    double n;       /* records in the sample */
    double u;       /* classes in the sample */
    double c1, c2;  /* classes of size 1 and 2 */
    double N;       /* population */
    double f;       /* sampling fraction n / N */
} table;

/* One evaluation of a 2x2 system: residuals g and Jacobian J (J[i][j] = dg_i / dx_j).
 * Returns 0, or -1 when x is outside the model's domain or a value is not finite. */
typedef int (*system_fn)(const void *ctx, const double x[2], double g[2], double J[2][2]);

static edra_popest failed(const char *why)
{
    edra_popest e = { 0, NAN, NAN, why };
    return e;
}

static edra_popest estimate(double uniques, double population)
{
    /* Zayatz on an all-unique sample is exactly N, which rounding may overshoot. */
    if (uniques > population && uniques <= population * (1.0 + 1e-12))
        uniques = population;
    if (!isfinite(uniques) || uniques < 0.0 || uniques > population)
        return failed("estimate outside [0, N]");
    edra_popest e = { 1, uniques, uniques / population, NULL };
    return e;
}

/* Reads the table; returns a static reason when the estimators cannot run on it. */
static const char *table_read(table *tb, const edra_freqfreq *ff, double population)
{
    assert(ff != NULL);
    tb->ff = ff;
    tb->n = tb->u = tb->c1 = tb->c2 = 0.0;
    tb->N = population;
    tb->f = NAN;
    if (ff->n_sizes == 0)
        return "empty class-size table";
    assert(ff->size != NULL && ff->classes != NULL);
    for (size_t i = 0; i < ff->n_sizes; i++) {
        assert(ff->size[i] > 0 && ff->classes[i] > 0);
        assert(i == 0 || ff->size[i] > ff->size[i - 1]);
        tb->n += (double)ff->size[i] * (double)ff->classes[i];
        tb->u += (double)ff->classes[i];
        if (ff->size[i] == 1)
            tb->c1 = (double)ff->classes[i];
        else if (ff->size[i] == 2)
            tb->c2 = (double)ff->classes[i];
    }
    if (!(population >= tb->n) || !isfinite(population))
        return "population smaller than sample";
    tb->f = tb->n / population;
    return NULL;
}

static int psi(double x, double *out)
{
    gsl_sf_result r;
    if (gsl_sf_psi_e(x, &r) != GSL_SUCCESS || !isfinite(r.val))
        return -1;
    *out = r.val;
    return 0;
}

static int psi1(double x, double *out)
{
    gsl_sf_result r;
    if (gsl_sf_psi_1_e(x, &r) != GSL_SUCCESS || !isfinite(r.val))
        return -1;
    *out = r.val;
    return 0;
}

static double residual_norm(const double g[2])
{
    return fabs(g[0]) + fabs(g[1]);
}

/* Damped Newton-Raphson on a 2x2 system from x (updated in place). Steps are measured
 * relative to max(|x|, unit); unit = 1 makes the test absolute near zero. Full steps are
 * plain Newton, as ARX takes; a step is halved only when it leaves the domain or raises the
 * residual, which keeps the iteration inside the model instead of restarting at random.
 * Returns NULL on convergence, else a static reason. */
static const char *newton2(system_fn fn, const void *ctx, double x[2], double unit)
{
    double g[2], J[2][2];
    if (fn(ctx, x, g, J) != 0)
        return NO_START;
    for (int it = 0; it < MAX_ITERATIONS; it++) {
        double det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        if (det == 0.0 || !isfinite(det))
            return "singular Jacobian";
        double step[2] = {
            -(J[1][1] * g[0] - J[0][1] * g[1]) / det,
            -(J[0][0] * g[1] - J[1][0] * g[0]) / det,
        };
        double rel = fmax(fabs(step[0]) / fmax(fabs(x[0]), unit),
                          fabs(step[1]) / fmax(fabs(x[1]), unit));
        if (rel <= STEP_TOL) {
            x[0] += step[0];
            x[1] += step[1];
            return NULL;
        }
        double norm = residual_norm(g), lambda = 1.0;
        int moved = 0;
        for (int h = 0; h < MAX_HALVINGS; h++, lambda *= 0.5) {
            double trial[2] = { x[0] + lambda * step[0], x[1] + lambda * step[1] };
            double tg[2], tJ[2][2];
            if (fn(ctx, trial, tg, tJ) == 0 && residual_norm(tg) < norm) {
                x[0] = trial[0];
                x[1] = trial[1];
                g[0] = tg[0];
                g[1] = tg[1];
                J[0][0] = tJ[0][0];
                J[0][1] = tJ[0][1];
                J[1][0] = tJ[1][0];
                J[1][1] = tJ[1][1];
                moved = 1;
                break;
            }
        }
        if (!moved)
            return rel <= FLOOR_TOL ? NULL : "did not converge";
    }
    return "did not converge";
}

/* ---- Pitman ------------------------------------------------------------------------- */

/* Hoshino's likelihood equations for theta (x[0]) and alpha (x[1]):
 *   g1 = sum_{i<u} 1/(t+i a) - sum_{i<n} 1/(t+i)
 *   g2 = sum_{i<u} i/(t+i a) - sum_k c_k sum_{j<k} 1/(j-a).
 * Closed forms with digamma/trigamma cost O(sizes) per evaluation. ARX keeps theta >= 0. */
static int pitman_closed(const void *ctx, const double x[2], double g[2], double J[2][2])
{
    const table *tb = ctx;
    double t = x[0], a = x[1];
    if (!(t > 0.0) || !(a > 0.0) || !(a < 1.0) || !isfinite(t))
        return -1;
    double r = t / a, p_r1, p_ru, q_r1, q_ru, p_tn, p_t1, q_tn, q_t1, p_1a, q_1a;
    if (psi(r + 1.0, &p_r1) || psi(r + tb->u, &p_ru) || psi1(r + 1.0, &q_r1) ||
        psi1(r + tb->u, &q_ru) || psi(t + tb->n, &p_tn) || psi(t + 1.0, &p_t1) ||
        psi1(t + tb->n, &q_tn) || psi1(t + 1.0, &q_t1) || psi(1.0 - a, &p_1a) ||
        psi1(1.0 - a, &q_1a))
        return -1;
    double s1 = (p_ru - p_r1) / a;             /* sum 1/(t+ia) */
    double s2 = (q_r1 - q_ru) / (a * a);       /* sum 1/(t+ia)^2 */
    double t1 = p_tn - p_t1;                   /* sum_{i<n} 1/(t+i) */
    double t2 = q_t1 - q_tn;                   /* sum_{i<n} 1/(t+i)^2 */
    double si1 = ((tb->u - 1.0) - t * s1) / a; /* sum i/(t+ia) */
    double si2 = (s1 - t * s2) / a;            /* sum i/(t+ia)^2 */
    double sii2 = ((tb->u - 1.0) - 2.0 * t * s1 + t * t * s2) / (a * a); /* sum i^2/(t+ia)^2 */
    double c1sum = 0.0, c2sum = 0.0;
    const edra_freqfreq *ff = tb->ff;
    for (size_t i = 0; i < ff->n_sizes; i++) {
        double k = (double)ff->size[i], cnt = (double)ff->classes[i], pk, qk;
        if (ff->size[i] == 1)
            continue;
        if (psi(k - a, &pk) || psi1(k - a, &qk))
            return -1;
        c1sum += cnt * (pk - p_1a); /* sum_{j<k} 1/(j-a) */
        c2sum += cnt * (q_1a - qk); /* sum_{j<k} 1/(j-a)^2 */
    }
    g[0] = s1 - t1;
    g[1] = si1 - c1sum;
    J[0][0] = t2 - s2;
    J[0][1] = -si2;
    J[1][0] = -si2;
    J[1][1] = -sii2 - c2sum;
    if (!isfinite(g[0]) || !isfinite(g[1]) || !isfinite(J[0][0]) || !isfinite(J[0][1]) ||
        !isfinite(J[1][1]))
        return -1;
    return 0;
}

/* Neumaier's compensated sum: the summed Pitman equations add up to n terms, and plain
 * summation would leave an error in the root larger than the closed forms'. */
typedef struct {
    double sum, carry;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->sum + x;
    if (fabs(k->sum) >= fabs(x))
        k->carry += (k->sum - t) + x;
    else
        k->carry += (x - t) + k->sum;
    k->sum = t;
}

static double ksum_value(const ksum *k)
{
    return k->sum + k->carry;
}

/* The same equations summed term by term: O(n) per evaluation but free of cancellation.
 * The residuals are summed compensated; the Jacobian only steers and is summed plainly. */
static int pitman_direct(const void *ctx, const double x[2], double g[2], double J[2][2])
{
    const table *tb = ctx;
    double t = x[0], a = x[1];
    if (!(t > 0.0) || !(a > 0.0) || !(a < 1.0) || !isfinite(t))
        return -1;
    ksum s1 = { 0, 0 }, si1 = { 0, 0 }, t1 = { 0, 0 }, c1sum = { 0, 0 }, h1 = { 0, 0 };
    double s2 = 0, si2 = 0, sii2 = 0, t2 = 0;
    for (double i = 1.0; i < tb->u; i += 1.0) {
        double inv = 1.0 / (t + i * a), inv2 = inv * inv;
        ksum_add(&s1, inv);
        ksum_add(&si1, i * inv);
        s2 += inv2;
        si2 += i * inv2;
        sii2 += i * i * inv2;
    }
    for (double i = 1.0; i < tb->n; i += 1.0) {
        double inv = 1.0 / (t + i);
        ksum_add(&t1, inv);
        t2 += inv * inv;
    }
    /* Sizes ascend, so the inner sums over j < k accumulate across sizes. */
    double h2 = 0, c2sum = 0, j = 1.0;
    const edra_freqfreq *ff = tb->ff;
    for (size_t i = 0; i < ff->n_sizes; i++) {
        double k = (double)ff->size[i];
        for (; j < k; j += 1.0) {
            double inv = 1.0 / (j - a);
            ksum_add(&h1, inv);
            h2 += inv * inv;
        }
        ksum_add(&c1sum, (double)ff->classes[i] * ksum_value(&h1));
        c2sum += (double)ff->classes[i] * h2;
    }
    g[0] = ksum_value(&s1) - ksum_value(&t1);
    g[1] = ksum_value(&si1) - ksum_value(&c1sum);
    J[0][0] = t2 - s2;
    J[0][1] = -si2;
    J[1][0] = -si2;
    J[1][1] = -sii2 - c2sum;
    if (!isfinite(g[0]) || !isfinite(g[1]) || !isfinite(J[0][0]) || !isfinite(J[0][1]) ||
        !isfinite(J[1][1]))
        return -1;
    return 0;
}

/* Solves from one start. The closed forms find the root cheaply; a few summed Newton steps
 * from there remove what cancellation left in it (ARX instead checks the closed-form root
 * against the sums). When the closed forms fail, the sums solve from the start; that costs
 * O(n) per step, so *sums_left allows it once per estimate. */
static const char *pitman_solve(const table *tb, const double start[2], double x[2],
                                int *sums_left)
{
    x[0] = start[0];
    x[1] = start[1];
    const char *why = newton2(pitman_closed, tb, x, DBL_MIN);
    if (why == NO_START)
        return why; /* same domain for the sums */
    if (!why && !newton2(pitman_direct, tb, x, DBL_MIN))
        return NULL;
    if (!*sums_left)
        return why ? why : "did not converge";
    *sums_left = 0;
    x[0] = start[0];
    x[1] = start[1];
    return newton2(pitman_direct, tb, x, DBL_MIN);
}

edra_popest edra_population_pitman(const edra_freqfreq *ff, double population)
{
    table tb;
    const char *why = table_read(&tb, ff, population);
    if (why)
        return failed(why);
    if (tb.c1 == 0.0)
        return estimate(0.0, tb.N);
    if (tb.u < 2.0)
        return failed("needs two classes or more");

    /* ARX's moment-style starting point (c2 = 0 taken as 1), then fixed fallbacks where ARX
     * would restart at random: the same data always give the same answer. */
    double n = tb.n, u = tb.u, c1 = tb.c1, c2 = tb.c2 != 0.0 ? tb.c2 : 1.0;
    double c = c1 * (c1 - 1.0) / c2;
    double t0 = (n * u * c - c1 * (n - 1.0) * (2.0 * u + c)) / (2.0 * c1 * u + c1 * c - n * c);
    double a0 = (t0 * (c1 - n) + (n - 1.0) * c1) / (n * u);
    const double starts[][2] = { { t0, a0 }, { 1.0, 0.5 }, { 10.0, 0.5 },
                                 { 100.0, 0.5 }, { 1.0, 0.1 }, { 1.0, 0.9 } };
    double x[2] = { NAN, NAN };
    int sums_left = 1;
    why = NO_START;
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        if (!isfinite(starts[s][0]) || !isfinite(starts[s][1]))
            continue;
        const char *w = pitman_solve(&tb, starts[s], x, &sums_left);
        if (!w) {
            why = NULL;
            break;
        }
        if (why == NO_START)
            why = w; /* report the first start that could be evaluated */
    }
    if (why)
        return failed(why);

    /* Expected population uniques Gamma(t+1)/Gamma(t+a) N^a, in logs so large N is safe;
     * the gamma ratio is a Pochhammer symbol, which GSL evaluates without subtracting two
     * large log-gammas. */
    gsl_sf_result lp;
    double t = x[0], a = x[1];
    if (gsl_sf_lnpoch_e(t + a, 1.0 - a, &lp) != GSL_SUCCESS || !isfinite(lp.val))
        return failed("estimate not computable");
    return estimate(exp(a * log(tb.N) + lp.val), tb.N);
}

/* ---- Zayatz ------------------------------------------------------------------------- */

edra_popest edra_population_zayatz(const edra_freqfreq *ff, double population)
{
    table tb;
    const char *why = table_read(&tb, ff, population);
    if (why)
        return failed(why);
    if (tb.c1 == 0.0)
        return estimate(0.0, tb.N);

    /* uniques = c1 * P(unique in population | unique in sample) / f, where the conditional
     * probability is c1 P_1(1) / sum_k c_k P_k(1) and P_k(1) is the hypergeometric chance
     * that a population class of size k shows up once in a sample of n from N. Only the
     * ratio P_k(1)/P_1(1) = k prod_{j=1}^{k-1} (N-n-j+1)/(N-j) matters; summed as logs it
     * never forms the huge binomials (ARX's caps N at 2^31-1 instead). */
    const edra_freqfreq *f = tb.ff;
    double sum = 0.0, logprod = 0.0, j = 1.0;
    for (size_t i = 0; i < f->n_sizes; i++) {
        double k = (double)f->size[i];
        for (; j < k && logprod > -INFINITY; j += 1.0) {
            double q = (tb.n - 1.0) / (tb.N - j);
            logprod = q >= 1.0 ? -INFINITY : logprod + log1p(-q);
        }
        if (logprod == -INFINITY)
            break; /* larger classes cannot appear exactly once */
        sum += (double)f->classes[i] * exp(log(k) + logprod);
    }
    return estimate(tb.c1 * tb.c1 / (tb.f * sum), tb.N);
}

/* ---- SNB ---------------------------------------------------------------------------- */

typedef struct {
    double K, f, c1, c2;
} snb_ctx;

/* Shlosser's estimate of the non-empty population classes, in the form Haas & Stokes
 * (1998) give and ARX cites:
 *   K = u + c1 * [sum i f^2 (1-f^2)^(i-1) n_i / sum (1-f)^i ((1+f)^i - 1) n_i]
 *             * [sum (1-f)^i n_i / sum i f (1-f)^(i-1) n_i]^2.
 * (ARX subtracts the 1 once per size instead of once per class, and its SNB second
 * equation multiplies by (1-x)^(a+2) where the model divides; edra follows the papers.) */
static double shlosser(const table *tb)
{
    double f = tb->f, num1 = 0, den1 = 0, num2 = 0, den2 = 0;
    const edra_freqfreq *ff = tb->ff;
    for (size_t s = 0; s < ff->n_sizes; s++) {
        double i = (double)ff->size[s], cnt = (double)ff->classes[s];
        double p1f = pow(1.0 - f, i);
        num1 += i * f * f * pow(1.0 - f * f, i - 1.0) * cnt;
        den1 += p1f * expm1(i * log1p(f)) * cnt;
        num2 += p1f * cnt;
        den2 += i * f * pow(1.0 - f, i - 1.0) * cnt;
    }
    if (num2 == 0.0 || den1 == 0.0 || den2 == 0.0)
        return tb->u; /* census: every population class is in the sample */
    double r = num2 / den2;
    return tb->u + tb->c1 * (num1 / den1) * r * r;
}

/* SNB: population class sizes are 1 + NegBin(alpha, beta), the sample keeps each record
 * with probability f. With x = (1-f)(1-beta), y = 1 - x, the expected classes of size 1
 * and 2 in the sample are
 *   E1 = K f (beta/y)^alpha (1 + alpha x / y)
 *   E2 = K alpha f^2 (1-beta) beta^alpha (2 - (1-alpha) x) / (2 y^(alpha+2)).
 * Solved as log E1 = log c1, log E2 = log c2 in p = log alpha, q = logit beta, which keeps
 * both parameters in their domain and the equations of similar scale. */
static int snb_system(const void *vctx, const double v[2], double g[2], double J[2][2])
{
    const snb_ctx *c = vctx;
    double p = v[0], q = v[1];
    if (!isfinite(p) || !isfinite(q) || p > 700.0 || p < -700.0)
        return -1;
    double a = exp(p);
    double b = 1.0 / (1.0 + exp(-q));
    double omb = 1.0 / (1.0 + exp(q)); /* 1 - beta without cancellation */
    double f = c->f, omf = 1.0 - f;
    if (!(b > 0.0) || !(omb > 0.0))
        return -1;
    double x = omf * omb, y = f + b * omf; /* y = 1 - x */
    double lb = log(b), ly = log(y);
    double w = y + a * x;                  /* y (1 + a x / y) */
    double z = 2.0 - (1.0 - a) * x;
    g[0] = log(c->K) + log(f) + a * (lb - ly) + log(w) - ly - log(c->c1);
    g[1] = log(c->K) + p + 2.0 * log(f) + log(omb) + a * lb + log(z) - LN2 -
           (a + 2.0) * ly - log(c->c2);
    /* Derivatives in (alpha, beta); dx/dbeta = -(1-f), dy/dbeta = 1-f. */
    double d1a = lb - ly + x / w;
    double d1b = a / b - a * omf / y + (omf - a * omf) / w - omf / y;
    double d2a = 1.0 / a + lb + x / z - ly;
    double d2b = -1.0 / omb + a / b + (1.0 - a) * omf / z - (a + 2.0) * omf / y;
    /* Chain rule to (p, q): dalpha/dp = alpha, dbeta/dq = beta (1 - beta). */
    J[0][0] = d1a * a;
    J[0][1] = d1b * b * omb;
    J[1][0] = d2a * a;
    J[1][1] = d2b * b * omb;
    if (!isfinite(g[0]) || !isfinite(g[1]) || !isfinite(J[0][0]) || !isfinite(J[0][1]) ||
        !isfinite(J[1][0]) || !isfinite(J[1][1]))
        return -1;
    return 0;
}

edra_popest edra_population_snb(const edra_freqfreq *ff, double population)
{
    table tb;
    const char *why = table_read(&tb, ff, population);
    if (why)
        return failed(why);
    if (tb.c1 == 0.0)
        return estimate(0.0, tb.N);
    if (tb.c2 == 0.0)
        return failed("no classes of size 2");

    snb_ctx c = { shlosser(&tb), tb.f, tb.c1, tb.c2 };
    if (!isfinite(c.K) || !(c.K > 0.0))
        return failed("class count not estimable");
    /* Fixed starts over alpha in {1, 0.1, 10} and beta in {0.5, 0.1, 0.9}. */
    const double starts[][2] = { { 0.0, 0.0 }, { log(0.1), 0.0 }, { log(10.0), 0.0 },
                                 { 0.0, -2.1972245773362196 }, { 0.0, 2.1972245773362196 },
                                 { log(0.1), -2.1972245773362196 } };
    double v[2] = { NAN, NAN };
    why = NO_START;
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        v[0] = starts[s][0];
        v[1] = starts[s][1];
        const char *w = newton2(snb_system, &c, v, 1.0);
        if (!w) {
            why = NULL;
            break;
        }
        if (why == NO_START)
            why = w; /* report the first start that could be evaluated */
    }
    if (why)
        return failed(why);
    double a = exp(v[0]);
    double lb = -log1p(exp(-v[1])); /* log beta */
    /* Population uniques are the classes whose size is 1: K P(NegBin = 0) = K beta^alpha. */
    return estimate(c.K * exp(a * lb), tb.N);
}

/* ---- Dankar ------------------------------------------------------------------------- */

int edra_population_estimate(edra_population_figures *out, const edra_freqfreq *ff,
                             double population, edra_error *err)
{
    assert(out != NULL && ff != NULL);
    edra_popest none = failed("not computed");
    out->population = population;
    out->sampling_fraction = NAN;
    out->pitman = out->zayatz = out->snb = none;
    out->dankar_choice = EDRA_POPMODEL_NONE;
    out->dankar_fraction = NAN;

    table tb;
    const char *why = table_read(&tb, ff, population);
    if (ff->n_sizes == 0)
        return edra_error_set(err, EDRA_ERANGE,
                              "population uniqueness: the class-size table is empty");
    if (why && !isfinite(population))
        return edra_error_set(err, EDRA_ERANGE,
                              "population size %g is not a finite number", population);
    if (why)
        return edra_error_set(err, EDRA_ERANGE,
                              "population size %.17g is smaller than the sample (%.0f records)",
                              population, tb.n);
    out->sampling_fraction = tb.f;
    out->pitman = edra_population_pitman(ff, population);
    out->zayatz = edra_population_zayatz(ff, population);
    out->snb = edra_population_snb(ff, population);

    /* Dankar et al. 2012: Pitman for small samples, otherwise the smaller of Zayatz and SNB
     * (ties go to SNB, as in ARX); Zayatz whenever the preferred model fails. */
    if (tb.f <= 0.1) {
        if (out->pitman.ok)
            out->dankar_choice = EDRA_POPMODEL_PITMAN;
        else if (out->zayatz.ok)
            out->dankar_choice = EDRA_POPMODEL_ZAYATZ;
    } else if (out->snb.ok) {
        out->dankar_choice = out->zayatz.ok && out->zayatz.uniques < out->snb.uniques
                                 ? EDRA_POPMODEL_ZAYATZ
                                 : EDRA_POPMODEL_SNB;
    } else if (out->zayatz.ok) {
        out->dankar_choice = EDRA_POPMODEL_ZAYATZ;
    }
    switch (out->dankar_choice) {
    case EDRA_POPMODEL_PITMAN:
        out->dankar_fraction = out->pitman.fraction;
        break;
    case EDRA_POPMODEL_ZAYATZ:
        out->dankar_fraction = out->zayatz.fraction;
        break;
    case EDRA_POPMODEL_SNB:
        out->dankar_fraction = out->snb.fraction;
        break;
    case EDRA_POPMODEL_NONE:
        break;
    }
    return 0;
}

const char *edra_popmodel_name(edra_popmodel m)
{
    switch (m) {
    case EDRA_POPMODEL_PITMAN:
        return "Pitman";
    case EDRA_POPMODEL_ZAYATZ:
        return "Zayatz";
    case EDRA_POPMODEL_SNB:
        return "SNB";
    case EDRA_POPMODEL_NONE:
        break;
    }
    return "none";
}
