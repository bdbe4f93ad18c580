/* A hand-worked microdata fixture shared by the classes, risk and assessment tests.
 *
 *   tuple  age  sex  disease  count
 *   t0     20   M    flu      2
 *   t1     21   M    cold     1
 *   t2     30   F    flu      1
 *   t3     31   F    cancer   3
 *   t4     20   F    flu      1          8 records
 *
 * age hierarchy: 20,21 -> 20-29; 30,31 -> 30-39; then *.   sex: M,F -> *.
 * disease codes: flu 0, cold 1, cancer 2. Input distribution q = (4/8, 1/8, 3/8).
 *
 * Classes by levels (age, sex):
 *   (0,0): sizes 2,1,1,3,1  (5 classes, k 1, 3 sample uniques)
 *   (1,0): {t0,t1} 3, {t2,t3} 4, {t4} 1
 *   (1,1): {t0,t1,t4} 4, {t2,t3} 4
 *   (2,1): one class of 8 */
#ifndef TINY_FIXTURE_H
#define TINY_FIXTURE_H

#include "metrics/hierarchy.h"
#include "metrics/microdata.h"

typedef struct {
    edra_hierarchy *age, *sex;
    /* Three code widths and one-byte counts, as the loader may store them: every consumer
     * reads each width. */
    uint8_t age_codes[5];
    uint16_t sex_codes[5];
    uint32_t sa_codes[5];
    uint8_t counts[5];
    edra_code_col qi_codes[2];
    const edra_hierarchy *qi_hier[2];
    edra_code_col sa_code_cols[1];
    uint32_t sa_domain[1];
    const char *qi_names[2];
    const char *sa_names[1];
    const uint32_t *sa_rank[1];
    const edra_hierarchy *sa_hier[1];
    edra_microdata md;
} tiny_fixture;

static inline void tiny_fixture_init(tiny_fixture *f)
{
    static const char *age_cells[] = {"20", "20-29", "*", "21", "20-29", "*",
                                      "30", "30-39", "*", "31", "30-39", "*"};
    static const char *sex_cells[] = {"M", "*", "F", "*"};
    edra_error err = {0};
    edra_hierarchy_new(&f->age, age_cells, 4, 3, "age", &err);
    edra_hierarchy_new(&f->sex, sex_cells, 2, 2, "sex", &err);
    const uint32_t age[5] = {0, 1, 2, 3, 0}, sex[5] = {0, 0, 1, 1, 1}, sa[5] = {0, 1, 0, 2, 0};
    const uint64_t counts[5] = {2, 1, 1, 3, 1};
    for (int i = 0; i < 5; i++) {
        f->age_codes[i] = (uint8_t)age[i];
        f->sex_codes[i] = (uint16_t)sex[i];
        f->sa_codes[i] = sa[i];
        f->counts[i] = (uint8_t)counts[i];
    }
    f->qi_codes[0] = (edra_code_col){.data = f->age_codes, .width = 1};
    f->qi_codes[1] = (edra_code_col){.data = f->sex_codes, .width = 2};
    f->qi_hier[0] = f->age;
    f->qi_hier[1] = f->sex;
    f->sa_code_cols[0] = (edra_code_col){.data = f->sa_codes, .width = 4};
    f->sa_domain[0] = 3;
    f->qi_names[0] = "age";
    f->qi_names[1] = "sex";
    f->sa_names[0] = "disease";
    f->sa_rank[0] = NULL;
    f->sa_hier[0] = NULL;
    f->md = (edra_microdata){
        .n_tuples = 5, .n_records = 8, .n_qi = 2, .qi_names = f->qi_names,
        .qi_codes = f->qi_codes, .qi_hier = f->qi_hier, .n_sa = 1, .sa_names = f->sa_names,
        .sa_codes = f->sa_code_cols, .sa_domain = f->sa_domain, .sa_rank = f->sa_rank,
        .sa_hier = f->sa_hier, .counts = {.data = f->counts, .width = 1},
    };
}

static inline void tiny_fixture_free(tiny_fixture *f)
{
    edra_hierarchy_free(f->age);
    edra_hierarchy_free(f->sex);
}

#endif
