import type { ThreadRouter } from '../../src/digital/ports.js';
import type { Db } from '../../src/store/db.js';

/**
 * A TEST DOUBLE of the ThreadRouter port (the threads piece has the real one): it hands a thread to the first
 * of `free` agents that has the skill and is not excluded, over the same tables, and posts nothing. It records
 * what it was asked.
 */
export class TableRouter implements ThreadRouter {
  readonly calls: Array<{ op: 'route' | 'assignTo' | 'drainQueue'; threadId?: string; skill?: string | null; excludeAgentId?: string; agentId?: string }> = [];

  constructor(
    private readonly db: Db,
    /** Who is free now, with their skills (undefined: every skill). */
    public free: Array<{ agentId: string; skills?: string[] }>,
  ) {}

  async route(threadId: string, options: { skill?: string | null; excludeAgentId?: string } = {}): Promise<string | null> {
    this.calls.push({ op: 'route', threadId, ...options });
    const agent = this.free.find((a) => a.agentId !== options.excludeAgentId && (!options.skill || !a.skills || a.skills.includes(options.skill)));
    if (!agent) return null;
    await this.give(threadId, agent.agentId);
    return agent.agentId;
  }

  async assignTo(threadId: string, agentId: string): Promise<void> {
    this.calls.push({ op: 'assignTo', threadId, agentId });
    await this.give(threadId, agentId);
  }

  async drainQueue(): Promise<number> {
    this.calls.push({ op: 'drainQueue' });
    return 0;
  }

  private async give(threadId: string, agentId: string): Promise<void> {
    const thread = await this.db.selectFrom('digital_threads').select('interaction_id').where('id', '=', threadId).executeTakeFirstOrThrow();
    await this.db.updateTable('digital_threads').set({ assignment: 'assigned' }).where('id', '=', threadId).execute();
    await this.db.updateTable('interactions').set({ agent_id: agentId }).where('id', '=', thread.interaction_id).execute();
  }
}
