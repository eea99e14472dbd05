// Installs and locates the real n8n runtimes used by `npm run dev`, the e2e tests and the bench.
// They live in a cache folder outside the repository so that a second run starts in seconds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const N8N_VERSION = '2.40.7';
export const N8N_V1_VERSION = '1.123.81';

export const cacheRoot =
	process.env.REPLICAS_RUNTIME_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-replicas');

function log(message) {
	process.stderr.write(`[runtime] ${message}\n`);
}

/**
 * The environment for npm child processes. Under `npm run`, npm exports the project's config as
 * `npm_config_*` variables; the project's `.npmrc` sets `ignore-scripts=true`, which would silently
 * skip the `node` package's install script and the sqlite3 native build in the cache folder.
 */
export function npmEnv(extra = {}) {
	const env = { ...process.env, ...extra };
	for (const key of Object.keys(env)) {
		if (/^npm_config_ignore_scripts$/i.test(key)) delete env[key];
	}
	return env;
}

function npm(args, cwd, extraEnv = {}) {
	log(`npm ${args.join(' ')}  (in ${cwd})`);
	execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd,
		env: npmEnv(extraEnv),
		stdio: ['ignore', 'inherit', 'inherit'],
	});
}

function prepare(dir, manifest) {
	const marker = join(dir, '.installed');
	const wanted = JSON.stringify(manifest);
	if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return { dir, fresh: false };
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	return { dir, fresh: true, done: () => writeFileSync(marker, wanted) };
}

/** Node 24, from the npm package `node` (its install script fetches the binary from npm). */
export function ensureNode24() {
	const state = prepare(join(cacheRoot, 'node24'), {
		name: 'replicas-runtime-node24',
		private: true,
		dependencies: { node: '24' },
	});
	const bin = join(state.dir, 'node_modules', '.bin', 'node');
	if (state.fresh) {
		npm(['install', '--ignore-scripts=false'], state.dir);
		state.done();
	}
	return bin;
}

/** n8n itself. The 2.x line runs on Node 24, the 1.x line on the Node running this script. */
export function ensureN8n(version = N8N_VERSION) {
	const major = Number(version.split('.')[0]);
	const manifest = {
		name: `replicas-runtime-n8n-${version}`,
		private: true,
		dependencies: { n8n: version },
	};
	// n8n 1.x pins an xlsx tarball from a host outside the npm registry.
	if (major === 1) manifest.overrides = { xlsx: '0.18.5' };
	const nodeBin = major >= 2 ? ensureNode24() : process.execPath;
	const state = prepare(join(cacheRoot, `n8n-${version}`), manifest);
	if (state.fresh) {
		// A native Kafka build in n8n's tree fails here; nothing we run needs it.
		npm(['install', '--ignore-scripts'], state.dir);
		// Compile sqlite3 locally: its prebuilt-binary download would go to a host outside npm.
		npm(['rebuild', 'sqlite3', '--ignore-scripts=false'], state.dir, {
			npm_config_build_from_source: 'sqlite3',
		});
		state.done();
	}
	return {
		version,
		nodeBin,
		n8nBin: join(state.dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		dir: state.dir,
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const versions = process.argv.slice(2);
	for (const version of versions.length ? versions : [N8N_VERSION]) {
		const runtime = ensureN8n(version);
		log(`n8n ${runtime.version} ready: ${runtime.n8nBin} (node ${runtime.nodeBin})`);
	}
}
