"""The command line's subcommands by group (kpi.cli builds the parser from them): data, users,
scorecards, reports; what they share in common."""
