import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { error, ReplyError } from './wireReply.js';

/** HTTP plumbing of the local Dataverse: Prefer and query parsing, bodies, listening, its test certificate. */

export interface Prefer {
  select?: string;
  returnRepresentation: boolean;
  /** Formatted values asked for ("*" or OData.Community.Display.V1.FormattedValue). */
  annotations: boolean;
  /** The lookup annotations (associatednavigationproperty, lookuplogicalname) asked for ("*" or by name). */
  lookupAnnotations: boolean;
  maxPageSize?: number;
  applied(): Record<string, string>;
}

export function parsePrefer(header: string): Prefer {
  const annotations = /odata\.include-annotations="?([^",]+)"?/.exec(header)?.[1];
  const maxPageSize = /odata\.maxpagesize=(\d+)/.exec(header)?.[1];
  const applied = [
    ...(annotations ? [`odata.include-annotations="${annotations}"`] : []),
    ...(maxPageSize ? [`odata.maxpagesize=${maxPageSize}`] : []),
    ...(/return=representation/.test(header) ? ['return=representation'] : []),
  ];
  return {
    returnRepresentation: /return=representation/.test(header),
    annotations: annotations === '*' || (annotations ?? '').includes('FormattedValue'),
    // Each annotation comes only when asked for ("Specify the annotations to return", Web API query docs).
    lookupAnnotations: annotations === '*' || /Microsoft\.Dynamics\.CRM\.(\*|lookuplogicalname|associatednavigationproperty)/.test(annotations ?? ''),
    maxPageSize: maxPageSize ? Number(maxPageSize) : undefined,
    applied: (): Record<string, string> => (applied.length ? { 'Preference-Applied': applied.join(',') } : {}),
  };
}

/** Query options, decoded as an OData service decodes them ("+" is a space: send %2B for a plus). */
export function parseQuery(search: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    query.set(decode(i === -1 ? pair : pair.slice(0, i)), i === -1 ? '' : decode(pair.slice(i + 1)));
  }
  return query;
}

export function parseJson(body: string): Record<string, unknown> {
  if (!body.trim()) return {};
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ReplyError(error(400, '0x80060888', 'The request body is not a valid JSON object.'));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** A throwaway certificate for https://127.0.0.1, made with the openssl CLI. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dataverse-wire-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
