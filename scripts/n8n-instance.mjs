// Reusable pieces for running this package inside a real, self-hosted n8n on 127.0.0.1:
// pack the package, install the tarball like a manual community-node install, start n8n
// (`npm run dev`, the e2e tests and the benchmark), and run headless n8n CLI commands.
// Plain ESM for Node 20; only n8n itself runs on the runtime's Node 24.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cacheRoot, ensureN8n, N8N_VERSION, npmEnv } from './runtime.mjs';

export { cacheRoot, ensureN8n, N8N_VERSION };

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_NAME = 'n8n-nodes-replicas';
export const NODE_TYPES = [`${PACKAGE_NAME}.replica`, `${PACKAGE_NAME}.replicaTool`];
export const DEFAULT_PORT = 5678;
export const LOOPBACK = '127.0.0.1';

/** The user folder `npm run dev` uses unless `N8N_USER_FOLDER` is set. It survives restarts. */
export function defaultUserFolder() {
	return process.env.N8N_USER_FOLDER || join(cacheRoot, 'dev-user');
}

/** Where n8n looks for manually installed community packages. */
export function nodesDir(userFolder) {
	return join(userFolder, '.n8n', 'nodes');
}

/**
 * Settings that keep n8n on loopback, on SQLite and away from n8n's own servers (telemetry,
 * version checks, templates, banners, the verified-community-nodes list, licence renewal, the
 * MCP registry).
 * Every name here exists in n8n 2.40.7's config (`@n8n/config` and the community-packages module).
 */
export const OFFLINE_ENV = Object.freeze({
	N8N_LISTEN_ADDRESS: LOOPBACK,
	N8N_HOST: LOOPBACK,
	N8N_PROTOCOL: 'http',
	N8N_SECURE_COOKIE: 'false',
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOOPBACK,
	DB_TYPE: 'sqlite',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	// Manually installed packages such as this one are "unverified"; n8n 2.40 warns that the
	// default will flip to false.
	N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
});

/**
 * Modules to switch off when the runtime has them (n8n refuses to start on an unknown module
 * name, and n8n 1.x has no MCP registry). mcp-registry's start-up task downloads the MCP server
 * catalogue from api.n8n.io.
 */
const OFFLINE_DISABLED_MODULES = ['mcp-registry'];

function disabledModules(runtime) {
	if (!runtime?.dir) return [];
	const file = join(
		runtime.dir,
		'node_modules',
		'@n8n',
		'backend-common',
		'dist',
		'modules',
		'modules.config.js',
	);
	let source;
	try {
		source = readFileSync(file, 'utf8');
	} catch {
		return [];
	}
	return OFFLINE_DISABLED_MODULES.filter((name) => source.includes(`'${name}'`));
}

/** n8n's requests to these hosts fail without internet; their log lines are noise. */
const NOISE = [
	/\b(?:api|api-rs|ph|license|enterprise)\.n8n\.io\b/,
	/\b(?:ENOTFOUND|EAI_AGAIN|getaddrinfo)\b/,
];

/** True for n8n output lines worth showing (drops failed look-ups of n8n's own servers). */
export function isInterestingLine(line) {
	return !NOISE.some((pattern) => pattern.test(line));
}

function run(command, args, options = {}) {
	return new Promise((resolvePromise, reject) => {
		execFile(
			command,
			args,
			{ maxBuffer: 64 * 1024 * 1024, ...options },
			(error, stdout, stderr) => {
				if (error) {
					error.message += `\n${stderr || stdout}`;
					reject(error);
				} else resolvePromise({ stdout, stderr });
			},
		);
	});
}

function sha256(file) {
	return new Promise((resolvePromise, reject) => {
		const hash = createHash('sha256');
		createReadStream(file)
			.on('error', reject)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolvePromise(hash.digest('hex')));
	});
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function getFreePort() {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, LOOPBACK, () => {
			const { port } = server.address();
			server.close(() => resolvePromise(port));
		});
	});
}

/** Whether `port` can be bound on 127.0.0.1. */
export function isPortFree(port) {
	return new Promise((resolvePromise) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolvePromise(false));
		server.listen(port, LOOPBACK, () => server.close(() => resolvePromise(true)));
	});
}

