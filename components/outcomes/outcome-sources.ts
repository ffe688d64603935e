/** Where a decision came from, in words (Outcome.source). */
export const outcomeSourceLabels: Record<string, string> = {
  github: "GitHub pull request",
  manual: "by hand",
  api: "outcomes API",
  "tool-call": "seen in the run's output",
};
