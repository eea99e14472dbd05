import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

export const MB = 1024 * 1024;

/** Heap in use after a full collection. */
export function settledHeap(): number {
	collect();
	collect();
	return process.memoryUsage().heapUsed;
}

/** Samples the process's resident memory while `work` runs; resolves to its result and peak. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
	let peak = process.memoryUsage().rss;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 5);
	try {
		const result = await work();
		return { result, peak: Math.max(peak, process.memoryUsage().rss) };
	} finally {
		clearInterval(timer);
	}
}
