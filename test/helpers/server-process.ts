import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export type RequestSummary = {
	method: string;
	path: string;
	errors: string[];
	authorization?: string;
	size: number;
	message?: string;
	bodySha256: string;
	images: Array<{ media_type: string; bytes: number; sha256: string }>;
};

/**
 * The Replicas test server in a process of its own, keeping only summaries of what it receives, so
 * that the memory a load test measures is n8n's and the node's alone.
 */
export async function startServerProcess() {
	const child: ChildProcess = spawn(
		process.execPath,
		[path.resolve(__dirname, '../server/replicas-server.js'), '--summarize'],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const line = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
	});
	const info = JSON.parse(line) as { url: string; apiKey: string };
	return {
		...info,
		async requests(): Promise<RequestSummary[]> {
			return (await (await fetch(`${info.url}/__control/requests`)).json()) as RequestSummary[];
		},
		async reset() {
			await fetch(`${info.url}/__control/reset`, { method: 'POST' });
		},
		async close() {
			child.kill();
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}
