/* Numeric value coding: canonical decimals coded by mantissa, a bitmap of the mantissas
 * present with a running count per 64-bit word for their ranks. */
#include "numcol.h"

#include <stdlib.h>
#include <string.h>

/* Canonical decimals of more characters cannot have a mantissa below 2^28 anyway. */
#define NUMCOL_MAX_LEN 12

struct edra_numcol {
    int scale;             /* decimals of the column's mantissas; -1 until the first */
    uint32_t max_code;     /* largest mantissa coded */
    uint64_t *bits;        /* [n_words] mantissas present */
    uint32_t *before;      /* [n_words] mantissas present in the words before */
    size_t n_words;
    uint32_t n_ranked;     /* mantissas present */
};

int edra_numcol_new(edra_numcol **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return EDRA_ENOMEM;
    (*out)->scale = -1;
    return 0;
}

void edra_numcol_free(edra_numcol *n)
{
    if (!n)
        return;
    free(n->bits);
    free(n->before);
    free(n);
}

int64_t edra_numcol_code(edra_numcol *n, const char *value, size_t len)
{
    if (len == 0 || len > NUMCOL_MAX_LEN || (value[0] == '0' && len > 1 && value[1] != '.'))
        return -1;
    uint64_t mantissa = 0;
    size_t i = 0;
    for (; i < len && value[i] >= '0' && value[i] <= '9'; i++)
        mantissa = mantissa * 10 + (uint64_t)(value[i] - '0');
    int scale = 0;
    if (i == 0)
        return -1;
    if (i < len) {
        if (value[i] != '.' || i + 1 == len)
            return -1;
        for (i++; i < len && value[i] >= '0' && value[i] <= '9'; i++, scale++)
            mantissa = mantissa * 10 + (uint64_t)(value[i] - '0');
        if (i < len)
            return -1;
    }
    if (n->scale < 0)
        n->scale = scale;
    if (scale != n->scale || mantissa >= EDRA_NUMCOL_DICT_BASE)
        return -1;
    if (mantissa > n->max_code)
        n->max_code = (uint32_t)mantissa;
    return (int64_t)mantissa;
}

int edra_numcol_mark(edra_numcol *n, uint32_t code)
{
    if (code >= EDRA_NUMCOL_DICT_BASE)
        return 0;
    if (!n->bits) {
        n->n_words = (size_t)n->max_code / 64 + 1;
        n->bits = calloc(n->n_words, sizeof *n->bits);
        if (!n->bits)
            return EDRA_ENOMEM;
    }
    n->bits[code / 64] |= UINT64_C(1) << (code % 64);
    return 0;
}

int edra_numcol_rank(edra_numcol *n)
{
    n->before = malloc((n->n_words ? n->n_words : 1) * sizeof *n->before);
    if (!n->before)
        return EDRA_ENOMEM;
    uint32_t count = 0;
    for (size_t w = 0; w < n->n_words; w++) {
        n->before[w] = count;
        count += (uint32_t)__builtin_popcountll(n->bits[w]);
    }
    n->n_ranked = count;
    return 0;
}

uint32_t edra_numcol_dense(const edra_numcol *n, uint32_t code)
{
    if (code >= EDRA_NUMCOL_DICT_BASE)
        return n->n_ranked + (code - EDRA_NUMCOL_DICT_BASE);
    uint64_t below = n->bits[code / 64] & ((UINT64_C(1) << (code % 64)) - 1);
    return n->before[code / 64] + (uint32_t)__builtin_popcountll(below);
}

/* Writes mantissa with scale decimals into buf (NUMCOL_MAX_LEN + 1 bytes); returns its
 * length. */
static size_t format_decimal(char *buf, uint64_t mantissa, int scale)
{
    char digits[24];
    size_t nd = 0, len = 0;
    do {
        digits[nd++] = (char)('0' + mantissa % 10);
        mantissa /= 10;
    } while (mantissa);
    while (nd <= (size_t)scale) /* "0.05": at least one digit before the point */
        digits[nd++] = '0';
    while (nd > 0) {
        if ((int)nd == scale)
            buf[len++] = '.';
        buf[len++] = digits[--nd];
    }
    buf[len] = '\0';
    return len;
}

int edra_numcol_dict(const edra_numcol *n, const edra_dict *dict, edra_dict **out,
                     edra_error *err)
{
    char buf[NUMCOL_MAX_LEN + 8];
    edra_dict *d = NULL;
    int rc = edra_dict_new(&d, err);
    if (rc < 0)
        return rc;
    edra_dict_seal(d);
    for (size_t w = 0; w < n->n_words && rc == 0; w++)
        for (uint64_t bits = n->bits[w]; bits && rc == 0; bits &= bits - 1) {
            uint64_t mantissa = w * 64 + (uint64_t)__builtin_ctzll(bits);
            size_t len = format_decimal(buf, mantissa, n->scale);
            rc = edra_dict_append_sealed(d, buf, len, 0);
        }
    for (size_t c = 0; c < edra_dict_size(dict) && rc == 0; c++) {
        const char *v = edra_dict_value(dict, (uint32_t)c);
        rc = edra_dict_append_sealed(d, v, strlen(v), edra_dict_first_line(dict, (uint32_t)c));
    }
    if (rc < 0) {
        edra_dict_free(d);
        return edra_error_set(err, EDRA_ENOMEM, "out of memory loading the data");
    }
    *out = d;
    return 0;
}
