import { z } from 'zod';
import { describeIssues } from '../domain/errors.js';
import { jsonValue, wholeNumber } from '../envFields.js';

/**
 * The digital channels' settings, from the environment:
 * - DIGITAL_CONCURRENCY: how many digital interactions an agent handles at once (default 3);
 * - DIGITAL_AGENT_SKILLS: JSON {"<agent email or Entra object id>": ["Chat", "Billing"]}; unset: every agent takes every skill;
 * - DIGITAL_IDENTITY_MAP: JSON {"<end user's idOnExternalPlatform>": "<email or phone>"}: how the data dip finds
 *   a customer whose platform id is neither an email nor a phone number;
 * - DIGITAL_TOKEN_TTL_SECONDS: how long an access token issued to an integration lasts (default 3600);
 * - SIMULATOR_CHAT_DOMAIN: the domain of the chat simulator's end users' emails (`chat Peter Solo …` writes as
 *   peter.solo@<domain>; default tailwind.example, Peter Solo's in the embedded demo CRM).
 * - DIGITAL_REPLY_MAX_ATTEMPTS: how many times an agent's reply is tried at the integration box URL before it
 *   is given up as not delivered (default 8).
 */
export interface DigitalConfig {
  concurrency: number;
  agentSkills: ReadonlyMap<string, readonly string[]> | undefined;
  identityMap: ReadonlyMap<string, string>;
  tokenTtlSeconds: number;
  simulatorChatDomain: string;
  replyMaxAttempts: number;
}

const SKILL = /^[A-Za-z0-9\-_.:]{2,30}$/;

const envSchema = z.object({
  DIGITAL_CONCURRENCY: wholeNumber(1, 50, 3),
  DIGITAL_AGENT_SKILLS: jsonValue(z.record(z.string().min(1).max(254), z.array(z.string().regex(SKILL, 'skills are 2 to 30 letters, digits or - _ . :')).max(50))),
  DIGITAL_IDENTITY_MAP: jsonValue(z.record(z.string().min(1).max(200), z.string().min(3).max(254))),
  DIGITAL_TOKEN_TTL_SECONDS: wholeNumber(60, 86_400, 3600),
  SIMULATOR_CHAT_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{1,200}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain name, for example tailwind.example')
    .default('tailwind.example'),
  DIGITAL_REPLY_MAX_ATTEMPTS: wholeNumber(1, 50, 8),
});

export function digitalConfigFrom(env: Record<string, string | undefined>): DigitalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Digital channel settings: ${describeIssues(parsed.error.issues)}`);
  const e = parsed.data;
  return {
    concurrency: e.DIGITAL_CONCURRENCY,
    agentSkills: e.DIGITAL_AGENT_SKILLS ? new Map(Object.entries(e.DIGITAL_AGENT_SKILLS).map(([agent, skills]) => [agent.toLowerCase(), skills])) : undefined,
    identityMap: new Map(Object.entries(e.DIGITAL_IDENTITY_MAP ?? {})),
    tokenTtlSeconds: e.DIGITAL_TOKEN_TTL_SECONDS,
    simulatorChatDomain: e.SIMULATOR_CHAT_DOMAIN,
    replyMaxAttempts: e.DIGITAL_REPLY_MAX_ATTEMPTS,
  };
}

/** Skill names as SPEC allows them: 2 to 30 letters, digits and - _ . : */
export function isSkillName(value: string): boolean {
  return SKILL.test(value);
}
