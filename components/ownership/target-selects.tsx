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
        <select name={name("Owner")} defaultValue="">
          <option value="">(leave as is)</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        Project
        <select name={name("Project")} defaultValue="">
          <option value="">(leave as is)</option>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </select>
      </label>
      {tasks ? (
        <label>
          Task
          <select name={name("Task")} defaultValue="">
            <option value="">(leave as is)</option>
            {tasks.map((task) => (
              <option key={task.id} value={task.id}>
                {task.key}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );
}
