import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS, helpContextFor, manifestCommands } from '../../src/teams/chatCommands.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const contextFor = (simulator: boolean, supervisor: boolean) => helpContextFor({ acd: { enabled: simulator }, agents: { isSupervisor: () => supervisor, reasonCodes: ['Lunch'] } }, 'someone');

describe('the chat commands table', () => {
  it("is what the app manifest offers in Teams' command menu, help first", () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8')) as {
      bots: Array<{ commandLists: Array<{ scopes: string[]; commands: unknown }> }>;
    };
    const personal = manifest.bots[0]!.commandLists.find((list) => list.scopes.includes('personal'));
    expect(personal?.commands).toEqual(manifestCommands());
    expect(manifestCommands()[0]?.title).toBe('help');
  });

  it('routes each command word (with its argument) to that command only', () => {
    for (const command of CHAT_COMMANDS) {
      const message = command.usage.includes('<') ? `${command.word} something` : command.word;
      expect(CHAT_COMMANDS.filter((other) => other.pattern.test(message)).map((c) => c.word)).toEqual([command.word]);
      expect(command.pattern.test(`  ${message.toUpperCase()} `)).toBe(true);
    }
    expect(CHAT_COMMANDS.filter((c) => c.pattern.test('hang up')).map((c) => c.word)).toEqual(['hangup']);
    expect(CHAT_COMMANDS.filter((c) => c.pattern.test('hello')).map((c) => c.word)).toEqual(['help']);
    expect(CHAT_COMMANDS.filter((c) => c.pattern.test('availability'))).toEqual([]);
  });

  it('lists on the help card what this person may use', () => {
    const usages = (simulator: boolean, supervisor: boolean) => contextFor(simulator, supervisor).commands.map((c) => c.usage);
    expect(usages(true, true)).toEqual(CHAT_COMMANDS.map((c) => c.usage));
    expect(usages(false, false)).toEqual(['available', 'unavailable <reason>', 'search <text>', 'hangup', 'card', 'reply <text>', 'help']);
    expect(usages(true, false)).toContain('call <number>');
    expect(usages(false, true)).toContain('status');
  });
});
