// ESLint flat config. `npm run lint` runs it; `npm test` runs `npm run lint` first.
// Type-aware rules come from typescript-eslint; import cycles and the pipeline's stage order
// (ARCHITECTURE.md "Invariants") from eslint-plugin-import-x, mirroring test/architecture.test.ts.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const CORE = 'server/src/core';
/** Pipeline stages, lowest first: a stage may import only from itself and lower stages. */
const STAGES = ['model', 'formats', 'index', 'rules', 'features'];
const stageZones = STAGES.slice(0, -1).map((stage, i) => ({
  target: `./${CORE}/${stage}`,
  from: STAGES.slice(i + 1).map((higher) => `./${CORE}/${higher}`),
  message: `the ${stage} stage must not import from a later pipeline stage`,
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', '.vscode-test/**', 'test/corpus/**', 'examples/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: stageZones }],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'max-lines': ['warn', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // The core: no editor, LSP or Node APIs (test/architecture.test.ts checks the same).
    files: [`${CORE}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode', 'vscode-*'], message: 'the core imports no editor or LSP API' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'url', 'util'], message: 'the core does no I/O: go through the WorkspaceHost' },
          // Packages: only the pure parsers ARCHITECTURE.md lists (saxes: firewalld XML with positions) and immutable's persistent maps.
          { regex: '^(?!\\.|yaml$|jsonc-parser$|toml-eslint-parser$|picomatch$|saxes$|immutable$)', message: 'the core uses only yaml, jsonc-parser, toml-eslint-parser, picomatch, saxes and immutable' },
        ],
      }],
    },
  },
  {
    // Tests and benchmarks: long describe blocks and test bodies are fine.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines-per-function': 'off', 'max-lines': 'off' },
  },
);