// What `npm run build` reads; `npm pack` takes package.json itself as it is at packing time.
const BUILD_INPUTS = [
	'nodes',
	'credentials',
	'tsconfig.json',
	'tsconfig.build.json',
	'gulpfile.js',
];

async function mtimes(path, wanted = () => true) {
	let info;
	try {
		info = await stat(path);
	} catch {
		return [];
	}
	if (!info.isDirectory()) return wanted(path) ? [info.mtimeMs] : [];
	const entries = await readdir(path);
	const nested = await Promise.all(entries.map((entry) => mtimes(join(path, entry), wanted)));
	return nested.flat();
}

/**
 * Whether `dist/` was built after the last change to its sources, so that packing it as it is
 * gives what a rebuild would (a deleted source file still leaves its output behind until the next
 * clean build).
 */
export async function distIsFresh() {
	// tsc writes its output fresh; the icon copy keeps the icons' own times, so they are no clue.
	const built = await mtimes(join(repoRoot, 'dist'), (file) => file.endsWith('.js'));
	if (built.length === 0) return false;
	const sources = await Promise.all(BUILD_INPUTS.map((entry) => mtimes(join(repoRoot, entry))));
	return Math.max(...sources.flat()) <= Math.min(...built);
}

/**
 * `npm pack`s this package into `destination` (default: a new temp folder) and returns the
 * tarball's path. `build: true` (default) lets the `prepack` script clean and rebuild `dist`
 * (the project's `.npmrc` sets `ignore-scripts`, so that has to be asked for explicitly);
 * `build: false` packs `dist` as it is, for callers that just built it.
 */
