// A small test runner for the end-to-end run: named steps with a time limit each, one PASS, FAIL
// or SKIP line per step, and a summary. Plain Node, so that it can drive child processes (n8n,
// dovecot, Chromium) without a test framework's worker model in the way.
import { isDeepStrictEqual } from 'node:util';

export class TimeoutError extends Error {}

/** Rejects after `ms` unless `promise` settles first; `onTimeout` runs before the rejection. */
export function withTimeout(promise, ms, label, onTimeout) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => {
			onTimeout?.();
			reject(new TimeoutError(`${label} did not finish within ${Math.round(ms / 1000)} s`));
		}, ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

export class Report {
	constructor({ write = (line) => process.stdout.write(`${line}\n`) } = {}) {
		this.results = [];
		this.write = write;
	}

	/**
	 * Runs `fn` as a step. A failure is recorded and printed, not thrown, unless `required` is set:
	 * then the error is rethrown so that the steps depending on it are not attempted.
	 */
	async step(name, fn, { timeoutMs = 120_000, required = false } = {}) {
		const started = Date.now();
		try {
			const detail = await withTimeout(Promise.resolve().then(fn), timeoutMs, name);
			const took = Date.now() - started;
			this.results.push({ name, status: 'pass', ms: took });
			this.write(`PASS ${name} (${seconds(took)})${detail ? ` — ${detail}` : ''}`);
			return true;
		} catch (error) {
			const took = Date.now() - started;
			this.results.push({ name, status: 'fail', ms: took, error });
			const text = String(error?.stack ?? error)
				.split('\n')
				.map((line, index) => (index ? `     ${line}` : line))
				.join('\n');
			this.write(`FAIL ${name} (${seconds(took)})\n     ${text}`);
			if (required) throw error;
			return false;
		}
	}

	skip(name, reason) {
		this.results.push({ name, status: 'skip', reason });
		this.write(`SKIP ${name} — ${reason}`);
	}

	get failed() {
		return this.results.filter((r) => r.status === 'fail').length;
	}

	get passed() {
		return this.results.filter((r) => r.status === 'pass').length;
	}

	summary() {
		const skipped = this.results.filter((r) => r.status === 'skip').length;
		const parts = [`${this.passed} passed`, `${this.failed} failed`];
		if (skipped) parts.push(`${skipped} skipped`);
		return `e2e: ${parts.join(', ')}`;
	}
}

export function check(condition, message) {
	if (!condition) throw new Error(message);
}

/** Deep equality (object key order aside), saying what it found when the values differ. */
export function checkEqual(actual, expected, what) {
	if (isDeepStrictEqual(actual, expected)) return;
	throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
