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

/**
 * JavaScript heap plus buffers outside it. Unlike the resident size, which the process keeps
 * after a peak, this falls back once garbage is collected, so runs one after another compare.
 */
export function inUse(): number {
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
}

/**
 * Samples live memory (in use right after a full collection) every 50 ms while `work` runs, and
 * resolves to its result and the peak growth. Garbage does not count: when it is collected is up
 * to V8, what is still referenced is up to the code under test.
 */
export async function withPeakGrowth<T>(
	work: () => Promise<T>,
): Promise<{ result: T; growth: number }> {
	const start = settledHeap() && inUse();
	let peak = start;
	const timer = setInterval(() => {
		collect();
		peak = Math.max(peak, inUse());
	}, 50);
	try {
		const result = await work();
		return { result, growth: Math.max(peak, inUse()) - start };
	} finally {
		clearInterval(timer);
	}
}
