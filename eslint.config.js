// ESLint for the browser code (`make lint`, and `make test` before pytest). The app itself
// needs no Node.js: package.json holds only these development tools.
import js from '@eslint/js';
import globals from 'globals';

const rules = {
  eqeqeq: ['error', 'always'],
  'no-var': 'error',
  'prefer-const': 'error',
};

export default [
  // Third-party code kept as its package ships it (static/vendor/README.md).
  { ignores: ['static/vendor/**'] },
  js.configs.recommended,
  {
    files: ['static/js/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: globals.browser,
    },
    rules,
  },
  {
    // The app page's first script, classic and written into the page (survey/web/offline_app.py).
    files: ['static/js/boot.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
    rules,
  },
  {
    // A classic worker script; the server replaces __VERSION__ and __VENDOR__ (inside strings) and
    // __SHELL_URLS__ (the shell's URLs, inside the array literal) when serving it.
    files: ['static/sw.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.serviceworker, __SHELL_URLS__: 'readonly' },
    },
    rules,
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
];