export async function packPackage({ build = true, destination } = {}) {
	const dir = destination ?? (await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-pack-`)));
	await mkdir(dir, { recursive: true });
	if (!build && !existsSync(join(repoRoot, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first or pack with build: true');
	}
	const before = new Set(await readdir(dir));
	await run(
		'npm',
		[
			'pack',
			`--ignore-scripts=${build ? 'false' : 'true'}`,
			'--pack-destination',
			dir,
			'--loglevel=error',
		],
		{ cwd: repoRoot, env: npmEnv() },
	);
	const created = (await readdir(dir)).filter((f) => f.endsWith('.tgz') && !before.has(f));
	const tarball = created.find((f) => f.startsWith(`${PACKAGE_NAME}-`)) ?? created[0];
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
	return join(dir, tarball);
}

/**
 * Installs a tarball of this package into `<userFolder>/.n8n/nodes` the way a manual
 * self-hosted community install does. The tarball is copied next to that folder's
 * package.json under a content-hashed name, so the dependency spec changes whenever the code
 * does and npm always unpacks the new contents. `--legacy-peer-deps` keeps npm from installing
 * the `n8n-workflow` peer (n8n provides it; its native dependency does not build here).
 */
export async function installPackage(userFolder, tgz) {
	const dir = nodesDir(userFolder);
	const store = join(dir, 'tarballs');
	await mkdir(store, { recursive: true });
	const packageJson = join(dir, 'package.json');
	if (!existsSync(packageJson)) {
		const manifest = { name: 'installed-nodes', private: true, dependencies: {} };
		await writeFile(packageJson, `${JSON.stringify(manifest, null, 2)}\n`);
	}
	const hash = (await sha256(tgz)).slice(0, 12);
	const name = `${PACKAGE_NAME}-${hash}.tgz`;
	await copyFile(tgz, join(store, name));
	// Force a fresh unpack even when an earlier run left the same spec behind.
	await rm(join(dir, 'node_modules', PACKAGE_NAME), { recursive: true, force: true });
	await run(
		'npm',
		[
			'install',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`./tarballs/${name}`,
		],
		{ cwd: dir, env: npmEnv() },
	);
	for (const old of await readdir(store)) {
		if (old !== name) await rm(join(store, old), { force: true });
	}
	const installed = join(dir, 'node_modules', PACKAGE_NAME);
	const { version } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
	return { dir: installed, version, tarball: join(store, name) };
}

/**
 * The environment for an n8n process: the caller's environment (minus npm's `npm_*` variables)
 * over OFFLINE_ENV (plus N8N_DISABLED_MODULES=mcp-registry where that module exists), then the
 * explicit settings. The runtime's Node 24 goes first on PATH because
 * n8n starts its JavaScript task runner as plain `node`.
 */
export function n8nEnv({ runtime, userFolder, port, brokerPort, env = {} }) {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
	);
	const modules = disabledModules(runtime);
	const result = {
		...OFFLINE_ENV,
		...(modules.length ? { N8N_DISABLED_MODULES: modules.join(',') } : {}),
		...inherited,
	};
	if (runtime?.nodeBin) {
		result.PATH = [dirname(runtime.nodeBin), process.env.PATH].filter(Boolean).join(delimiter);
	}
	if (userFolder) result.N8N_USER_FOLDER = userFolder;
	if (port !== undefined) result.N8N_PORT = String(port);
	if (brokerPort !== undefined) result.N8N_RUNNERS_BROKER_PORT = String(brokerPort);
	return { ...result, ...env };
}

/**
 * Polls n8n until it is ready. `/healthz` alone answers 200 as soon as the port is open, which is
 * before the database migrations of a first start and before nodes are loaded, so this waits for
 * `/healthz` and then `/healthz/readiness` (200 once the DB is migrated and the server fully
 * started). `readiness: false` waits for `/healthz` only. `editor: true` also waits for the
 * editor's pages, which n8n 1.x serves only some moments after it reports ready. Fails early if
 * `child` exits first.
 */
export async function waitForHealth(
	url,
	{ timeoutMs = 120_000, child, intervalMs = 250, readiness = true, editor = false } = {},
) {
	const base = url.replace(/\/$/, '');
	const targets = [
		`${base}/healthz`,
		...(readiness ? [`${base}/healthz/readiness`] : []),
		...(editor ? [`${base}/signin`] : []),
	];
	const deadline = Date.now() + timeoutMs;
	for (const target of targets) {
		for (;;) {
			if (child && (child.exitCode !== null || child.signalCode !== null)) {
				throw new Error(
					`n8n exited (${child.exitCode ?? child.signalCode}) before ${target} answered`,
				);
			}
			try {
				const response = await fetch(target, { signal: AbortSignal.timeout(2000) });
				if (response.ok) break;
			} catch {
				// not listening yet
			}
			if (Date.now() > deadline) {
				throw new Error(`${target} did not answer 200 within ${timeoutMs} ms`);
			}
			await new Promise((r) => setTimeout(r, intervalMs));
		}
	}
}

function forwardLines(stream, write, filter) {
	let rest = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk) => {
		const lines = (rest + chunk).split('\n');
		rest = lines.pop();
		for (const line of lines) if (filter(line)) write(`${line}\n`);
	});
	stream.on('end', () => {
		if (rest && filter(rest)) write(`${rest}\n`);
	});
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * Starts `n8n start` with the runtime's Node 24 and waits until it is ready (waitForHealth).
 * Returns `{ url, port, brokerPort, userFolder, runtime, process, exited, output(), stop() }`;
 * `output()` is the last 200 lines n8n printed.
 * n8n runs in its own process group, so `stop()` (SIGTERM, then SIGKILL after `stopTimeoutMs`)
 * also ends its task runners. `output`: 'inherit' (default, filtered by isInterestingLine),
 * 'ignore', or a function called with each line and the stream name. Aborting `signal` stops
 * n8n, during start-up too. `exited` resolves with `{ code, signal }` when n8n has exited.
 * `waitForEditor: true` returns only once the editor's pages load (see waitForHealth).
 */
export async function startN8n({
	runtime = ensureN8n(N8N_VERSION),
	userFolder = defaultUserFolder(),
	port = DEFAULT_PORT,
	brokerPort,
	env = {},
	output = 'inherit',
	filter = isInterestingLine,
	startTimeoutMs = 180_000,
	stopTimeoutMs = 45_000,
	waitForEditor = false,
	signal,
} = {}) {
	signal?.throwIfAborted();
	brokerPort ??= port + 1000;
	for (const p of [port, brokerPort]) {
		if (!(await isPortFree(p))) {
			throw new Error(`port ${p} on ${LOOPBACK} is in use (is another n8n running?)`);
		}
	}
	await mkdir(userFolder, { recursive: true });
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env: n8nEnv({ runtime, userFolder, port, brokerPort, env }),
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const exited = new Promise((resolvePromise) => {
		child.once('exit', (code, signal) => resolvePromise({ code, signal }));
	});
	const spawned = new Promise((resolvePromise, reject) => {
		child.once('spawn', resolvePromise);
		child.once('error', reject);
	});
	const logLines = [];
	for (const name of ['stdout', 'stderr']) {
		const stream = child[name];
		if (output === 'inherit') {
			const target = process[name];
			forwardLines(stream, (text) => target.write(text), filter);
		} else if (typeof output === 'function') {
			forwardLines(
				stream,
				(text) => output(text.replace(/\n$/, ''), name),
				() => true,
			);
		} else {
			stream.resume();
		}
		forwardLines(
			stream,
			(text) => {
				logLines.push(text);
				if (logLines.length > 200) logLines.shift();
			},
			() => true,
		);
	}
	await spawned;
	// If this script dies without stopping n8n (uncaught error, process.exit), take n8n along.
	const killOnExit = () => killGroup(child.pid, 'SIGKILL');
	process.once('exit', killOnExit);
	exited.then(() => process.removeListener('exit', killOnExit));

	let stopping;
	const stop = () => {
		stopping ??= (async () => {
			if (child.exitCode === null && child.signalCode === null) {
				killGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), stopTimeoutMs);
				const result = await exited;
				clearTimeout(timer);
				killGroup(child.pid, 'SIGKILL'); // leftovers such as a task runner
				return result;
			}
			killGroup(child.pid, 'SIGKILL');
			return exited;
		})();
		return stopping;
	};

	const onAbort = () => stop();
	signal?.addEventListener('abort', onAbort, { once: true });
	exited.then(() => signal?.removeEventListener('abort', onAbort));

	const url = `http://${LOOPBACK}:${port}`;
	try {
		await waitForHealth(url, { timeoutMs: startTimeoutMs, child, editor: waitForEditor });
		// n8n ignores a SIGTERM that arrives mid-start-up and becomes ready anyway.
		signal?.throwIfAborted();
	} catch (error) {
		await stop();
		signal?.throwIfAborted();
		error.message += `\n--- last n8n output ---\n${logLines.join('')}`;
		throw error;
	}
	return {
		url,
		port,
		brokerPort,
		userFolder,
		runtime,
		process: child,
		exited,
		output: () => logLines.join(''),
		stop,
	};
}

/**
 * Runs a headless n8n CLI command (`import:credentials`, `import:workflow`,
 * `execute --id X --rawOutput`, `export:nodes --output=f`, ...) against `userFolder` with the
 * same environment as the server. Unless `extraEnv` sets them, it takes free ports for
 * N8N_PORT and N8N_RUNNERS_BROKER_PORT so it never collides with a running server.
 * Resolves `{ code, signal, stdout, stderr }`; it does not reject on a non-zero exit.
 */
export async function n8nCli(
	runtime,
	userFolder,
	args,
	extraEnv = {},
	{ timeoutMs = 300_000 } = {},
) {
	const port = extraEnv.N8N_PORT ?? (await getFreePort());
	const brokerPort = extraEnv.N8N_RUNNERS_BROKER_PORT ?? (await getFreePort());
	await mkdir(userFolder, { recursive: true });
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
		cwd: userFolder,
		env: n8nEnv({ runtime, userFolder, port, brokerPort, env: extraEnv }),
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
	const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
	const [code, signal] = await new Promise((resolvePromise, reject) => {
		child.once('error', reject);
		child.once('close', (c, s) => resolvePromise([c, s]));
	});
	clearTimeout(timer);
	killGroup(child.pid, 'SIGKILL'); // a task runner the command may have left behind
	return { code, signal, stdout, stderr };
}

/**
 * The JSON document in the stdout of `n8n execute --rawOutput` (or `export:*` without
 * `--output`): n8n prints its log lines first, then the document from a line starting with `{`
 * or `[`.
 */
export function parseCliJson(stdout) {
	const starts = /^[[{]/gm;
	for (let match; (match = starts.exec(stdout));) {
		try {
			return JSON.parse(stdout.slice(match.index));
		} catch {
			// a log line such as "[license SDK] ..."; try the next candidate
		}
	}
	throw new Error(`no JSON document in n8n output:\n${stdout.slice(-2000)}`);
}
