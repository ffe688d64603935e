import { ruleFields } from "@/lib/ownership/attribution";
import { MAX_MATCHED_CHARS, MAX_PATTERN_CHARS, patternHelp, patternProblem } from "@/lib/ownership/pattern";
import { Choice, personOptions, projectOptions, taskOptions } from "./choice";

const fieldHelp: Record<(typeof ruleFields)[number], string> = {
  repository: "repository remote, e.g. github.com/acme/*",
  cwd: "working directory, e.g. /home/ana/**",
  branch: "git branch, e.g. feature/*",
  identity: "email or OS user from the trace, e.g. *@acme.com",
  model: "model, e.g. claude-opus-*",
  apiKey: "id of the API key that sent the data",
  source: "claude-code, codex, otlp or native",
};

interface RuleValues {
  name: string;
  matchField: string;
  pattern: string;
  setOwnerId: string | null;
  setProjectId: string | null;
  setTaskId: string | null;
}

/** The fields of a rule, empty for a new one or filled with an existing rule's values. */
export function RuleFields({
  rule,
  people,
  projects,
  tasks,
}: {
  rule?: RuleValues;
  people: { id: string; displayName: string }[];
  projects: { id: string; name: string }[];
  tasks: { id: string; key: string }[];
}) {
  return (
    <>
      <label>
        Name
        <input name="name" required maxLength={120} placeholder="Ana's laptop" defaultValue={rule?.name} />
      </label>
      <label>
        When
        <Choice
          name="matchField"
          options={ruleFields.map((field) => ({ id: field, label: fieldHelp[field] }))}
          defaultValue={rule?.matchField ?? "cwd"}
        />
      </label>
      <label>
        matches (glob, or /regex/)
        <input
          name="pattern"
          required
          maxLength={MAX_PATTERN_CHARS}
          placeholder="/home/ana/**"
          defaultValue={rule?.pattern}
        />
      </label>
      <PatternHelp />
      <label>
        Owner
        <Choice
          name="setOwnerId"
          options={personOptions(people)}
          empty="(not set by this rule)"
          defaultValue={rule?.setOwnerId ?? ""}
        />
      </label>
      <label>
        Project
        <Choice
          name="setProjectId"
          options={projectOptions(projects)}
          empty="(not set by this rule)"
          defaultValue={rule?.setProjectId ?? ""}
        />
      </label>
      <label>
        Task
        <Choice
          name="setTaskId"
          options={taskOptions(tasks)}
          empty="(not set by this rule)"
          defaultValue={rule?.setTaskId ?? ""}
        />
      </label>
    </>
  );
}

/** What a pattern may hold: shown under every pattern input, so a refused pattern is no surprise. */
export function PatternHelp() {
  return (
    <small className="muted">
      {patternHelp} Up to {MAX_PATTERN_CHARS} characters; values longer than {MAX_MATCHED_CHARS} characters match no
      pattern.
    </small>
  );
}

/** A rule saved before patterns ran on RE2 may hold what RE2 refuses: it matches nothing until edited. */
export function PatternNoLongerAllowed({ pattern }: { pattern: string }) {
  const problem = patternProblem(pattern);
  return problem ? <div className="notice error">This pattern matches nothing: {problem}.</div> : null;
}
