// `npm run bench`: Send Message through the Replica node, the same request hand-built in n8n's
// HTTP Request node, and plain Node.js requests, side by side in one run, in the real n8n runtime
// (the one `npm run dev` and the e2e tests use) against the loopback Replicas test server.
// Prints a table and writes .bench/results.json.
//
// Options: --rounds=5 (rounds per item count), --counts=100,1000, --image-rounds=3,
// --sizes=1k,1m,5m,20m (KiB/MiB; the 1 KiB image shows what a run costs apart from the image),
// --binary-modes=filesystem,default, --only=items,images,package,
// --tarball=<file> (bench that build of the package instead of packing this checkout),
// --report=<results.json> (only print the table of an earlier run).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { executeWorkflow, nodeRuns, rssGrowth } from './bench/execute.mjs';
import { makePng } from './bench/png.mjs';
import { formatReport } from './bench/report.mjs';
import { CREDENTIAL, imageWorkflows, itemsWorkflows } from './bench/workflows.mjs';
import {
	ensureN8n,
	installPackage,
	N8N_VERSION,
	n8nCli,
	nodesDir,
	packPackage,
	repoRoot,
} from './n8n-instance.mjs';

const { values: flags } = parseArgs({
	options: {
		rounds: { type: 'string', default: '5' },
		counts: { type: 'string', default: '100,1000' },
		'image-rounds': { type: 'string', default: '3' },
		sizes: { type: 'string', default: '1k,1m,5m,20m' },
		'binary-modes': { type: 'string', default: 'filesystem,default' },
		only: { type: 'string', default: 'items,images,package' },
		tarball: { type: 'string' },
		report: { type: 'string' },
	},
});
const list = (value) => value.split(',').filter(Boolean);
const PARTS = new Set(list(flags.only));
const ROUNDS = Number(flags.rounds);
const COUNTS = list(flags.counts).map(Number);
const IMAGE_ROUNDS = Number(flags['image-rounds']);
const SIZES = list(flags.sizes).map(parseSize);
const BINARY_MODES = list(flags['binary-modes']);
const MIB = 1024 * 1024;

function parseSize(text) {
	const match = /^(\d+)([km])$/i.exec(text);
	if (!match) throw new Error(`--sizes: '${text}' is not a size such as 512k or 20m`);
	const kib = Number(match[1]) * (match[2].toLowerCase() === 'm' ? 1024 : 1);
	return {
		bytes: kib * 1024,
		label: `${match[1]}${match[2].toLowerCase()}`,
		text: kib < 1024 ? `${kib} KiB` : `${kib / 1024} MiB`,
	};
}

const benchDir = join(repoRoot, '.bench');
const userFolder = join(benchDir, 'n8n-user');
const imagesDir = join(benchDir, 'images');

// Executions are not stored: saving a run with a 20 MB image in it only slows the bench down.
const BASE_ENV = {
	N8N_RESTRICT_FILE_ACCESS_TO: imagesDir,
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
};

