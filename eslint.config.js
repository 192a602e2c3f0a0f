// One linter for the whole tree. Besides the usual checks it enforces the architecture's layers:
// shared/ imports nothing of ours and no platform; the host never imports Electron; the renderer
// reaches the host only through the contract.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noNode = { group: ['node:*'], message: 'shared/ and renderer/ run without Node.' };
const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'Only electron/main and electron/preload may import Electron.',
};
const noReact = {
  group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
  message: 'shared/ has no UI.',
};
const noSides = (...sides) => ({
  group: sides.flatMap((side) => [`**/${side}/**`, `../${side}`, `../../${side}`]),
  message: `This layer may not import ${sides.join(' or ')}.`,
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noNode, noElectron, noReact, noSides('electron', 'renderer', 'server')] },
      ],
    },
  },
  {
    files: ['electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noElectron, noSides('renderer', 'main', 'preload')] },
      ],
    },
  },
  {
    // The central server is its own deployable: it shares only shared/ with the workstation.
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noElectron, noReact, noSides('electron', 'renderer')] },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noNode, noElectron, noSides('electron', 'server')] },
      ],
    },
  },
);
