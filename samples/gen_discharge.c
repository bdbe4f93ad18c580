/* Generator of the synthetic hospital-discharge sample: a regional (New England) discharge
 * extract of the kind a covered entity releases under an Expert Determination. Streaming and
 * deterministic: xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64, integer
 * arithmetic only (no libm), so a seed gives the same bytes on every platform and the
 * first N rows do not depend on --rows. Usage: gen_discharge [--seed S] [--rows N] [--out F] */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 100000000ULL /* patient ids are 8 digits: a permutation of 0..10^8-1 */
#define ID_SPACE 100000000ULL

/* ---- random numbers ---- */

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

/* Uniform in 0..n-1 without modulo bias: draws below 2^64 mod n are rejected. */
static uint64_t below(rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n, x;
    do
        x = next_u64(r);
    while (x < threshold);
    return x % n;
}

/* Index drawn with probability weights[i] / sum. */
static size_t pick(rng *r, const unsigned *weights, size_t n)
{
    uint64_t total = 0, x;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    x = below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

/* ---- the tables ---- */

static const char *const surnames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "O'Brien", "Murphy", "Sullivan",
    "Kelly", "Fitzgerald", "Silva", "Pereira", "Tran", "Chen", "Patel"};
static const char *const given_f[] = {
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Emily", "Olivia", "Emma",
    "Sophia", "Ava", "Isabella", "Mia", "Maria", "Dorothy", "Helen", "Ruth", "Anna", "Grace",
    "Chloe", "Rosa", "Mei", "Priya", "Fatima", "Claire", "Joan"};
static const char *const given_m[] = {
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Liam", "Noah", "Oliver", "Elijah", "Lucas", "Mason", "Ethan", "Jose",
    "Wei", "Mohammed", "Patrick", "Kevin", "Brian", "George", "Arjun", "Luis"};
static const char *const given_u[] = {"Alex", "Jordan", "Taylor", "Casey", "Morgan", "Riley",
                                      "Jamie", "Avery"};
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* 3-digit ZIP prefixes: New England, mostly Massachusetts, weighted roughly by population;
 * n_zips = how many 5-digit ZIPs are drawn in the prefix. The last 17 are the prefixes HIPAA
 * Safe Harbor restricts (20,000 people or fewer): a few out-of-area patients. */
typedef struct {
    const char *prefix;
    unsigned weight, n_zips;
} zip3;

static const zip3 zip3s[] = {
    {"010", 300, 40}, {"011", 120, 10}, {"012", 100, 45}, {"013", 60, 40},  {"014", 140, 30},
    {"015", 300, 50}, {"016", 220, 10}, {"017", 400, 60}, {"018", 550, 70}, {"019", 400, 50},
    {"020", 450, 70}, {"021", 1200, 99}, {"022", 500, 40}, {"023", 350, 80}, {"024", 300, 90},
    {"025", 150, 60}, {"026", 180, 70}, {"027", 350, 90}, {"028", 200, 40}, {"029", 220, 20},
    {"030", 140, 90}, {"031", 100, 10}, {"032", 60, 90},  {"033", 50, 50},  {"034", 30, 70},
    {"035", 20, 90},  {"037", 30, 90},  {"038", 80, 70},  {"039", 30, 10},  {"040", 50, 90},
    {"041", 30, 12},  {"060", 80, 90},  {"061", 60, 60},  {"062", 40, 80},  {"064", 40, 80},
    {"065", 30, 20},  {"066", 30, 15},  {"067", 20, 20},  {"068", 20, 80},  {"069", 10, 10},
    /* Safe Harbor's restricted prefixes */
    {"036", 12, 9},   {"059", 10, 9},   {"063", 10, 9},   {"102", 2, 5},    {"203", 2, 5},
    {"556", 2, 5},    {"692", 2, 5},    {"790", 2, 5},    {"821", 2, 5},    {"823", 2, 5},
    {"830", 2, 5},    {"831", 2, 5},    {"878", 2, 5},    {"879", 2, 5},    {"884", 2, 5},
    {"890", 2, 5},    {"893", 2, 5}};

/* Age at admission: bands (lo..hi, uniform within) weighted like US inpatient stays, where
 * newborns and people over 65 dominate; 90+ is there so Safe Harbor's age rule has work. */
typedef struct {
    unsigned lo, hi, weight;
} age_band;

static const age_band age_bands[] = {{0, 0, 80},    {1, 17, 50},   {18, 29, 70},  {30, 44, 130},
                                     {45, 54, 100}, {55, 64, 150}, {65, 74, 180}, {75, 84, 150},
                                     {85, 89, 55},  {90, 100, 35}};

/* Age groups that select the rows of the conditional tables below. */
enum { NEWBORN, CHILD, ADULT, MIDLIFE, SENIOR, N_GROUPS };

