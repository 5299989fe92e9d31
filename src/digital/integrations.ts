import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DigitalIntegration } from '../domain/digital.js';
import { describeIssues, invalidInput } from '../domain/errors.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { hashSecret, randomSecret, secretMatches, unknownClientHash } from './secrets.js';

/** An address the app may call: https, or http to this machine only (a middleware under test or in a demo). */
export function isAcceptableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const url = z.string().trim().max(2000).refine(isAcceptableUrl, 'must be an https:// address (http:// only for localhost), without a user or password');
const optionalText = (max: number) => z.string().trim().min(1).max(max).nullish();

/** What an admin (or the simulator) gives to set up an integration. */
export const integrationSettingsSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, '1 to 100 letters, digits and . _ : - (starting with a letter or digit)')
      .optional(),
    name: z.string().trim().min(1, 'required').max(100),
    boxUrl: url,
    authorizationUrl: url.nullish(),
    outboundClientId: optionalText(200),
    outboundSecretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,99}$/, 'an environment variable name: capital letters, digits and _')
      .nullish(),
  })
  .strict();
export type IntegrationSettings = z.input<typeof integrationSettingsSchema>;

export interface IssuedIntegration {
  integration: DigitalIntegration;
  /** Shown once: only its hash is kept. */
  clientSecret: string;
}

/**
 * The integrations (external platforms' middlewares) and the OAuth 2.0 client credentials the app issues
 * them: the client id is stable, the secret is new at every issue and kept only as a scrypt hash.
 */
export class Integrations {
  constructor(private readonly deps: { unit: UnitOfWork; clock: () => Date }) {}

  /** Creates an integration, or (same id) updates its settings and rotates its secret: the old one stops working. */
  async issue(settings: IntegrationSettings): Promise<IssuedIntegration> {
    const parsed = integrationSettingsSchema.safeParse(settings);
    if (!parsed.success) throw invalidInput(`Integration: ${describeIssues(parsed.error.issues)}`);
    const given = parsed.data;
    const clientSecret = randomSecret();
    const secretHash = await hashSecret(clientSecret);
    const integration = await this.deps.unit.run(async (repos) => {
      const existing = given.id ? await repos.digitalIngress.findIntegration(given.id) : undefined;
      const integration: DigitalIntegration = {
        id: given.id ?? randomUUID(),
        name: given.name,
        clientId: existing?.clientId ?? randomSecret(),
        boxUrl: given.boxUrl,
        authorizationUrl: given.authorizationUrl ?? null,
        outboundClientId: given.outboundClientId ?? null,
        outboundSecretEnv: given.outboundSecretEnv ?? null,
        createdAt: existing?.createdAt ?? this.deps.clock().toISOString(),
      };
      await repos.digitalIngress.putIntegration(integration, secretHash);
      return integration;
    });
    return { integration, clientSecret };
  }

  /** Points an existing integration's box at `boxUrl`, its secret unchanged (no hashing); false when there is none. */
  async moveBox(id: string, boxUrl: string): Promise<boolean> {
    if (!isAcceptableUrl(boxUrl)) throw invalidInput('Integration: boxUrl must be an https:// address (http:// only for localhost)');
    return this.deps.unit.repos.digitalIngress.moveBox(id, boxUrl);
  }

  find(id: string): Promise<DigitalIntegration | undefined> {
    return this.deps.unit.repos.digitalIngress.findIntegration(id);
  }

  list(): Promise<DigitalIntegration[]> {
    return this.deps.unit.repos.digitalIngress.listIntegrations();
  }

  /**
   * The integration these client credentials belong to, or null. An unknown client id costs the same scrypt
   * as a wrong secret, so neither the answer nor its timing says whether the id exists.
   */
  async verify(clientId: string, clientSecret: string): Promise<DigitalIntegration | null> {
    // Awaited on both paths, so even the process's first check costs the same whether the id exists or not.
    const dummy = await unknownClientHash();
    const found = clientId.length <= 200 ? await this.deps.unit.repos.digitalIngress.findCredentials(clientId) : undefined;
    const matches = await secretMatches(clientSecret, found?.clientSecretHash ?? dummy);
    return found && matches ? found.integration : null;
  }
}
