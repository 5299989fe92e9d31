import { z } from 'zod';
import { DIGITAL_KINDS, type DigitalChannel, type DigitalKind } from '../domain/digital.js';
import { apiErrorMap, describeApiIssues, text } from './apiIssues.js';
import { isSkillName } from './digitalConfig.js';

/** A channel id: it is part of the messages address, so it keeps to characters that need no escaping. */
export const CHANNEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const channelBody = z
  .object({
    id: z.string().regex(CHANNEL_ID, '1 to 100 letters, digits and . _ : - (a UUID, say)'),
    idOnExternalPlatform: text(200),
    channelIntegrationId: text(100),
    realExternalPlatformId: text(100).nullish(),
    name: text(100),
    isPrivate: z.boolean().default(false),
    hasTreeStructure: z.boolean().default(false),
    kind: z.enum(DIGITAL_KINDS as [DigitalKind, ...DigitalKind[]]).default('chat'),
    skill: z.string().refine(isSkillName, 'a skill is 2 to 30 letters, digits and - _ . :').nullish(),
  })
  .strict();

export type ChannelParse = { ok: true; channel: DigitalChannel } | { ok: false; problem: string };

/**
 * A channel registration (POST /dfo/3.0/channels, seed 002) by the integration `integrationId`: the body's
 * channelIntegrationId must name that same integration (the seed: "YOUR INTEGRATION ID").
 */
export function parseChannel(body: unknown, integrationId: string): ChannelParse {
  const parsed = channelBody.safeParse(body, { errorMap: apiErrorMap });
  if (!parsed.success) return { ok: false, problem: describeApiIssues(parsed.error.issues) };
  const given = parsed.data;
  if (given.channelIntegrationId !== integrationId) return { ok: false, problem: 'channelIntegrationId: must be the id of the integration this token was issued to' };
  return {
    ok: true,
    channel: {
      id: given.id,
      integrationId,
      idOnExternalPlatform: given.idOnExternalPlatform,
      channelIntegrationId: given.channelIntegrationId,
      realExternalPlatformId: given.realExternalPlatformId ?? null,
      name: given.name.trim(),
      isPrivate: given.isPrivate,
      hasTreeStructure: given.hasTreeStructure,
      kind: given.kind,
      skill: given.skill ?? null,
    },
  };
}

/** A channel as the API shows it: the seed's fields and ours. */
export function channelView(channel: DigitalChannel): Record<string, unknown> {
  const { integrationId: _integrationId, ...shown } = channel;
  return shown;
}
