import pino from 'pino';
import type { Response } from 'restify';
import { describe, expect, it } from 'vitest';
import { AppError, conflict, forbidden, invalidInput, notFound, stale, type ErrorCode } from '../src/domain/errors.js';
import { GENERIC_FAILURE, messageForPerson, reportError } from '../src/errorReporting.js';
import { answerFailure } from '../src/http/failureAnswer.js';

/** A logger whose lines are kept, parsed. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** A restify response that keeps what is sent. */
function recordingResponse(headersSent = false) {
  const sent: Array<{ status: number; body: unknown }> = [];
  const res = { headersSent, send: (status: number, body: unknown) => void sent.push({ status, body }) } as unknown as Response;
  return { res, sent };
}

describe('the error funnel', () => {
  it.each<[AppError, number]>([
    [invalidInput('Type a name.'), 400],
    [forbidden('Supervisors only.'), 403],
    [notFound('No such card.'), 404],
    [conflict('Already merged.'), 409],
    [stale('The card changed.'), 409],
    [new AppError('config', 'No CRM is configured.'), 500],
    [new AppError('crm_failure', 'The CRM said no.'), 502],
  ])('gives our own error (%s) its message and status, logged as a refusal', (error, status) => {
    const { logger, lines } = recordingLogger();
    expect(reportError(error, logger, { agentId: 'a1' })).toEqual({ message: error.message, status });
    expect(lines).toMatchObject([{ level: 30, msg: 'request refused', code: error.code as ErrorCode, agentId: 'a1' }]);
  });

  it('gives anything else the one generic text and 500, and logs it with its error', () => {
    const { logger, lines } = recordingLogger();
    const answer = reportError(new Error('connection reset by db-7.internal'), logger, { route: 'x' });
    expect(answer).toEqual({ message: GENERIC_FAILURE, status: 500 });
    expect(answer.message).not.toContain('db-7');
    expect(lines).toMatchObject([{ level: 50, msg: 'request failed', route: 'x', err: { message: 'connection reset by db-7.internal' } }]);
    expect(messageForPerson('a thrown string', logger, {})).toBe(GENERIC_FAILURE);
  });

  it('answers an HTTP request with the same status and message, unless an answer has started', () => {
    const { logger } = recordingLogger();
    const refused = recordingResponse();
    answerFailure(refused.res, notFound('No such card.'), logger, {});
    expect(refused.sent).toEqual([{ status: 404, body: { error: 'No such card.' } }]);
    const failed = recordingResponse();
    answerFailure(failed.res, new TypeError('x is undefined'), logger, {});
    expect(failed.sent).toEqual([{ status: 500, body: { error: GENERIC_FAILURE } }]);
    const started = recordingResponse(true);
    answerFailure(started.res, new Error('late'), logger, {});
    expect(started.sent).toEqual([]);
  });
});
