import type { DigitalChannel } from '../domain/digital.js';
import { conflict } from '../domain/errors.js';
import type { UnitOfWork } from '../store/unitOfWork.js';

/** The channels integrations register; each integration sees and changes only its own. */
export class Channels {
  constructor(private readonly deps: { unit: UnitOfWork; clock: () => Date }) {}

  /** Registers the channel, or updates it (same id, same integration); another integration's id is a conflict that does not say whose. */
  async register(channel: DigitalChannel): Promise<'created' | 'updated'> {
    const outcome = await this.deps.unit.repos.digitalIngress.putChannel(channel, this.deps.clock().toISOString());
    if (outcome === 'taken') throw conflict('id: this channel id is already in use; choose another');
    return outcome;
  }

  /** The integration's channel with this id; undefined alike when it does not exist and when it is another integration's. */
  async findOwn(integrationId: string, channelId: string): Promise<DigitalChannel | undefined> {
    const channel = await this.deps.unit.repos.digitalIngress.findChannel(channelId);
    return channel?.integrationId === integrationId ? channel : undefined;
  }

  listOwn(integrationId: string): Promise<DigitalChannel[]> {
    return this.deps.unit.repos.digitalIngress.listChannelsOf(integrationId);
  }
}
