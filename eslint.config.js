import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// DESIGN: moving SDKs is a one-folder change.
const botFramework = { group: ['botbuilder*', '@microsoft/teams-ai', 'botframework-*'], message: 'Only src/teams/ talks to the Bot Framework.' };
const domainImportsNothing = {
  group: ['../**'],
  message: 'src/domain/ is plain types and rules: it imports only its own ./ files and packages, nothing else from src/, so every layer can use it.',
};
const teamsNeverStore = {
  group: ['**/store/**', '**/crm/**'],
  message: 'src/teams/ talks to services only: the database and the CRM stay behind them, so the Bot Framework layer can be replaced alone.',
};
const cardsNeverServices = {
  group: ['**/interactions/**', '**/agents/**', '**/workflows/**', '**/store/**', '**/crm/**'],
  message: 'src/cards/ are pure functions of domain values: a type a card needs belongs in src/domain/, not in a service.',
};
const workflowsNeverAdapters = {
  group: ['**/crm/*/**'],
  message: 'src/workflows/ see the CRM through its port (src/crm/port.ts) only: a vendor adapter is chosen by the registry, not by a workflow.',
};

/** One folder's import restrictions: no-restricted-imports for `files`, except `ignores`. */
function boundary(files, ignores, patterns) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'appPackage/build/', 'test-results/', 'tabs/dist/', 'bench/.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Every promise is awaited or handled: a floating sendActivity loses a reply silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Folder boundaries (README "How the code is laid out"). A later block's no-restricted-imports replaces an
  // earlier one's for the same file, so each block lists every restriction its folder is under.
  boundary(['src/**/*.ts'], ['src/teams/**', 'src/index.ts', 'src/server.ts'], [botFramework]),
  boundary(['src/domain/**'], [], [botFramework, domainImportsNothing]),
  boundary(['src/teams/**'], [], [teamsNeverStore]),
  boundary(['src/cards/**'], [], [botFramework, cardsNeverServices]),
  boundary(['src/workflows/**'], [], [botFramework, workflowsNeverAdapters]),
  {
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read cards and activities as the untyped JSON Teams sends and receives.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
