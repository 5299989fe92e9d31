import type { ScheduledActivity } from '../domain/wfm.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import type { ScheduleImporter, ScheduleImportResult } from './ports.js';
import { excerpt, parseSchedule, rejectOverlaps, type RejectedLine } from './scheduleLines.js';

/**
 * Publishes schedules (SPEC: "the good rows still load"): each line is checked (scheduleLines.ts), its agent
 * found by Entra object id or email, lines overlapping another of the same agent in the file refused; then,
 * in one transaction, each agent's entries overlapping the span their lines cover are replaced by them.
 * Agents with no good line keep their schedule as it was. A text that cannot be read at all (too big, no
 * header, not JSON) throws an invalid_input AppError naming the problem, and nothing changes.
 */
export function scheduleImporter(deps: { unit: UnitOfWork; clock: () => Date }): ScheduleImporter {
  return {
    async importSchedule(text: string, format: 'csv' | 'json'): Promise<ScheduleImportResult> {
      const parsed = parseSchedule(text, format);
      const agents = await deps.unit.repos.schedules.agentsByRefs([...new Set(parsed.lines.map((line) => line.agent))]);
      const agentOf = new Map<string, string>();
      for (const agent of agents) {
        agentOf.set(agent.id, agent.id);
        agentOf.set(agent.id.toLowerCase(), agent.id);
        if (agent.email) agentOf.set(agent.email.toLowerCase(), agent.id);
      }
      const rejected: RejectedLine[] = [...parsed.rejected];
      const known = parsed.lines.filter((line) => {
        if (agentOf.has(line.agent) || agentOf.has(line.agent.toLowerCase())) return true;
        rejected.push({ line: line.line, reason: `agent: no agent known by this email or Entra object id (${excerpt(line.agent)})` });
        return false;
      });
      const idOf = (agent: string) => agentOf.get(agent) ?? agentOf.get(agent.toLowerCase())!;
      const { kept, rejected: overlapping } = rejectOverlaps(known, (line) => idOf(line.agent));
      rejected.push(...overlapping);

      const byAgent = new Map<string, ScheduledActivity[]>();
      for (const line of kept) {
        const agentId = idOf(line.agent);
        let lines = byAgent.get(agentId);
        if (!lines) byAgent.set(agentId, (lines = []));
        lines.push({ agentId, activity: line.activity, start: new Date(line.startMs).toISOString(), end: new Date(line.endMs).toISOString() });
      }
      const importedAt = deps.clock().toISOString();
      await deps.unit.run(async (repos) => {
        for (const [agentId, lines] of byAgent) {
          const spanStart = lines.reduce((min, line) => (line.start < min ? line.start : min), lines[0]!.start);
          const spanEnd = lines.reduce((max, line) => (line.end > max ? line.end : max), lines[0]!.end);
          await repos.schedules.replace(agentId, spanStart, spanEnd, lines, importedAt);
        }
      });
      return { imported: kept.length, agents: byAgent.size, rejected: rejected.sort((a, b) => a.line - b.line) };
    },

    scheduleBetween(from: Date, to: Date): Promise<ScheduledActivity[]> {
      return deps.unit.repos.schedules.between(from.toISOString(), to.toISOString());
    },
  };
}
