import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** A connection or an open transaction: repositories take either, so services choose the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;
