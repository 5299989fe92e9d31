import type { DigitalChannel } from '../../src/domain/digital.js';
import type { InboundMessage, IntakeResult, MessageIntake } from '../../src/digital/ports.js';

/**
 * A MessageIntake for the channels API's own tests: it records what the API handed over and counts a message
 * id seen before on the same channel as a duplicate, as the port promises. The real one is the threads piece's.
 */
export class RecordingIntake implements MessageIntake {
  readonly received: Array<{ channel: DigitalChannel; messages: InboundMessage[] }> = [];
  private readonly seen = new Set<string>();

  async receive(channel: DigitalChannel, messages: InboundMessage[]): Promise<IntakeResult> {
    this.received.push({ channel, messages });
    let stored = 0;
    for (const message of messages) {
      const key = `${channel.id}\u0000${message.idOnExternalPlatform}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      stored += 1;
    }
    return { stored, duplicates: messages.length - stored };
  }

  /** The last call's messages. */
  last(): { channel: DigitalChannel; messages: InboundMessage[] } {
    const call = this.received.at(-1);
    if (!call) throw new Error('the intake received nothing');
    return call;
  }
}