static int age_group(unsigned age)
{
    return age == 0 ? NEWBORN : age < 18 ? CHILD : age < 45 ? ADULT : age < 65 ? MIDLIFE : SENIOR;
}

/* ICD-10 chapters: "roman numeral + short title", the codes of
 * samples/hierarchy_icd10_chapter.csv. los_mean in tenths of a day; charges in dollars. */
enum {
    CH_INFECTIOUS = 0,
    CH_RESPIRATORY = 9,
    CH_PREGNANCY = 14,
    CH_PERINATAL = 15,
    CH_FACTORS = 20, /* for newborns: Z38, liveborn infant */
    CH_SPECIAL = 21, /* U07.1, COVID-19 */
    N_CHAPTERS = 22
};

typedef struct {
    const char *code;
    unsigned los_mean10, fixed_usd, per_day_usd;
    unsigned weight[N_GROUPS]; /* per age group, in tenths of a percent */
} chapter;

static const chapter chapters[N_CHAPTERS] = {
    {"I Infectious", 60, 9000, 3800, {10, 60, 60, 90, 120}},
    {"II Neoplasms", 60, 20000, 4200, {0, 20, 30, 70, 50}},
    {"III Blood", 40, 7000, 3200, {0, 20, 15, 15, 15}},
    {"IV Endocrine", 40, 7000, 3200, {0, 50, 50, 50, 40}},
    {"V Mental", 90, 5000, 1800, {0, 180, 120, 60, 20}},
    {"VI Nervous", 50, 9000, 3600, {0, 50, 20, 30, 30}},
    {"VII Eye", 20, 8000, 3000, {0, 5, 2, 2, 1}},
    {"VIII Ear", 20, 7000, 3000, {0, 5, 2, 2, 2}},
    {"IX Circulatory", 45, 25000, 4500, {0, 10, 40, 170, 220}},
    {"X Respiratory", 50, 9000, 3800, {20, 200, 50, 90, 140}},
    {"XI Digestive", 45, 12000, 3600, {0, 100, 100, 120, 90}},
    {"XII Skin", 45, 6000, 2800, {0, 40, 30, 30, 20}},
    {"XIII Musculoskeletal", 40, 30000, 4000, {0, 30, 40, 80, 60}},
    {"XIV Genitourinary", 40, 8000, 3200, {0, 40, 40, 40, 60}},
    {"XV Pregnancy", 25, 9000, 2500, {0, 80, 900, 15, 0}},
    {"XVI Perinatal", 60, 6000, 4000, {140, 0, 0, 0, 0}},
    {"XVII Congenital", 60, 15000, 4500, {20, 20, 3, 2, 0}},
    {"XVIII Symptoms", 30, 5000, 3000, {10, 50, 30, 30, 30}},
    {"XIX Injury", 50, 15000, 4000, {0, 100, 80, 60, 90}},
    {"XX External causes", 40, 8000, 3000, {0, 0, 0, 0, 0}}, /* never a principal diagnosis */
    {"XXI Health factors", 20, 2000, 1200, {800, 20, 10, 10, 10}},
    {"XXII Special purposes", 70, 12000, 4200, {0, 20, 20, 20, 30}}};

static const char *const payers[] = {"Medicare", "Medicaid", "Commercial", "Self-pay", "Other"};
static const unsigned payer_weight[N_GROUPS][5] = {
    {0, 45, 50, 2, 3},    /* newborns: the mother's plan */
    {0, 45, 50, 2, 3},    /* children */
    {4, 28, 56, 8, 4},    /* 18-44: Medicare only on disability */
    {8, 20, 62, 6, 4},    /* 45-64 */
    {88, 3, 6, 1, 2}};    /* 65+: Medicare */

static const char *const statuses[] = {"Home", "Home health", "SNF", "Transferred", "Expired",
                                       "AMA"};
static const unsigned status_weight[N_GROUPS][6] = {
    {960, 10, 0, 25, 3, 2},
    {930, 30, 2, 30, 3, 5},
    {830, 60, 20, 40, 10, 40},
    {700, 140, 70, 45, 20, 25},
    {480, 220, 210, 40, 30, 5}};

/* ---- dates as day numbers (days since 1970-01-01, Hinnant's civil algorithms) ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The day number of y-m-d, with 29 February read as 28 February in common years. */
static int64_t anniversary(int y, unsigned m, unsigned d)
{
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        d = 28;
    return days_from_civil(y, m, d);
}

/* ---- output: one large buffer, numbers formatted by hand for speed ---- */

typedef struct {
    FILE *file;
    char buf[1 << 20];
    size_t len;
    int failed;
} writer;

static void flush(writer *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->file) != w->len)
        w->failed = 1;
    w->len = 0;
}

