// Runs one workflow with `n8n execute --id=… --rawOutput` and samples the resident set size of
// that n8n process (which runs the workflow in-process) while it runs.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { getFreePort, n8nEnv } from '../n8n-instance.mjs';

const SAMPLE_EVERY_MS = 2;

function readRssKb(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'latin1');
		const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined; // the process has just exited
	}
}

function killGroup(pid) {
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// already gone
	}
}

/**
 * Resolves `{ run, samples }`: the IRun document n8n printed and `[epochMs, rssKb]` pairs taken
 * every ~2 ms. Rejects when n8n exits non-zero or prints no run data.
 */
export async function executeWorkflow({ runtime, userFolder, workflowId, env = {}, timeoutMs }) {
	const port = await getFreePort();
	const brokerPort = await getFreePort();
	// n8n exits right after printing the run; into a pipe the end of a large run would be lost,
	// while writes to a file are synchronous.
	const outFile = join(tmpdir(), `n8n-bench-${process.pid}-${workflowId}.json`);
	const outFd = openSync(outFile, 'w');
	const child = spawn(
		runtime.nodeBin,
		[runtime.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'],
		{
			cwd: userFolder,
			env: n8nEnv({ runtime, userFolder, port, brokerPort, env }),
			stdio: ['ignore', outFd, 'pipe'],
			detached: true,
		},
	);
	closeSync(outFd);
	const samples = [];
	const sampler = setInterval(() => {
		const rss = readRssKb(child.pid);
		if (rss !== undefined) samples.push([Date.now(), rss]);
	}, SAMPLE_EVERY_MS);
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
	const timer = setTimeout(() => killGroup(child.pid), timeoutMs ?? 300_000);
	const code = await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	});
	clearInterval(sampler);
	clearTimeout(timer);
	killGroup(child.pid); // the task runner the command started
	const output = readFileSync(outFile, 'utf8');
	rmSync(outFile, { force: true });
	if (code !== 0) {
		throw new Error(
			`n8n execute --id=${workflowId} exited ${code}\n${stderr.slice(-3000)}\n${output.slice(-3000)}`,
		);
	}
	return { run: parseRun(output, workflowId), samples };
}

/**
 * The run document in the output of `execute --rawOutput`: n8n prints it indented, from a line
 * `{` to a line `}`. Log lines can come before it, and the task runner's shutdown lines after it.
 */
function parseRun(output, workflowId) {
	const start = output.search(/^\{$/m);
	const end = start < 0 ? -1 : output.slice(start).search(/^\}$/m);
	if (end < 0) throw new Error(`no run in the output of ${workflowId}:\n${output.slice(-2000)}`);
	return JSON.parse(output.slice(start, start + end + 1));
}

/** The runs of `names` in an IRun: `{ name: { startTime, executionTime, items } }`. */
export function nodeRuns(run, names) {
	const runData = run?.data?.resultData?.runData ?? {};
	const error = run?.data?.resultData?.error;
	if (error) throw new Error(`workflow failed: ${error.message} ${error.description ?? ''}`);
	const result = {};
	for (const name of names) {
		const task = runData[name]?.[0];
		if (!task) throw new Error(`node '${name}' did not run`);
		if (task.error) throw new Error(`node '${name}' failed: ${task.error.message}`);
		result[name] = {
			startTime: task.startTime,
			executionTime: task.executionTime,
			items: task.data?.main?.[0]?.length ?? 0,
		};
	}
	return result;
}

/**
 * RSS growth while the given nodes ran: the highest sample inside [first start, last end]
 * minus the last sample taken before the first of them started.
 */
export function rssGrowth(samples, runs) {
	const start = Math.min(...runs.map((r) => r.startTime));
	const end = Math.max(...runs.map((r) => r.startTime + r.executionTime));
	let base;
	let peak = 0;
	let inside = 0;
	for (const [time, rss] of samples) {
		if (time < start) base = rss;
		else if (time <= end) {
			peak = Math.max(peak, rss);
			inside++;
		}
	}
	if (base === undefined || inside === 0) return undefined;
	return { baseKb: base, peakKb: peak, growthKb: Math.max(0, peak - base), samples: inside };
}
