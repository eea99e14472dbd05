// `npm run dev`: installs this package into a real n8n (cached runtime, see runtime.mjs) and
// runs it on http://127.0.0.1:5678 in the foreground until Ctrl-C / SIGTERM.
//
// Environment: N8N_PORT (5678), N8N_RUNNERS_BROKER_PORT (port + 1000), N8N_USER_FOLDER
// (<cache>/dev-user, kept between runs), REPLICAS_RUNTIME_CACHE (the cache root); any other
// N8N_* variable is passed to n8n as is.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import {
	DEFAULT_PORT,
	defaultUserFolder,
	ensureN8n,
	installPackage,
	isPortFree,
	N8N_VERSION,
	packPackage,
	startN8n,
} from './n8n-instance.mjs';

function log(message) {
	process.stderr.write(`[dev] ${message}\n`);
}

function portFromEnv(name, fallback) {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		throw new Error(`${name} must be a port number, got ${JSON.stringify(raw)}`);
	}
	return port;
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// A closed terminal or pipe must not crash us while n8n is still running.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

async function main() {
	const started = Date.now();
	const port = portFromEnv('N8N_PORT', DEFAULT_PORT);
	const brokerPort = portFromEnv('N8N_RUNNERS_BROKER_PORT', port + 1000);
	const userFolder = defaultUserFolder();

	const controller = new AbortController();
	let firstSignalAt = 0;
	const onSignal = (name) => {
		if (!firstSignalAt) {
			firstSignalAt = Date.now();
			log(`${name}: stopping n8n…`);
			controller.abort();
		} else if (Date.now() - firstSignalAt > 2000) {
			// npm and the terminal may both deliver the first Ctrl-C; only a later one forces.
			log(`${name} again: killing n8n`);
			process.exit(130); // the exit hook in startN8n SIGKILLs n8n's process group
		}
	};
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));
	process.on('SIGHUP', () => onSignal('SIGHUP'));
	// `kill <npm pid>` ends npm and its `sh -c` but not this script; notice being orphaned.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) onSignal('parent exited');
	}, 1000).unref();

	for (const p of [port, brokerPort]) {
		if (!(await isPortFree(p))) {
			throw new Error(
				`port ${p} on 127.0.0.1 is in use (another n8n?); set N8N_PORT / N8N_RUNNERS_BROKER_PORT`,
			);
		}
	}

	const runtime = ensureN8n(N8N_VERSION);
	if (controller.signal.aborted) return 0;

	let step = Date.now();
	// `npm run dev` has just built dist/; when run directly, let prepack clean and rebuild it.
	const justBuilt = process.env.npm_lifecycle_event === 'dev';
	const tgz = await packPackage({ build: !justBuilt });
	const packTime = seconds(step);
	step = Date.now();
	const installed = await installPackage(userFolder, tgz);
	await rm(dirname(tgz), { recursive: true, force: true });
	log(
		`installed n8n-nodes-replicas@${installed.version} into ${dirname(dirname(installed.dir))}` +
			` (pack ${packTime}, install ${seconds(step)})`,
	);
	if (controller.signal.aborted) return 0;

	log(`starting n8n ${runtime.version} (user folder ${userFolder})…`);
	step = Date.now();
	let instance;
	try {
		instance = await startN8n({
			runtime,
			userFolder,
			port,
			brokerPort,
			signal: controller.signal,
		});
	} catch (error) {
		if (!controller.signal.aborted) throw error;
		log('n8n stopped');
		return 0;
	}
	const line = `n8n is ready: ${instance.url}`;
	const rule = '='.repeat(line.length);
	process.stdout.write(`\n${rule}\n${line}\n${rule}\n`);
	log(`n8n started in ${seconds(step)} (${seconds(started)} in total); Ctrl-C stops it`);

	const { code, signal } = await instance.exited;
	if (controller.signal.aborted) {
		log('n8n stopped');
		return 0;
	}
	log(`n8n exited on its own (${code ?? signal})`);
	return code || 1;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		log(error.message.startsWith('port ') ? error.message : (error.stack ?? String(error)));
		process.exit(1);
	},
);
