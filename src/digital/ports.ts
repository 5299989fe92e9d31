import type { DigitalChannel, EndUserIdentity, MessageDirection } from '../domain/digital.js';

/*
 * How the digital pieces meet: the channels API (channelsRoute/messagesRoute) hands stored-to-be messages to
 * the intake (threadIntake.ts); the thread outcomes (transfer, unassign) ask the router (threadRouting.ts)
 * for an agent. Each side depends on these shapes, not on the other's class.
 */

/** One message as the platform sent it, checked and normalized by the messages API. */
export interface InboundMessage {
  idOnExternalPlatform: string;
  threadIdOnExternalPlatform: string;
  text: string;
  /** ISO-8601 UTC with milliseconds, from createdAtWithMilliseconds and its offset. */
  createdAt: string;
  direction: MessageDirection;
  author: EndUserIdentity;
}

export interface IntakeResult {
  /** Messages new to the store. */
  stored: number;
  /** Messages already stored (the platform sent them again): nothing changed for them. */
  duplicates: number;
}

/** Stores a channel's messages (once each), opens a thread's interaction when it is new, and routes it. */
export interface MessageIntake {
  receive(channel: DigitalChannel, messages: InboundMessage[]): Promise<IntakeResult>;
}

/** Who gets a thread. */
export interface ThreadRouter {
  /**
   * Assigns the thread to an Available agent with its skill (round robin, under the digital concurrency),
   * posts its card to them, and returns their id; null when nobody can take it now (it waits, queued).
   */
  route(threadId: string, options?: { skill?: string | null; excludeAgentId?: string }): Promise<string | null>;
  /** Gives the thread to this agent (a transfer to a person) and posts its card to them. */
  assignTo(threadId: string, agentId: string): Promise<void>;
  /** Routes the queued threads that agents can take now, oldest first; how many were assigned. */
  drainQueue(): Promise<number>;
}