function log(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

let runtime;
let server;

/** The Replicas test server in a process of its own, so it never shares the clients' CPU time. */
async function startServer() {
	const child = spawn(
		process.execPath,
		[join(repoRoot, 'test', 'server', 'replicas-server.js'), '0', '--summarize'],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const stop = () => child.exitCode === null && child.kill('SIGTERM');
	process.once('exit', stop);
	const line = await new Promise((resolve, reject) => {
		createInterface({ input: child.stdout }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the Replicas test server exited (${code})`)));
	});
	const info = JSON.parse(line);
	return {
		...info,
		replicaId: info.replicas[0].id,
		async reset() {
			await fetch(`${info.url}/__control/reset`, { method: 'POST' });
		},
		async requests() {
			return (await fetch(`${info.url}/__control/requests`)).json();
		},
		stop,
	};
}

async function cli(args) {
	const result = await n8nCli(runtime, userFolder, args, BASE_ENV);
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} exited ${result.code}\n${result.stderr}${result.stdout}`,
		);
	}
}

/**
 * What the server received in one run: as many requests as expected, each valid against the API
 * schema and carrying the bench key. Returns the bodies' hashes, sorted, to compare runs by.
 */
async function receivedBodies(expected, label) {
	const requests = await server.requests();
	if (requests.length !== expected) {
		throw new Error(`${label}: the server received ${requests.length} requests, not ${expected}`);
	}
	for (const request of requests) {
		if (request.errors.length || request.authorization !== `Bearer ${server.apiKey}`) {
			throw new Error(`${label}: a request was refused: ${JSON.stringify(request).slice(0, 800)}`);
		}
	}
	return requests.map((request) => request.bodySha256).sort();
}

function assertSameBodies(a, b, label) {
	if (a.length !== b.length || a.some((sha, index) => sha !== b[index])) {
		throw new Error(`${label}: the two did not send identical bodies`);
	}
}

async function runWorkflow(workflowId, nodes, env, expected) {
	await server.reset();
	const { run, samples } = await executeWorkflow({ runtime, userFolder, workflowId, env });
	const runs = nodeRuns(run, nodes);
	const last = runs[nodes.at(-1)];
	if (last.items !== expected) {
		throw new Error(
			`${workflowId}: '${nodes.at(-1)}' put out ${last.items} items, not ${expected}`,
		);
	}
	return { runs, samples, bodies: await receivedBodies(expected, workflowId) };
}

async function rawRound(count) {
	await server.reset();
	const job = { url: server.url, apiKey: server.apiKey, replicaId: server.replicaId, count };
	const child = spawn(
		runtime.nodeBin,
		[join(repoRoot, 'scripts', 'bench', 'raw-loop.mjs'), JSON.stringify(job)],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
	const code = await new Promise((resolve) => child.once('close', resolve));
	if (code !== 0) throw new Error(`the raw loop exited ${code}`);
	const { ms } = JSON.parse(output);
	return { ms, bodies: await receivedBodies(count, `raw ×${count}`) };
}

/** Alternates the two workflows (and the raw loop), one order in even rounds, the other in odd. */
const orderOf = (round) => (round % 2 === 0 ? ['replica', 'http'] : ['http', 'replica']);

async function benchItems() {
	const env = { ...BASE_ENV, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' };
	const results = [];
	for (const count of COUNTS) {
		const pair = itemsWorkflows({ serverUrl: server.url, replicaId: server.replicaId, count });
		const node = { replica: 'Replica', http: 'HTTP Request' };
		const times = { replica: [], http: [], raw: [] };
		for (let round = 0; round < ROUNDS; round++) {
			const bodies = {};
			for (const which of orderOf(round)) {
				const result = await runWorkflow(pair[which].id, [node[which]], env, count);
				times[which].push(result.runs[node[which]].executionTime);
				bodies[which] = result.bodies;
			}
			const raw = await rawRound(count);
			times.raw.push(raw.ms);
			assertSameBodies(bodies.replica, bodies.http, `×${count}: Replica and HTTP Request`);
			assertSameBodies(bodies.replica, raw.bodies, `×${count}: Replica and the raw loop`);
			log(
				`×${count} round ${round + 1}/${ROUNDS}: Replica ${times.replica.at(-1)} ms, ` +
					`HTTP Request ${times.http.at(-1)} ms, raw ${raw.ms.toFixed(0)} ms`,
			);
		}
		const replica = median(times.replica);
		const http = median(times.http);
		const raw = median(times.raw);
		results.push({
			count,
			rounds: ROUNDS,
			times,
			medianMs: { replica, http, raw },
			replicaOverHttp: replica / http,
			replicaOverRaw: replica / raw,
			httpOverRaw: http / raw,
		});
	}
	return results;
}

async function benchImages(mode) {
	const env = { ...BASE_ENV, N8N_DEFAULT_BINARY_DATA_MODE: mode };
	// The HTTP Request side in filesystem mode is two nodes: base64 first, then the request.
	const nodes = {
		replica: ['Replica'],
		http: mode === 'filesystem' ? ['To Base64', 'HTTP Request'] : ['HTTP Request'],
	};
	const results = [];
	for (const size of SIZES) {
		const pair = imageWorkflows({
			serverUrl: server.url,
			replicaId: server.replicaId,
			file: join(imagesDir, `bench-${size.label}.png`),
			label: size.label,
			mode,
		});
		const runs = { replica: [], http: [] };
		for (let round = 0; round < IMAGE_ROUNDS; round++) {
			const bodies = {};
			for (const which of orderOf(round)) {
				const result = await runWorkflow(pair[which].id, nodes[which], env, 1);
				const measured = nodes[which].map((name) => result.runs[name]);
				const growth = rssGrowth(result.samples, measured);
				if (!growth) throw new Error(`${pair[which].id}: no memory samples while it ran`);
				runs[which].push({
					ms: measured.reduce((sum, run) => sum + run.executionTime, 0),
					nodeMs: Object.fromEntries(
						nodes[which].map((name) => [name, result.runs[name].executionTime]),
					),
					rssBeforeMiB: growth.baseKb / 1024,
					growthMiB: growth.growthKb / 1024,
					samples: growth.samples,
				});
				bodies[which] = result.bodies;
			}
			assertSameBodies(bodies.replica, bodies.http, `${size.text} image (${mode})`);
			const show = (run) => `${run.ms} ms +${run.growthMiB.toFixed(1)} MiB`;
			log(
				`${size.text} image, ${mode} round ${round + 1}/${IMAGE_ROUNDS}: ` +
					`Replica ${show(runs.replica.at(-1))}, HTTP Request ${show(runs.http.at(-1))}`,
			);
		}
		const summary = (sides) => {
			const growthMiB = median(sides.map((run) => run.growthMiB));
			return {
				ms: median(sides.map((run) => run.ms)),
				growthMiB,
				growthMaxMiB: Math.max(...sides.map((run) => run.growthMiB)),
				growthPerImage: growthMiB / (size.bytes / MIB),
				runs: sides,
			};
		};
		results.push({
			mode,
			size: size.text,
			bytes: size.bytes,
			rounds: IMAGE_ROUNDS,
			httpNodes: nodes.http,
			replica: summary(runs.replica),
			http: summary(runs.http),
		});
	}
	return results;
}

async function packageFacts(tarball) {
	const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
	// What the community-node install actually put next to this package.
	const installed = (await readdir(join(nodesDir(userFolder), 'node_modules'))).filter(
		(name) => !name.startsWith('.'),
	);
	return {
		tarballBytes: (await stat(tarball)).size,
		runtimeDependencies: Object.keys(manifest.dependencies ?? {}).length,
		installedPackages: installed,
	};
}

async function prepare() {
	log(`n8n ${N8N_VERSION}: the cached runtime (installed on first use)`);
	runtime = ensureN8n(N8N_VERSION);
	await rm(userFolder, { recursive: true, force: true });
	await rm(join(benchDir, 'pack'), { recursive: true, force: true });
	await mkdir(imagesDir, { recursive: true });
	log('building, packing and installing the package');
	const tarball =
		flags.tarball ?? (await packPackage({ build: true, destination: join(benchDir, 'pack') }));
	await installPackage(userFolder, tarball);
	server = await startServer();
	log(`Replicas test server on ${server.url}`);

	const workflows = [];
	for (const count of COUNTS) {
		const pair = itemsWorkflows({ serverUrl: server.url, replicaId: server.replicaId, count });
		workflows.push(pair.replica, pair.http);
	}
	for (const size of SIZES) {
		const file = join(imagesDir, `bench-${size.label}.png`);
		await writeFile(file, makePng(size.bytes));
		for (const mode of BINARY_MODES) {
			const pair = imageWorkflows({
				serverUrl: server.url,
				replicaId: server.replicaId,
				file,
				label: size.label,
				mode,
			});
			workflows.push(pair.replica, pair.http);
		}
	}
	const credentialsFile = join(benchDir, 'credentials.json');
	const workflowsFile = join(benchDir, 'workflows.json');
	const credential = {
		...CREDENTIAL,
		type: 'replicasApi',
		data: { apiKey: server.apiKey, baseUrl: server.url },
	};
	await writeFile(credentialsFile, JSON.stringify([credential]));
	await writeFile(workflowsFile, JSON.stringify(workflows));
	log('importing the credential and the workflows');
	await cli(['import:credentials', `--input=${credentialsFile}`]);
	await cli(['import:workflow', `--input=${workflowsFile}`]);
	return tarball;
}

function nodeVersion(bin) {
	return new Promise((resolve) => {
		const child = spawn(bin, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
		child.once('close', () => resolve(out.trim()));
	});
}

async function main() {
	const started = Date.now();
	const loadAtStart = loadavg();
	const tarball = await prepare();
	const results = {
		date: new Date().toISOString(),
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model,
			memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
			loadAverage: { start: loadAtStart },
		},
		versions: {
			n8n: N8N_VERSION,
			n8nNode: await nodeVersion(runtime.nodeBin),
			benchNode: process.version,
		},
		method: {
			timing: "each node's executionTime from the run data of `n8n execute`, one process per run",
			raw: 'plain node:http requests on the runtime Node, all at once, one process per round',
			memory:
				'VmRSS of the n8n process sampled every 2 ms; growth = peak while the node(s) ran ' +
				'minus the last sample before',
			itemsBinaryMode: 'filesystem',
		},
	};
	if (PARTS.has('package')) results.package = await packageFacts(tarball);
	if (PARTS.has('items')) results.items = await benchItems();
	if (PARTS.has('images')) {
		results.images = [];
		for (const mode of BINARY_MODES) results.images.push(...(await benchImages(mode)));
	}
	results.machine.loadAverage.end = loadavg();
	results.durationSeconds = Math.round((Date.now() - started) / 1000);
	await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	process.stdout.write(formatReport(results));
	log(`results written to .bench/results.json (${results.durationSeconds} s)`);
}

try {
	if (flags.report)
		process.stdout.write(formatReport(JSON.parse(await readFile(flags.report, 'utf8'))));
	else await main();
} catch (error) {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exitCode = 1;
} finally {
	server?.stop();
}
