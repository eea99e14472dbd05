import communityNodes from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import jsoncParser from 'jsonc-eslint-parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

// The rule sets n8n's community-package scanner applies: eslint-plugin-n8n-nodes-base's community,
// credentials and nodes sets, plus @n8n/eslint-plugin-community-nodes' recommended rules.
const community = communityNodes.configs.recommended;

// Off for the reasons n8n's own node-cli turns them off: a community credential links to an https
// documentation page, not an n8n docs slug; and nodes declare connections with
// NodeConnectionTypes, which @n8n/community-nodes' node-connection-type-literal asks for.
const conflictingBaseRules = {
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
};

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/e2e/artifacts/**', '.bench/**'] },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...community.plugins },
		rules: { ...n8nNodesBase.configs.community.rules, ...community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...community.plugins },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			...community.rules,
			...conflictingBaseRules,
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...community.plugins },
		rules: { ...n8nNodesBase.configs.nodes.rules, ...community.rules, ...conflictingBaseRules },
	},
	{
		files: ['test/**/*.ts', 'scripts/**/*.{js,mjs}', 'test/**/*.js', '*.js'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		rules: {},
	},
];
