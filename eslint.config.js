import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.mes-webhooks/**', 'test-results/**', 'src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        // The examples are plain JavaScript: Node's web-standard globals.
        Buffer: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The command's entry and the bundle's loader are CommonJS: Node starts them without its ES module loader.
    files: ['bin/**/*.js', 'bin/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // zod's namespace would put all of zod in the bundle: src takes the builders it uses from one file.
    files: ['src/**/*.ts'],
    ignores: ['src/core/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'import { z } from src/core/zod.ts, which names only what is used' },
          ],
        },
      ],
    },
  },
);
