import { describeSeconds } from '../../src/agents/statusFilter.js';
import type { WallboardAgent, WallboardInterval, WallboardView } from '../../src/tab/wallboard.js';
import { followEvents, type LiveState } from './liveUpdates.js';
import type { TabApi } from './tabApi.js';

export type { WallboardView };

const KIND_LABEL: Record<string, string> = { voice: 'Voice', chat: 'Chat', sms: 'SMS', web: 'Web' };

/**
 * The supervisors' wallboard in the tab: every agent's state (in words, with a colour mark that only
 * repeats it), the queues and the current interval so far, as tables with headers. Live from
 * /api/tab/wallboard/events; the server refuses anyone but a supervisor, and then nothing of it is shown.
 */
export class Wallboard {
  private live: { stop(): void } | undefined;

  constructor(private readonly root: HTMLElement) {}

  start(api: TabApi): void {
    this.stop();
    this.live = followEvents(
      api,
      { path: '/api/tab/wallboard/events', event: 'wallboard' },
      (data) => this.show(JSON.parse(data) as WallboardView),
      (state) => this.onLiveState(state),
    );
  }

  stop(): void {
    this.live?.stop();
    this.live = undefined;
  }

  /** Draws the board; only text is written (never markup from the data). */
  show(view: WallboardView): void {
    this.part('#wallboard-as-of').textContent = `As of ${view.asOf.slice(11, 19)} UTC`;
    drawAgents(this.part('#wallboard-agents'), this.part('#wallboard-agents-caption'), view.agents);
    drawQueues(this.part('#wallboard-queues'), view);
    drawInterval(this.part('#wallboard-interval'), this.part('#wallboard-interval-title'), this.part('#wallboard-interval-problem'), view.interval, view.intervalProblem);
    this.part('#wallboard-body').hidden = false;
  }

  private onLiveState(state: LiveState): void {
    const status = this.part('#wallboard-status');
    const text =
      state.kind === 'connecting'
        ? 'Connecting…'
        : state.kind === 'live'
          ? 'Live: updates when an agent changes state, and every 15 seconds.'
          : state.kind === 'retrying'
            ? `Live updates paused (${state.why}). Trying again in ${state.inSeconds} s…`
            : `The wallboard is not available: ${state.why}`;
    if (status.textContent !== text) status.textContent = text;
    // Refused (not a supervisor): nothing of the board stays on the page.
    if (state.kind === 'refused') this.part('#wallboard-body').hidden = true;
  }

  private part(selector: string): HTMLElement {
    const element = this.root.querySelector<HTMLElement>(selector);
    if (!element) throw new Error(`the wallboard has no ${selector}`);
    return element;
  }
}

function cell(tag: 'td' | 'th', text: string, options: { scope?: string; className?: string } = {}): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (options.scope) element.scope = options.scope;
  if (options.className) element.className = options.className;
  return element;
}

function fill(tbody: HTMLElement, rows: HTMLTableRowElement[], empty: string, columns: number): void {
  if (rows.length === 0) {
    const row = document.createElement('tr');
    const only = cell('td', empty, { className: 'wallboard-empty' });
    only.colSpan = columns;
    row.append(only);
    rows = [row];
  }
  tbody.replaceChildren(...rows);
}

function drawAgents(table: HTMLElement, caption: HTMLElement, agents: WallboardAgent[]): void {
  caption.textContent = `Agents (${agents.length})`;
  const rows = agents.map((agent) => {
    const row = document.createElement('tr');
    const state = cell('td', '', { className: 'state' });
    const mark = document.createElement('span');
    mark.className = `state-mark state-${agent.state.toLowerCase()}`;
    mark.setAttribute('aria-hidden', 'true');
    state.append(mark, document.createTextNode(agent.stateLabel));
    const interaction = agent.interaction
      ? `${KIND_LABEL[agent.interaction.channel] ?? agent.interaction.channel}, ${agent.interaction.state === 'acw' ? 'After Call Work' : agent.interaction.state === 'offered' ? 'ringing' : 'on call'}`
      : 'None';
    row.append(
      cell('th', agent.name, { scope: 'row' }),
      state,
      cell('td', describeSeconds(agent.secondsInState)),
      cell('td', interaction),
      cell('td', agent.customer ?? '—'),
      cell('td', String(agent.digital), { className: 'number' }),
    );
    return row;
  });
  fill(table.querySelector('tbody')!, rows, 'No agents have talked to the bot yet.', 6);
}

function drawQueues(table: HTMLElement, view: WallboardView): void {
  const rows = [
    ...view.queues.acd.map((q) => queueRow(q.skill, `${KIND_LABEL[q.channel ?? ''] ?? 'Unknown'} (contact center)`, q.count, q.longestWaitSeconds)),
    ...view.queues.digital.map((q) => queueRow(q.skill, `${KIND_LABEL[q.kind] ?? q.kind} (digital)`, q.count, q.longestWaitSeconds)),
  ];
  fill(table.querySelector('tbody')!, rows, 'Nothing is waiting.', 4);
}

function queueRow(skill: string | null, channel: string, count: number, longestWaitSeconds: number): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.append(cell('th', skill ?? 'No skill', { scope: 'row' }), cell('td', channel), cell('td', String(count), { className: 'number' }), cell('td', describeSeconds(longestWaitSeconds)));
  return row;
}

function drawInterval(table: HTMLElement, title: HTMLElement, problem: HTMLElement, interval: WallboardInterval | null, why: string | null): void {
  problem.textContent = why ?? '';
  problem.hidden = !why;
  table.hidden = !interval;
  if (!interval) {
    title.textContent = 'This interval';
    return;
  }
  title.textContent = `This interval so far (${interval.start.slice(11, 16)}–${interval.end.slice(11, 16)} UTC)`;
  const percent = (value: number | null) => (value === null ? '—' : `${value}%`);
  const rows = interval.rows.map((r) => {
    const row = document.createElement('tr');
    row.append(
      cell('th', r.skill || 'No skill', { scope: 'row' }),
      cell('td', KIND_LABEL[r.channel] ?? r.channel),
      cell('td', String(r.offered), { className: 'number' }),
      cell('td', String(r.handled), { className: 'number' }),
      cell('td', String(r.abandoned), { className: 'number' }),
      cell('td', percent(r.serviceLevelPercent), { className: 'number' }),
    );
    return row;
  });
  fill(table.querySelector('tbody')!, rows, 'No contacts yet in this interval.', 6);
  const total = document.createElement('tr');
  const { totals } = interval;
  total.append(
    cell('th', 'All skills', { scope: 'row' }),
    cell('td', ''),
    cell('td', String(totals.offered), { className: 'number' }),
    cell('td', String(totals.handled), { className: 'number' }),
    cell('td', String(totals.abandoned), { className: 'number' }),
    cell('td', percent(totals.serviceLevelPercent), { className: 'number' }),
  );
  table.querySelector('tfoot')!.replaceChildren(total);
}