static void put_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void put_char(writer *w, char c)
{
    w->buf[w->len++] = c;
}

/* Unsigned decimal, zero-padded to width digits. */
static void put_uint(writer *w, uint64_t v, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        digits[n++] = '0';
    while (n)
        w->buf[w->len++] = digits[--n];
}

static void put_date(writer *w, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    put_uint(w, (uint64_t)y, 4);
    put_char(w, '-');
    put_uint(w, m, 2);
    put_char(w, '-');
    put_uint(w, d, 2);
}

/* ---- one record ---- */

/* patient_id: a keyed permutation of 0..10^8-1 (a 4-round Feistel network on 28 bits,
 * cycle-walking back into range), so ids are unique for up to 10^8 rows, follow no visible
 * pattern and change with the seed. */
#define ID_HALF_BITS 14
#define ID_HALF_MASK ((1ULL << ID_HALF_BITS) - 1)

static uint64_t patient_id(uint64_t row, const uint64_t *keys)
{
    uint64_t x = row;
    do {
        uint64_t left = x >> ID_HALF_BITS, right = x & ID_HALF_MASK;
        for (int round = 0; round < 4; round++) {
            uint64_t mixed = (right + 1) * keys[round];
            uint64_t next = left ^ ((mixed ^ (mixed >> 29)) & ID_HALF_MASK);
            left = right;
            right = next;
        }
        x = (left << ID_HALF_BITS) | right;
    } while (x >= ID_SPACE);
    return x;
}

static void write_header(writer *w)
{
    put_str(w, "patient_id,name,zip,birth_date,sex,admission_date,length_of_stay,icd10_chapter,"
               "payer,charges,discharge_status\n");
}

/* The generator's state: the random stream, the id permutation's keys, and the weights of
 * the tables whose weights sit inside structs (pick() wants a plain array). */
typedef struct {
    rng r;
    uint64_t keys[4];
    unsigned zip_weights[COUNT(zip3s)], age_weights[COUNT(age_bands)];
} generator;

static void generator_init(generator *g, uint64_t seed)
{
    rng_seed(&g->r, seed);
    for (int k = 0; k < 4; k++)
        g->keys[k] = next_u64(&g->r) | 1;
    for (size_t i = 0; i < COUNT(zip3s); i++)
        g->zip_weights[i] = zip3s[i].weight;
    for (size_t i = 0; i < COUNT(age_bands); i++)
        g->age_weights[i] = age_bands[i].weight;
}

