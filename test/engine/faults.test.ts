import type { NodeApiError } from 'n8n-workflow';

import { json, sendMessage, useReplicasServer } from '../helpers/context';
import type { Reply } from '../server/replicas-server';

const ctx = useReplicasServer();

type Fault = [name: string, reply: Reply, message: RegExp, status: string];

const faults: Fault[] = [
	[
		'HTML error page from a proxy',
		{
			status: 502,
			raw: '<html><body><h1>502 Bad Gateway</h1></body></html>',
			headers: { 'content-type': 'text/html' },
		},
		/^Replicas API error 502: <html><body><h1>502 Bad Gateway<\/h1><\/body><\/html>$/,
		'502',
	],
	[
		'HTML with status 200',
		{ status: 200, raw: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } },
		/^Replicas answered 200 without a JSON object: <html>maintenance<\/html>$/,
		'200',
	],
	[
		'empty body with status 200',
		{ status: 200, raw: '' },
		/^Replicas answered 200 without a JSON object$/,
		'200',
	],
	['empty body with status 500', { status: 500, raw: '' }, /^Replicas API error 500$/, '500'],
	[
		'malformed JSON with status 200',
		{ status: 200, raw: '{"status":"sent",', headers: { 'content-type': 'application/json' } },
		/^Replicas answered 200 without a JSON object: \{"status":"sent",$/,
		'200',
	],
	[
		'malformed JSON with status 400',
		{ status: 400, raw: '{"error":', headers: { 'content-type': 'application/json' } },
		/^Replicas API error 400: \{"error":$/,
		'400',
	],
	[
		'connection reset before the answer',
		{ fault: 'reset' },
		/^The connection to the server was closed unexpectedly/,
		'ECONNRESET',
	],
	['connection reset in the middle of the answer', { fault: 'partial' }, /aborted/, '200'],
	[
		'429 without Retry-After',
		{ status: 429, body: { error: 'Too many requests' } },
		/^Replicas API error 429: Too many requests$/,
		'429',
	],
];

describe('faults from the server', () => {
	it.each(faults)('%s becomes an n8n error, sent once', async (_name, reply, message, status) => {
		ctx.server.respondWith(() => reply);
		const { error } = await ctx.run({ parameters: sendMessage() });
		expect(ctx.server.requests).toHaveLength(1);
		expect(error?.message).toMatch(message);
		expect((error as NodeApiError).httpCode).toBe(status);
		expect(error?.context?.itemIndex).toBe(0);
		expect(JSON.stringify(error)).not.toContain(ctx.server.apiKey);
	});

	it('429 with Retry-After says how long to wait', async () => {
		ctx.server.respondWith(() => ({
			status: 429,
			headers: { 'retry-after': '30' },
			body: { error: 'Too many requests' },
		}));
		const { error } = await ctx.run({ parameters: sendMessage() });
		expect(error?.message).toBe('Replicas API error 429: Too many requests');
		expect(error?.description).toMatch(/Replicas asks to wait 30 seconds/);
	});

	it('a server that never answers is cut off by the Timeout request option', async () => {
		ctx.server.respondWith(() => ({ fault: 'hang' }));
		const started = Date.now();
		const { error } = await ctx.run({
			parameters: sendMessage({ requestOptions: { timeout: 300 } }),
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(ctx.server.requests).toHaveLength(1);
		// n8n words a timeout as an aborted connection; the code tells it apart.
		expect(error?.message).toBe('The connection was aborted, perhaps the server is offline');
		expect((error as NodeApiError).httpCode).toBe('ECONNABORTED');
	});

	it('a 200 without status is passed on with status null, not sent again', async () => {
		ctx.server.respondWith(() => ({ status: 200, body: { message_id: 'msg_1', chat_id: 'c' } }));
		const { output, error } = await ctx.run({ parameters: sendMessage() });
		expect(error).toBeUndefined();
		expect(ctx.server.requests).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			status: null,
			message_id: 'msg_1',
			position: null,
			chat_id: 'c',
		});
	});

	it('keeps N outputs for N inputs, each paired, when faults hit some items', async () => {
		const plan: Array<Reply | undefined> = [
			undefined,
			{ fault: 'reset' },
			{ status: 503, body: { error: 'Busy' } },
			{ status: 200, raw: '' },
			{ status: 502, raw: '<html>bad gateway</html>' },
			undefined,
		];
		ctx.server.respondWith((request) => plan[Number(request.body.message)]);
		const items = plan.map((_, n) => json({ n }));
		for (const onError of ['continueRegularOutput', 'continueErrorOutput'] as const) {
			ctx.server.reset();
			ctx.server.respondWith((request) => plan[Number(request.body.message)]);
			const { output, errorOutput, error } = await ctx.run({
				items,
				parameters: sendMessage({ message: '={{ String($json.n) }}' }),
				onError,
			});
			expect(error).toBeUndefined();
			expect(ctx.server.requests).toHaveLength(6);
			const all = [...output, ...errorOutput];
			expect(all).toHaveLength(6);
			const failed = all.filter((item) => item.json.error);
			expect(failed).toHaveLength(4);
			if (onError === 'continueRegularOutput') {
				expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
			} else {
				expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 5 }]);
			}
		}
	});
});
