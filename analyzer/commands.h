/* Entry points of the subcommands (one file each: analyzer/cmd_<name>.c). Each takes the
 * argv that follows the subcommand name (argv[0] = the name) and returns the exit code. */
#ifndef EDRA_COMMANDS_H
#define EDRA_COMMANDS_H

#include "cli.h"

int edra_cmd_assess(int argc, char **argv);
int edra_cmd_anonymize(int argc, char **argv);
int edra_cmd_keygen(int argc, char **argv);
int edra_cmd_run(int argc, char **argv);
int edra_cmd_verify(int argc, char **argv);
int edra_cmd_hierarchy(int argc, char **argv);
int edra_cmd_sql(int argc, char **argv);
int edra_cmd_history(int argc, char **argv);
int edra_cmd_diff(int argc, char **argv);
int edra_cmd_rerun(int argc, char **argv);
int edra_cmd_safeharbor(int argc, char **argv);

extern const edra_cli_option edra_assess_options[];
extern const edra_cli_option edra_anonymize_options[];
extern const edra_cli_option edra_keygen_options[];
extern const edra_cli_option edra_run_options[];
extern const edra_cli_option edra_verify_options[];
extern const edra_cli_option edra_hierarchy_options[];
extern const edra_cli_option edra_sql_options[];
extern const edra_cli_option edra_history_options[];
extern const edra_cli_option edra_diff_options[];
extern const edra_cli_option edra_rerun_options[];
extern const edra_cli_option edra_safeharbor_options[];

#endif
