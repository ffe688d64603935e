import { Choice, personOptions, projectOptions } from "./choice";

/** Owner and project pickers of the unallocated queue's bulk assignment. */
export function TargetSelects({
  people,
  projects,
}: {
  people: { id: string; displayName: string }[];
  projects: { id: string; name: string }[];
}) {
  return (
    <>
      <label>
        Owner
        <Choice name="ownerId" options={personOptions(people)} empty="(leave as is)" />
      </label>
      <label>
        Project
        <Choice name="projectId" options={projectOptions(projects)} empty="(leave as is)" />
      </label>
    </>
  );
}
