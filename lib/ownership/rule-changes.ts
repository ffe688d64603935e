/**
 * What a rule change does to the ordered list of rules, without touching the database: the
 * ownership page previews a change with it (lib/ownership/reattribute.ts previewRules) and
 * moveRule (lib/ownership/manage.ts) stores the order it gives.
 */
import type { OwnershipRuleInput } from "./attribution";
import type { RuleInput } from "./manage";

export const ruleChanges = ["create", "update", "move-up", "move-down", "delete"] as const;
export type RuleChange = (typeof ruleChanges)[number];

/** `ordered` with the item `id` swapped with its neighbour above or below; the same list when it has none. */
export function moveInOrder<T extends { id: string }>(
  ordered: readonly T[],
  id: string,
  direction: "up" | "down",
): T[] {
  const index = ordered.findIndex((item) => item.id === id);
  const target = direction === "up" ? index - 1 : index + 1;
  if (index === -1 || target < 0 || target >= ordered.length) return [...ordered];
  const moved = [...ordered];
  [moved[index], moved[target]] = [moved[target]!, moved[index]!];
  return moved;
}

/** The rules as they would be after the change, in order. */
export function proposeRules(
  change: RuleChange,
  id: string,
  input: RuleInput | null,
): (rules: OwnershipRuleInput[]) => OwnershipRuleInput[] {
  return (rules) => {
    const ordered = [...rules].sort((a, b) => a.position - b.position);
    switch (change) {
      case "create":
        return [...ordered, { ...input!, id: "new", position: Number.MAX_SAFE_INTEGER, enabled: true }];
      case "update":
        return ordered.map((rule) => (rule.id === id ? { ...rule, ...input! } : rule));
      case "delete":
        return ordered.filter((rule) => rule.id !== id);
      case "move-up":
      case "move-down":
        return moveInOrder(ordered, id, change === "move-up" ? "up" : "down").map((rule, position) => ({
          ...rule,
          position,
        }));
    }
  };
}
