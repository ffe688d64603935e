import { Choice, personOptions, projectOptions, taskOptions } from "./choice";

/** Owner / project / task pickers shared by the rule form and the unallocated queue. */
export function TargetSelects({
  people,
  projects,
  tasks,
  prefix = "",
}: {
  people: { id: string; displayName: string }[];
  projects: { id: string; name: string }[];
  tasks?: { id: string; key: string }[];
  prefix?: "" | "set";
}) {
  const name = (field: "Owner" | "Project" | "Task") => (prefix ? `set${field}Id` : `${field.toLowerCase()}Id`);
  return (
    <>
      <label>
        Owner
        <Choice name={name("Owner")} options={personOptions(people)} empty="(leave as is)" />
      </label>
      <label>
        Project
        <Choice name={name("Project")} options={projectOptions(projects)} empty="(leave as is)" />
      </label>
      {tasks ? (
        <label>
          Task
          <Choice name={name("Task")} options={taskOptions(tasks)} empty="(leave as is)" />
        </label>
      ) : null}
    </>
  );
}
