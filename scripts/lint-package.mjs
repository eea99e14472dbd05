// `npm run lint` (last part): the checks of n8n's community-package scanner
// (@n8n/scan-community-package), run locally. The scanner itself only scans a package published
// with npm provenance; its lint stage is reproduced here with the same rule sets:
// @n8n/eslint-plugin-community-nodes' recommended rules, `no-console`, and
// eslint-plugin-n8n-nodes-base's community (package.json), credentials and nodes rule sets.
// Like the scanner it lints two things:
//   - the packed tarball: its package.json and every compiled `.js` file;
//   - the source (the scanner fetches the attested GitHub commit): package.json and
//     `{nodes,credentials}/**/*.{js,ts,json}`.
// Errors fail, as in the scanner; warnings fail too, as with this project's `--max-warnings 0`.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import communityNodes from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

import { distIsFresh, packPackage, repoRoot } from './n8n-instance.mjs';

/** The scanner's flat config (scanner/scanner.mjs, buildScanConfig), rebuilt from its parts. */
function scanConfig() {
	return [
		communityNodes.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
		{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
	];
}

async function listFiles(dir, keep, base = dir) {
	const found = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		if (entry.name === 'node_modules') continue;
		const path = join(dir, entry.name);
		if (entry.isDirectory()) found.push(...(await listFiles(path, keep, base)));
		else if (keep(relative(base, path))) found.push(path);
	}
	return found;
}

async function lint(label, cwd, files) {
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: scanConfig(),
	});
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
	const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
	const formatted = await (await eslint.loadFormatter('stylish')).format(results);
	if (formatted.trim()) process.stdout.write(formatted);
	process.stdout.write(
		`lint:package ${label}: ${files.length} files, ${errors} errors, ${warnings} warnings\n`,
	);
	return errors + warnings;
}

async function main() {
	const work = await mkdtemp(join(tmpdir(), 'n8n-nodes-replicas-scan-'));
	try {
		// Pack what would be published; dist/ is rebuilt unless it is newer than its sources.
		const tarball = await packPackage({ build: !(await distIsFresh()), destination: work });
		const unpacked = join(work, 'package');
		await mkdir(unpacked);
		execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);

		const packed = await listFiles(
			unpacked,
			(path) => path === 'package.json' || path.endsWith('.js'),
		);
		const source = await listFiles(
			repoRoot,
			(path) => path === 'package.json' || /^(nodes|credentials)\/.+\.(js|ts|json)$/.test(path),
		);
		const problems =
			(await lint(`tarball ${tarball.split('/').pop()}`, unpacked, packed)) +
			(await lint('source', repoRoot, source));
		return problems === 0 ? 0 : 1;
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`lint:package failed: ${error.stack ?? error}\n`);
		process.exit(1);
	},
);
