/* edra, the Expert Determination Risk Analyzer: subcommand dispatch, --help, --version. */
#include <config.h>

#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mempolicy.h"

const edra_cli_command edra_commands[] = {
    {"assess", "SPEC", "Assess the re-identification risk of a dataset against the spec's targets.",
     "Loads the data the spec names and computes, for the data as they stand (or the\n"
     "transformation given by --levels or the spec's transformation:), equivalence classes,\n"
     "k, sample uniques, prosecutor/journalist/marketer risk, l-diversity and t-closeness\n"
     "per sensitive attribute and population uniqueness (Pitman, Zayatz, SNB, Dankar rule),\n"
     "and judges every target.",
     edra_assess_options, edra_cmd_assess},
    {"anonymize", "SPEC", "Find the least-loss transformation that meets the targets; release it.",
     "Searches the generalization lattice (one level per quasi-identifier) for the\n"
     "transformation of least information loss (the spec's search: metric) that meets every\n"
     "target, suppressing the records of classes that violate k, the prosecutor threshold, l\n"
     "or t within the spec's suppression limit (ARX's semantics). The search is exhaustive with\n"
     "pruning and proves optimality; lattices over 10^6 nodes, or a search: time_limit that\n"
     "runs out, give the best node found, flagged as not proven optimal. --out writes the\n"
     "released data: identifiers removed, quasi-identifiers generalized, suppressed records'\n"
     "quasi-identifiers as '*'. Exit 3 names the closest node when none meets the targets.",
     edra_anonymize_options, edra_cmd_anonymize},
    {"run", "SPEC --out DIR", "The main job: assess, search, release, and write the signed report.",
     "Assesses the data as they stand, searches for the least-loss transformation that meets\n"
     "the targets (as anonymize does), and writes DIR: report.pdf (the determination report),\n"
     "report.xlsx, result.json, charts/*.png and *.svg, released.csv (mode 0600, unless\n"
     "--no-data), SHA256SUMS and MANIFEST.json with every file's SHA-256 and the inputs'\n"
     "hashes, and with --sign, MANIFEST.json.sig (Ed25519). The folder is built under a\n"
     "temporary name and renamed when complete. SOURCE_DATE_EPOCH fixes the report's date.",
     edra_run_options, edra_cmd_run},
    {"keygen", "--out KEY", "Generate an Ed25519 key pair for signing reports.",
     "Writes KEY.pem, the private key (PKCS#8 PEM, mode 0600), and KEY.pub.pem, the public\n"
     "key, in the form `openssl genpkey -algorithm ed25519` writes; keys made by openssl are\n"
     "accepted too. Prints the key's fingerprint (SHA-256 of the raw public key).",
     edra_keygen_options, edra_cmd_keygen},
    {"verify", "DIR", "Verify a report folder: its signature and every file's SHA-256.",
     "Reads DIR/MANIFEST.json, checks the Ed25519 signature MANIFEST.json.sig of its exact\n"
     "bytes (against --pubkey when given, else against the key embedded in the manifest, which\n"
     "proves integrity but not who signed), then the size and SHA-256 of every file it lists,\n"
     "refusing paths outside the folder and symbolic links. Prints each check; exit 0 only when\n"
     "all hold, 2 when one fails.",
     edra_verify_options, edra_cmd_verify},
    {"hierarchy", "SPEC ATTRIBUTE", "Print an attribute's generalization hierarchy in ARX's CSV layout.",
     "Loads the data the spec names and prints, for a quasi-identifier or a sensitive\n"
     "attribute, the hierarchy edra uses: its file, the result of its builder (mask,\n"
     "intervals, date, order) over the data's values, or a quasi-identifier's flat default\n"
     "(value -> *). One row per value, column i = level i, no header, ';'-separated unless\n"
     "--delimiter; cells quoted per RFC 4180 where needed. Save it, review it, and name it\n"
     "in the spec (hierarchy: FILE) to fix the hierarchy for the determination.",
     edra_hierarchy_options, edra_cmd_hierarchy},
    {"history", "[list | show ID]", "List the runs recorded in the history, or show one.",
     "Every assess, anonymize and run is recorded in the run history, an SQLite file\n"
     "(SPECDIR/.edra/history.sqlite unless --history FILE or EDRA_HISTORY name another):\n"
     "its spec text and hash, the data's hash, rows and columns, the targets, the\n"
     "transformation, every headline figure, the verdict, the exit code and the artifacts\n"
     "with their SHA-256; aggregates only, never a record value. `history list` (the\n"
     "default) prints the runs newest first; `history show ID` everything recorded for one\n"
     "(ID may be a unique prefix of 4 characters or more, or 'last').",
     edra_history_options, edra_cmd_history},
    {"diff", "ID1 ID2", "What changed between two recorded runs.",
     "Compares run ID1 with run ID2 of the history: the spec (a unified diff of its text),\n"
     "the data (same SHA-256 or not, row count), each target, each headline figure before\n"
     "and after with its direction (better or worse), the transformation per\n"
     "quasi-identifier and the verdict. Exit 0 whatever changed.",
     edra_diff_options, edra_cmd_diff},
    {"rerun", "ID", "Re-execute a recorded run and check that it reproduces.",
     "Runs the recorded run again from the spec text the history stored, read against the\n"
     "spec's original folder so that its relative paths reach the current data file, with\n"
     "the same options (assess's --levels and --suppress). Reports whether the data's\n"
     "SHA-256 is still the recorded one and whether every figure is identical (the figures\n"
     "documents compared exactly, timing excluded). Writes and records nothing. Exit 0 only\n"
     "when both hold, 3 when either does not.",
     edra_rerun_options, edra_cmd_rerun},
    {"sql", "SPEC", "Print the GROUP BY query that pre-aggregates the data in a database.",
     "Prints, for PostgreSQL (default), Spark SQL or SQLite (--dialect), the query that\n"
     "reduces the user's record-level table to one row per distinct combination of the\n"
     "spec's quasi-identifiers and sensitive attributes (their level-0 values) with its\n"
     "number of records. Identifiers and insensitive columns are never selected. Run it\n"
     "where the data live, export the result as CSV with a header, and point the same\n"
     "spec at it with data: {csv: counts.csv, count: n}: every figure, the search and the\n"
     "report are those of the record-level table, and memory follows the combinations.",
     edra_sql_options, edra_cmd_sql},
    {"safeharbor", "SPEC", "Every risk figure of the data's Safe Harbor version, beside the spec's.",
     "Builds the HIPAA Safe Harbor version of the data from the spec's attribute types\n"
     "(45 CFR 164.514(b)(2)): dates to their year, ages over 89 to 90+, ZIP codes to their\n"
     "first three digits or 000 for the 17 three-digit areas of 20,000 people or fewer (2000\n"
     "census, as HHS lists them), identifiers removed; an attribute's safe_harbor: key (date,\n"
     "age, zip, none) overrides its type and name. Computes every figure on it (classes, risks,\n"
     "individual risk, special uniques, QI subsets) and sets the headline figures beside those\n"
     "of the spec's transformation: the benchmark for a risk that is \"very small\".",
     edra_safeharbor_options, edra_cmd_safeharbor},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: edra COMMAND [OPTION]... [ARG]...\n"
                 "Expert Determination Risk Analyzer: re-identification risk, privacy models and\n"
                 "anonymization for HIPAA expert determination (45 CFR 164.514(b)(1)).\n\nCommands:\n");
    for (const edra_cli_command *c = edra_commands; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "  %-12s %s\n", "help", "show the help of a command");
    fprintf(out, "\nOptions:\n  -h, --help     show this help\n  -V, --version  show the version\n"
                 "\nExit status: 0 done and every target met; 3 done but a target is not met;\n"
                 "2 bad input or usage; 1 internal failure.\n");
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL status is checked where the call is made. */
    gsl_set_error_handler_off();
    edra_mempolicy_load();
#ifdef SIGXFSZ
    /* Past a file size limit (ulimit -f) a write then fails with EFBIG, which the atomic
     * writers report and clean up after, instead of the signal killing the run mid-write. */
    signal(SIGXFSZ, SIG_IGN);
#endif
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("edra %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return 0;
        }
        const edra_cli_command *c = edra_cli_find(argv[2]);
        if (!c) {
            fprintf(stderr, "edra: '%s' is not a command (see 'edra --help')\n", argv[2]);
            return 2;
        }
        edra_cli_print_help(stdout, c);
        return 0;
    }
    const edra_cli_command *c = edra_cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "edra: '%s' is not a command (see 'edra --help')\n", argv[1]);
        return 2;
    }
    return c->run(argc - 1, argv + 1);
}
