/** One colour per cohort by its position (at most six cohorts), so two cohorts never share one. */
const cohortColors = ["#2f6fdb", "#d9822b", "#0f6d5f", "#8e44ad", "#c0392b", "#b7950b"];

export function cohortColor(index: number): string {
  return cohortColors[index % cohortColors.length]!;
}
