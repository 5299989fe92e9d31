import { ApiError, TabApi } from './tabApi.js';

const REMEMBERED = 'customerCard.localAgentId';

export interface PickedAgent {
  id: string;
  name: string | undefined;
}

/**
 * The local identity picker: without BOT_ID there is no sign-in, so the person says whose card to show,
 * choosing among the agents the bot knows or typing an id. Clearly marked as local use only; the server
 * honours the choice only when it runs without BOT_ID. The last choice is remembered in this browser.
 */
export async function showLocalIdentityPicker(options: { useRemembered: boolean }): Promise<PickedAgent> {
  const section = element<HTMLElement>('local-identity');
  const form = element<HTMLFormElement>('identity-form');
  const select = element<HTMLSelectElement>('known-agent');
  const typed = element<HTMLInputElement>('typed-agent');
  const problem = element<HTMLElement>('identity-problem');

  let agents: Array<{ id: string; name: string; state: string }> = [];
  try {
    agents = await TabApi.knownAgents();
  } catch (error) {
    problem.textContent = `The list of agents could not be loaded (${error instanceof ApiError ? error.reason : 'no answer'}); type an id instead.`;
    problem.hidden = false;
  }
  const remembered = readRemembered();
  if (options.useRemembered && remembered) {
    const known = agents.find((a) => a.id === remembered);
    return { id: remembered, name: known?.name };
  }

  select.replaceChildren(
    new Option(agents.length ? 'Choose an agent…' : 'No agent yet: say hello to the bot in the chat first', ''),
    ...agents.map((a) => new Option(`${a.name} (${a.state}) · ${a.id}`, a.id, false, a.id === remembered)),
  );
  select.disabled = agents.length === 0;
  section.hidden = false;
  (agents.length ? select : typed).focus();

  return new Promise<PickedAgent>((resolve) => {
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      const id = typed.value.trim() || select.value;
      if (!id) {
        problem.textContent = 'Choose an agent, or type an agent id.';
        problem.hidden = false;
        return;
      }
      problem.hidden = true;
      section.hidden = true;
      form.removeEventListener('submit', onSubmit);
      remember(id);
      resolve({ id, name: agents.find((a) => a.id === id)?.name });
    };
    form.addEventListener('submit', onSubmit);
  });
}

function readRemembered(): string | undefined {
  try {
    return window.localStorage.getItem(REMEMBERED) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(id: string): void {
  try {
    window.localStorage.setItem(REMEMBERED, id);
  } catch {
    // Storage is off (a private window, a policy): the picker simply asks again next time.
  }
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}
