// `npm run test:e2e`: this package in real n8n instances on 127.0.0.1, from `npm pack` to the
// editor in Chromium. See test/e2e/README.md.
//
//   node scripts/e2e.mjs [--versions=2.40.7,1.123.81] [--skip-v1] [--no-browser]
//
// Environment: E2E_N8N_VERSIONS (like --versions), E2E_SKIP_V1=1, E2E_NO_BROWSER=1,
// E2E_TIMEOUT_MINUTES (whole run, default 40), REPLICAS_RUNTIME_CACHE (runtime cache folder).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { CHROMIUM_BIN } from '../test/e2e/browser.mjs';
import { DOVECOT_BIN } from '../test/e2e/dovecot.mjs';
import { Report } from '../test/e2e/harness.mjs';
import { runCleanups, runScenario } from '../test/e2e/scenario.mjs';
import { N8N_V1_VERSION } from './runtime.mjs';
import { distIsFresh, ensureN8n, N8N_VERSION, packPackage, repoRoot } from './n8n-instance.mjs';

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (text) => process.stdout.write(`${text}\n`);
const note = (text) => process.stdout.write(`[e2e] ${text}\n`);

function options() {
	const args = process.argv.slice(2);
	const flag = (name) => args.includes(`--${name}`);
	const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	const listed = value('versions') ?? process.env.E2E_N8N_VERSIONS;
	let versions = listed
		? listed
				.split(',')
				.map((v) => v.trim())
				.filter(Boolean)
		: [N8N_VERSION, N8N_V1_VERSION];
	if (flag('skip-v1') || process.env.E2E_SKIP_V1 === '1') {
		versions = versions.filter((v) => !v.startsWith('1.'));
	}
	return {
		versions,
		browser: !(flag('no-browser') || process.env.E2E_NO_BROWSER === '1'),
		timeoutMinutes: Number(process.env.E2E_TIMEOUT_MINUTES || 40),
	};
}

/**
 * Chromium and dovecot come from Debian. When they are missing and this runs as root (CI), they
 * are installed; no service is started by the install (policy-rc.d), the tests start their own.
 */
function ensureSystemPackages(wanted) {
	const missing = wanted.filter(({ bin }) => !existsSync(bin));
	if (missing.length === 0) return;
	const names = missing.map(({ pkg }) => pkg);
	if (process.getuid?.() !== 0) {
		throw new Error(
			`missing ${missing.map((m) => m.bin).join(', ')}: ` +
				`run \`sudo apt-get install -y ${names.join(' ')}\``,
		);
	}
	const step = Date.now();
	note(`installing ${names.join(', ')} from Debian's packages…`);
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !existsSync(policy);
	if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const quiet = { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 };
		execFileSync('apt-get', ['update', '-qq'], quiet);
		execFileSync('apt-get', ['install', '-y', '-qq', ...names], quiet);
	} finally {
		if (ownPolicy) rmSync(policy, { force: true });
	}
	note(`installed ${names.join(', ')} in ${seconds(step)}`);
}

const RUNTIME_INSTALL_MS = 20 * 60_000;

/**
 * Installs a runtime when it is not cached, in a child process: the installer blocks while npm
 * runs, and this process must stay able to time out and to answer Ctrl-C meanwhile.
 */
function installRuntime(version, timeoutMs) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'runtime.mjs'), version], {
			stdio: ['ignore', 'inherit', 'inherit'],
			detached: true,
		});
		const kill = () => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		};
		const timer = setTimeout(kill, timeoutMs);
		process.once('exit', kill);
		child.once('error', reject);
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			process.removeListener('exit', kill);
			if (code === 0) resolvePromise();
			else reject(new Error(`installing n8n ${version} failed (${code ?? signal})`));
		});
	});
}

async function main() {
	const { versions, browser, timeoutMinutes } = options();
	const report = new Report();
	const artifactsDir = join(repoRoot, 'test', 'e2e', 'artifacts');
	// Screenshots of an earlier run's failures would mislead.
	rmSync(artifactsDir, { recursive: true, force: true });
	mkdirSync(artifactsDir, { recursive: true });

	// What the scenario under way has started, so that an interrupted run stops and removes it.
	const cleanups = [];
	let tarball;
	let aborting = false;
	const abort = (reason, code) => {
		if (aborting) process.exit(code);
		aborting = true;
		say(reason);
		// A cleanup that hangs must not keep the run alive; the helpers' exit hooks then kill
		// n8n and dovecot.
		setTimeout(() => process.exit(code), 60_000).unref();
		runCleanups(cleanups)
			.then(() => tarball && rm(dirname(tarball), { recursive: true, force: true }))
			.finally(() => process.exit(code));
	};
	setTimeout(() => {
		say(`FAIL the whole run exceeded ${timeoutMinutes} minutes`);
		abort(
			report.summary().replace(/(\d+) failed/, (_, n) => `${Number(n) + 1} failed`),
			1,
		);
	}, timeoutMinutes * 60_000).unref();
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => abort(`[e2e] ${signal}: stopping what was started…`, 130));
	}

	ensureSystemPackages([
		{ bin: DOVECOT_BIN, pkg: 'dovecot-imapd' },
		...(browser ? [{ bin: CHROMIUM_BIN, pkg: 'chromium' }] : []),
	]);

	let step = Date.now();
	const fresh = await distIsFresh();
	tarball = await packPackage({ build: !fresh });
	note(
		`packed ${tarball.split('/').pop()} (${fresh ? 'dist/ was fresh' : 'built'}) in ${seconds(step)}`,
	);

	const timings = [];
	try {
		for (const version of versions) {
			step = Date.now();
			let runtime;
			await report.step(
				`[n8n ${version}] runtime: cached n8n ${version} (installed when missing)`,
				async () => {
					await installRuntime(version, RUNTIME_INSTALL_MS);
					runtime = ensureN8n(version);
					return `${runtime.dir} (node ${runtime.nodeBin})`;
				},
				{ timeoutMs: RUNTIME_INSTALL_MS + 10_000 },
			);
			const install = Date.now() - step;
			if (!runtime) continue;
			const scenarioStart = Date.now();
			await runScenario({ runtime, tarball, report, artifactsDir, browser, cleanups });
			timings.push(
				`n8n ${version}: runtime ${(install / 1000).toFixed(1)} s, scenario ${seconds(scenarioStart)}`,
			);
		}
	} finally {
		await rm(dirname(tarball), { recursive: true, force: true });
	}
	for (const line of timings) note(line);
	note(`artifacts (screenshots, n8n logs): ${artifactsDir.replace(`${repoRoot}/`, '')}/`);
	note(`wall time ${seconds(started)}`);
	say(report.summary());
	return report.failed === 0 && report.passed > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		say(`FAIL ${error.stack ?? error}`);
		say('e2e: 0 passed, 1 failed');
		process.exit(1);
	},
);
