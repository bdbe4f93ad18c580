/* edra, the Expert Determination Risk Analyzer: subcommand dispatch, --help, --version. */
#include <config.h>

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

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
