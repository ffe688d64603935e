/**
 * The Context page's panels (server components). Project keys, tool names, server names, file paths
 * and recommendation texts are trace content: rendered as React text only, never as HTML.
 */

import type { Recommendation } from "@/lib/context-package/recommendations";
import type { ContextPackageResult, ProjectPackage } from "@/lib/context-package/report";
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { PackageSizeChart } from "./package-size-chart";

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function PackageSummary({ totals }: { totals: ContextPackageResult["totals"] }) {
  const tiles = [
    { label: "Context package cost", value: formatUsd(totals.packageCostUsd) },
    { label: "Share of spend", value: percent(totals.shareOfSpend) },
    { label: "Calls that carried it", value: formatInteger(totals.callsCarried) },
    { label: "Team median package", value: `${formatTokens(totals.teamMedianPackageTokens)} tokens` },
  ];
  return (
    <section className="panel" data-testid="package-summary">
      <div style={{ display: "flex", gap: 32, flexWrap: "wrap" }}>
        {tiles.map((tile) => (
          <div key={tile.label}>
            <div className="muted">{tile.label}</div>
            <div style={{ fontSize: 22, fontWeight: 600 }}>{tile.value}</div>
          </div>
        ))}
      </div>
    </section>
  );
}

export function RecommendationList({ title, recommendations }: { title: string; recommendations: Recommendation[] }) {
  return (
    <section className="panel" data-testid="recommendations">
      <h2>{title}</h2>
      {recommendations.length === 0 ? (
        <p className="muted">Nothing to cut with evidence in this period.</p>
      ) : (
        <ul>
          {recommendations.map((recommendation) => (
            <li
              key={`${recommendation.kind}:${recommendation.project}:${recommendation.text}`}
              style={{ marginBottom: 8 }}
            >
              {recommendation.text}{" "}
              <span className="muted">
                Runs:{" "}
                {recommendation.runIds.slice(0, 10).map((runId, i) => (
                  <a key={runId} href={`/runs/${encodeURIComponent(runId)}`} style={{ marginRight: 6 }}>
                    {i + 1}
                  </a>
                ))}
                {recommendation.runIds.length > 10 ? `and ${recommendation.runIds.length - 10} more` : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ProjectTable({
  projects,
  selected,
  linkFor,
}: {
  projects: ProjectPackage[];
  selected: string | null;
  linkFor: (project: string) => string;
}) {
  return (
    <section className="panel">
      <h2>By project</h2>
      <table>
        <thead>
          <tr>
            <th>Project</th>
            <th className="num">Runs</th>
            <th className="num">Median package</th>
            <th className="num">x team median</th>
            <th className="num">Calls carried</th>
            <th className="num">Package cost</th>
            <th className="num">Share of its spend</th>
          </tr>
        </thead>
        <tbody>
          {projects.map((project) => (
            <tr key={project.key} aria-current={project.key === selected ? "true" : undefined}>
              <td>
                <a href={linkFor(project.key)}>{project.key}</a>
              </td>
              <td className="num">{formatInteger(project.runs)}</td>
              <td className="num">{formatTokens(project.medianPackageTokens)}</td>
              <td className="num">
                {project.timesTeamMedian.toFixed(1)}
                {project.farAboveTeamMedian ? " (far above)" : ""}
              </td>
              <td className="num">{formatInteger(project.callsCarried)}</td>
              <td className="num">{formatUsd(project.packageCostUsd)}</td>
              <td className="num">{percent(project.shareOfSpend)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ProjectDetail({
  project,
  recommendations,
}: {
  project: ProjectPackage;
  recommendations: Recommendation[];
}) {
  return (
    <>
      <section className="panel">
        <h2>Package size per run: {project.key}</h2>
        <p className="muted">
          The first main-thread call&apos;s input of each run (system prompt, tools, injected instructions and the first
          prompt).
        </p>
        <PackageSizeChart points={project.sizeOverTime} />
      </section>
      <div className="waste-grid">
        <section className="panel" data-testid="package-contents">
          <h2>What is in it</h2>
          <h3>MCP servers</h3>
          {project.mcpServers.length === 0 ? (
            <p className="muted">No MCP tool was called.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Server</th>
                  <th className="num">Runs using it</th>
                  <th className="num">Tool calls</th>
                </tr>
              </thead>
              <tbody>
                {project.mcpServers.map((server) => (
                  <tr key={server.server}>
                    <td>{server.server}</td>
                    <td className="num">
                      {server.runsUsing} of {project.runs}
                    </td>
                    <td className="num">{formatInteger(server.uses)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Instruction files read</h3>
          {project.instructionFiles.length === 0 ? (
            <p className="muted">No tool call read an instruction file.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>File</th>
                  <th className="num">Tokens</th>
                  <th className="num">Runs reading it</th>
                  <th className="num">After compaction</th>
                </tr>
              </thead>
              <tbody>
                {project.instructionFiles.map((file) => (
                  <tr key={file.path}>
                    <td>{file.path}</td>
                    <td className="num">{formatTokens(file.tokens)}</td>
                    <td className="num">
                      {file.runsReading} of {project.runs}
                    </td>
                    <td className="num">{formatInteger(file.readsAfterCompaction)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Tools used</h3>
          <p>{project.tools.map((tool) => `${tool.name} (${tool.runsUsing} runs)`).join(", ") || "none"}</p>
        </section>
        <section className="panel" data-testid="weekly-cost">
          <h2>Weekly cost of the package</h2>
          <table>
            <thead>
              <tr>
                <th>Week of</th>
                <th className="num">Calls carried</th>
                <th className="num">Package cost</th>
                <th className="num">Share of spend</th>
              </tr>
            </thead>
            <tbody>
              {project.weekly.map((week) => (
                <tr key={week.week}>
                  <td>{week.week}</td>
                  <td className="num">{formatInteger(week.callsCarried)}</td>
                  <td className="num">{formatUsd(week.packageCostUsd)}</td>
                  <td className="num">{week.spendUsd > 0 ? percent(week.packageCostUsd / week.spendUsd) : "-"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <RecommendationList title={`Recommendations for ${project.key}`} recommendations={recommendations} />
    </>
  );
}
