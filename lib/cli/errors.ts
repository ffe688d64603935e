/** A wrong flag or argument: the CLI exits with code 2 (docs/CONTRACT.md). */
export class UsageError extends Error {}

/** A failure the user can act on: the CLI prints the one-line message and exits with code 1. */
export class CommandError extends Error {}
