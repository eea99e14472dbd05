import { createHash } from 'node:crypto';

import { json, sendMessage } from '../helpers/context';
import { runReplica } from '../helpers/engine';
import { makePngOfSize } from '../helpers/images';
import { MB, settledHeap, withPeakGrowth } from '../helpers/memory';
import { startServerProcess } from '../helpers/server-process';

let server: Awaited<ReturnType<typeof startServerProcess>>;

beforeAll(async () => {
	server = await startServerProcess();
});
afterEach(async () => await server.reset());
afterAll(async () => await server.close());

const credentials = () => ({ apiKey: server.apiKey, baseUrl: server.url });
const report = (text: string) => process.stdout.write(`      [load] ${text}\n`);

describe('load', () => {
	it('1,000 items: 1,000 distinct, valid requests and 1,000 outputs in input order', async () => {
		await runReplica({ items: [json({})], parameters: sendMessage(), credentials: credentials() });
		await server.reset();
		const before = settledHeap();

		let outputs = 0;
		{
			const items = Array.from({ length: 1000 }, (_, n) => json({ n }));
			const { output, error } = await runReplica({
				items,
				parameters: sendMessage({ message: '={{ "task " + $json.n }}' }),
				credentials: credentials(),
			});
			expect(error).toBeUndefined();
			expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
			const messageIds = output.map((item) => item.json.message_id);
			expect(new Set(messageIds).size).toBe(1000);
			outputs = output.length;
		}

		const requests = await server.requests();
		expect(requests).toHaveLength(1000);
		expect(requests.filter((r) => r.errors.length)).toEqual([]);
		expect(new Set(requests.map((r) => r.bodySha256)).size).toBe(1000);
		expect(requests.map((r) => r.message).sort()).toEqual(
			Array.from({ length: 1000 }, (_, n) => `task ${n}`).sort(),
		);
		expect(outputs).toBe(1000);

		const retained = settledHeap() - before;
		report(`1,000 items: heap retained after the run ${(retained / MB).toFixed(1)} MB`);
		expect(retained).toBeLessThan(20 * MB);
	});

	const growthMb: Record<string, number> = {};

	it.each([
		['all at once (default)', undefined, 900],
		[
			'in batches of 10, 1 s apart',
			{ batching: { batch: { batchSize: 10, batchInterval: 1000 } } },
			250,
		],
	])(
		'100 items with a 5 MB image each, %s: exact bytes, bounded peak memory',
		async (name, requestOptions, boundMb) => {
			const png = makePngOfSize(5 * MB);
			const base64 = png.toString('base64');
			const digest = createHash('sha256').update(png).digest('hex');
			const items = Array.from({ length: 100 }, (_, n) => ({
				json: { n },
				binary: { data: { data: base64, mimeType: 'image/png', fileName: `shot-${n}.png` } },
			}));

			const { result, growth } = await withPeakGrowth(async () =>
				runReplica({
					items,
					parameters: sendMessage({
						message: '={{ "task " + $json.n }}',
						images: 'binaryProperties',
						binaryPropertyNames: 'data',
						...(requestOptions ? { requestOptions } : {}),
					}),
					credentials: credentials(),
				}),
			);
			expect(result.error).toBeUndefined();
			expect(result.output).toHaveLength(100);

			const requests = await server.requests();
			expect(requests).toHaveLength(100);
			expect(requests.every((r) => r.errors.length === 0)).toBe(true);
			expect(requests.every((r) => r.images.length === 1 && r.images[0].sha256 === digest)).toBe(
				true,
			);

			growthMb[name] = growth / MB;
			report(
				`100 × 5 MB, ${name}: peak memory growth ${growthMb[name].toFixed(0)} MB ` +
					`(bound ${boundMb} MB)`,
			);
			expect(growthMb[name]).toBeLessThan(boundMb);
		},
	);

	it('batching at least halves the peak', () => {
		const [all, batched] = Object.values(growthMb);
		expect(batched).toBeLessThan(all / 2);
	});
});