static void write_record(writer *w, generator *g, uint64_t row)
{
    rng *r = &g->r;
    unsigned weights[N_CHAPTERS];
    const int64_t first_day = days_from_civil(2023, 1, 1), last_day = days_from_civil(2025, 12, 31);
    int64_t admitted, born, upper, lower;
    int y, age_grp;
    unsigned m, d, age, los, cont, permille;
    const age_band *band;
    const zip3 *z;
    const chapter *ch;
    char sex;
    size_t c;
    uint64_t cents;

    /* Admission first: the season shifts the diagnosis mix. */
    admitted = first_day + (int64_t)below(r, (uint64_t)(last_day - first_day + 1));
    civil_from_days(admitted, &y, &m, &d);
    band = &age_bands[pick(r, g->age_weights, COUNT(age_bands))];
    age = band->lo + (unsigned)below(r, band->hi - band->lo + 1);
    age_grp = age_group(age);
    {
        uint64_t s = below(r, 1000);
        sex = s < 520 ? 'F' : s < 999 ? 'M' : 'U';
    }
    for (c = 0; c < N_CHAPTERS; c++)
        weights[c] = chapters[c].weight[age_grp];
    /* Pregnancy only for women of 15 to 50; respiratory and COVID-19 (U07.1, chapter XXII)
     * peak from December to February. */
    if (sex != 'F' || age < 15 || age > 50)
        weights[CH_PREGNANCY] = 0;
    if (m == 12 || m <= 2) {
        weights[CH_RESPIRATORY] = weights[CH_RESPIRATORY] * 16 / 10;
        weights[CH_SPECIAL] = weights[CH_SPECIAL] * 18 / 10;
    }
    c = pick(r, weights, N_CHAPTERS);
    ch = &chapters[c];

    /* Birth date: the age is exact at admission (born after the same date age + 1 years
     * earlier, on or before it age years earlier); babies born in the stay are born on the
     * admission day. */
    upper = anniversary(y - (int)age, m, d);
    lower = anniversary(y - (int)age - 1, m, d);
    if (age == 0 && (c == CH_PERINATAL || c == CH_FACTORS))
        born = admitted;
    else
        born = upper - (int64_t)below(r, (uint64_t)(upper - lower));

    /* Length of stay: geometric, continuing each day with probability 1 - 1/mean; a
     * fifth longer from 75. Capped at 60. */
    cont = 1000 - 10000 / ch->los_mean10;
    if (age >= 75)
        cont = 1000 - (1000 - cont) * 10 / 12;
    for (los = 1; los < 60 && below(r, 1000) < cont; los++)
        ;

    /* Charges: a fixed part for the admission and a daily part, times a noise factor of
     * 0.55..1.45 (sum of three uniforms), and 1 stay in 25 with complications (+0..200%). */
    permille = 550 + (unsigned)(below(r, 301) + below(r, 301) + below(r, 301));
    if (below(r, 25) == 0)
        permille += (unsigned)below(r, 2001);
    cents = ((uint64_t)ch->fixed_usd + (uint64_t)ch->per_day_usd * los) * 100 * permille / 1000;
    cents += below(r, 100);

    put_char(w, 'P');
    put_uint(w, patient_id(row, g->keys), 8);
    put_str(w, ",\"");
    put_str(w, surnames[below(r, COUNT(surnames))]);
    put_str(w, ", ");
    if (sex == 'F')
        put_str(w, given_f[below(r, COUNT(given_f))]);
    else if (sex == 'M')
        put_str(w, given_m[below(r, COUNT(given_m))]);
    else
        put_str(w, given_u[below(r, COUNT(given_u))]);
    put_str(w, "\",");
    z = &zip3s[pick(r, g->zip_weights, COUNT(zip3s))];
    put_str(w, z->prefix);
    /* ZIPs skewed to the low numbers of a prefix (min of two uniform draws). */
    {
        uint64_t a = below(r, z->n_zips), b = below(r, z->n_zips);
        put_uint(w, 1 + (a < b ? a : b), 2);
    }
    put_char(w, ',');
    put_date(w, born);
    put_char(w, ',');
    put_char(w, sex);
    put_char(w, ',');
    put_date(w, admitted);
    put_char(w, ',');
    put_uint(w, los, 0);
    put_char(w, ',');
    put_str(w, ch->code);
    put_char(w, ',');
    put_str(w, payers[pick(r, payer_weight[age_grp], 5)]);
    put_char(w, ',');
    put_uint(w, cents / 100, 0);
    put_char(w, '.');
    put_uint(w, cents % 100, 2);
    put_char(w, ',');
    {
        unsigned sw[6];
        memcpy(sw, status_weight[age_grp], sizeof sw);
        /* Sepsis and COVID-19 stays end in death more often. */
        if (c == CH_INFECTIOUS || c == CH_SPECIAL)
            sw[4] *= 3;
        put_str(w, statuses[pick(r, sw, 6)]);
    }
    put_char(w, '\n');
}

/* ---- command line ---- */

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: gen_discharge [--seed S] [--rows N] [--out FILE]\n"
          "  --seed S    random seed, 0..2^64-1 (default 42)\n"
          "  --rows N    number of records, 0..100000000 (default 5000)\n"
          "  --out FILE  write there instead of stdout\n",
          f);
}

int main(int argc, char **argv)
{
    static writer w;
    static generator g;
    uint64_t seed = 42, rows = 5000;
    const char *out_path = NULL;
    /* Every option but --help takes a value: options come in pairs. */
    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(opt, "--seed")) {
            if (parse_u64(val, UINT64_MAX, &seed) < 0) {
                fprintf(stderr, "gen_discharge: --seed needs an integer 0..2^64-1\n");
                return 2;
            }
        } else if (!strcmp(opt, "--rows")) {
            if (parse_u64(val, MAX_ROWS, &rows) < 0) {
                fprintf(stderr, "gen_discharge: --rows needs an integer 0..%llu\n", MAX_ROWS);
                return 2;
            }
        } else if (!strcmp(opt, "--out")) {
            if (!val || !*val) {
                fprintf(stderr, "gen_discharge: --out needs a file name\n");
                return 2;
            }
            out_path = val;
        } else {
            fprintf(stderr, "gen_discharge: unknown option '%s'\n", opt);
            usage(stderr);
            return 2;
        }
    }
    w.file = out_path ? fopen(out_path, "wb") : stdout;
    if (!w.file) {
        fprintf(stderr, "gen_discharge: %s: %s\n", out_path, strerror(errno));
        return 1;
    }
    generator_init(&g, seed);
    write_header(&w);
    for (uint64_t row = 0; row < rows && !w.failed; row++) {
        /* A record is well under 512 bytes, so flushing at that margin never overflows. */
        if (w.len > sizeof w.buf - 512)
            flush(&w);
        write_record(&w, &g, row);
    }
    flush(&w);
    if (w.failed || fflush(w.file) != 0 || (out_path && fclose(w.file) != 0)) {
        fprintf(stderr, "gen_discharge: %s: write failed\n", out_path ? out_path : "stdout");
        return 1;
    }
    return 0;
}
