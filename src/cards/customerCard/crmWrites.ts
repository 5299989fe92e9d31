import type { CustomerCardView } from '../../domain/customerCard.js';
import { facts, heading, plain, text, trimText } from '../elements.js';
import type { CardElement } from '../schema/adaptiveCard.js';

/** What ACW wrote to the CRM, record by record: in words, so progress does not hide in a colour. */
export function crmWrites(view: CustomerCardView, limit: number): CardElement[] {
  const word = {
    pending: 'Waiting',
    running: 'Saving',
    done: 'Saved',
    dead: 'Failed',
    superseded: 'Not needed: a later call’s data is saved',
    nothing: 'Nothing to write: no data mapping covers this record',
  } as const;
  const lines = view.crmWrites.slice(0, 2 * limit).map((w) => ({
    title: `${w.what === 'timeline' ? 'Activity' : 'Data'} · ${plain(trimText(w.record, 60))}`,
    value: `${word[w.status]}${w.error ? `: ${plain(trimText(w.error, 160))}. An admin can retry it.` : ''}`,
  }));
  const done = view.crmWrites.filter((w) => w.status === 'done').length;
  // A superseded write, or one with nothing to write, is not one to save: "2 of 3" would wait forever for it.
  const toSave = view.crmWrites.filter((w) => w.status !== 'superseded' && w.status !== 'nothing').length;
  return [
    heading(`Saved to the CRM (${done} of ${toSave})`, 'Medium'),
    facts(lines),
    ...(view.crmWrites.length > lines.length ? [text(`Showing ${lines.length} of ${view.crmWrites.length}.`, { isSubtle: true })] : []),
  ];
}
