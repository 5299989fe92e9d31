import { ActivityTypes, type Activity, type InvokeResponse } from 'botbuilder';

/** A Universal Actions answer with the card to show in place of the one clicked. */
interface CardBody {
  statusCode: 200;
  type: 'application/vnd.microsoft.card.adaptive';
  value: object;
}

/** A Universal Actions error: Teams shows its message to the one who clicked. */
interface ErrorBody {
  statusCode: 400;
  type: 'application/vnd.microsoft.error';
  value: { code: 'BadRequest'; message: string };
}

/*
 * The invoke responses the bot sends itself, each kind built in one place: the adapter answers the HTTP
 * request with the one a turn sent (see BotAdapter.handle).
 */

function invokeResponse<T extends CardBody | ErrorBody | undefined>(response: InvokeResponse<T>): Partial<Activity> {
  return { type: ActivityTypes.InvokeResponse, value: response };
}

/** The card to show in place of the one clicked. */
export function cardInvokeResponse(card: object): Partial<Activity> {
  return invokeResponse<CardBody>({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } });
}

/** A card action refused as malformed (400), with what is wrong. */
export function badRequestInvokeResponse(message: string): Partial<Activity> {
  return invokeResponse<ErrorBody>({ status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } } });
}

/** An invoke acknowledged with nothing to show (200, no body). */
export function emptyInvokeResponse(): Partial<Activity> {
  return invokeResponse<undefined>({ status: 200 });
}
