// eslint.config.mjs - ESLint's recommended rules on the UI's sources and
// the browser tests (tests/e2e/ui_lint.sh runs it from the repository's
// root with --config, which makes that root the base path).
import js from '@eslint/js';
import globals from 'globals';

export default [
	js.configs.recommended,
	// an unused catch binding says "whatever went wrong": allowed
	{ rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }] } },
	{
		files: ['server/ui/src/**/*.js'],
		languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.browser },
	},
	{
		// node scripts that also hand functions to the page (page.evaluate)
		files: ['tests/browser/**/*.mjs', 'server/ui/*.mjs'],
		languageOptions: { ecmaVersion: 2022, sourceType: 'module',
			globals: { ...globals.node, ...globals.browser } },
	},
];
