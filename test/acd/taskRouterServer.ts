import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TaskRecord {
  sid: string;
  assignment_status: 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';
  reason: string | null;
  attributes: string;
}

/**
 * A local stand-in for TaskRouter's REST API, as Twilio documents it (https://www.twilio.com/docs/taskrouter/api/task):
 * Update Task is POST /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}, form-encoded (AssignmentStatus, Reason),
 * HTTP Basic auth with the Account SID and auth token; a Task can be completed only when assigned or
 * wrapping; Update Worker (…/Workers/{Sid}, ActivitySid) moves a Worker to an Activity; the answer is the resource in snake_case JSON, errors are {code, message, more_info, status}.
 */
export async function startTaskRouterServer(account: { accountSid: string; authToken: string; workspaceSid: string }) {
  const tasks = new Map<string, TaskRecord>();
  const updates: Array<{ sid: string; params: Record<string, string> }> = [];
  /** Workers by SID with their current Activity SID; any worker SID posted to is taken as existing. */
  const workers = new Map<string, { activity_sid: string | null }>();
  const fail = (res: import('node:http').ServerResponse, status: number, code: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const expected = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return fail(res, 401, 20003, 'Authenticate');
      // Update Worker: POST /v1/Workspaces/{WorkspaceSid}/Workers/{Sid} with ActivitySid.
      const worker = /^\/v1\/Workspaces\/([^/]+)\/Workers\/([^/?]+)$/.exec(req.url ?? '');
      if (worker && req.method === 'POST' && worker[1] === account.workspaceSid) {
        const sid = decodeURIComponent(worker[2]!);
        const params = Object.fromEntries(new URLSearchParams(body));
        updates.push({ sid, params });
        if (!/^WA[0-9a-fA-F]{32}$/.test(params.ActivitySid ?? '')) return fail(res, 400, 20001, 'ActivitySid must be an Activity SID');
        workers.set(sid, { activity_sid: params.ActivitySid! });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ account_sid: account.accountSid, workspace_sid: account.workspaceSid, sid, activity_sid: params.ActivitySid, available: true }));
        return;
      }
      const match = /^\/v1\/Workspaces\/([^/]+)\/Tasks\/([^/?]+)$/.exec(req.url ?? '');
      if (!match || req.method !== 'POST' || match[1] !== account.workspaceSid) return fail(res, 404, 20404, 'The requested resource was not found');
      const task = tasks.get(decodeURIComponent(match[2]!));
      if (!task) return fail(res, 404, 20404, 'The requested resource was not found');
      const params = Object.fromEntries(new URLSearchParams(body));
      updates.push({ sid: task.sid, params });
      if (params.AssignmentStatus === 'completed') {
        if (task.assignment_status !== 'assigned' && task.assignment_status !== 'wrapping') {
          return fail(res, 400, 20001, `Cannot complete task ${task.sid} because it is not assigned or wrapping (it is ${task.assignment_status})`);
        }
        task.assignment_status = 'completed';
        task.reason = params.Reason ?? null;
      } else if (params.AssignmentStatus) {
        return fail(res, 400, 20001, `AssignmentStatus ${params.AssignmentStatus} is not supported by this stand-in`);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          account_sid: account.accountSid,
          workspace_sid: account.workspaceSid,
          sid: task.sid,
          assignment_status: task.assignment_status,
          reason: task.reason,
          attributes: task.attributes,
          url: `https://taskrouter.twilio.com${req.url}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    tasks,
    workers,
    updates,
    close,
    /** TaskRouter unreachable (connections refused) until up(): an outage. */
    down: close,
    /** Back on the same address, with the same tasks and workers. */
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };
}
