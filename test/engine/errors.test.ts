import type { NodeApiError } from 'n8n-workflow';

import { logs } from '../helpers/engine';
import { REPLICA_ID, json, sendMessage, useReplicasServer } from '../helpers/context';

const ctx = useReplicasServer();

const statuses: Array<[number, RegExp]> = [
	[400, /rejected the request/],
	[401, /API key was rejected/],
	[403, /may not do that/],
	[404, /No replica with this ID/],
	[409, /cannot take this now/],
	[413, /too large: send fewer or smaller images/],
	[429, /rate limiting/],
	[500, /internal error/],
	[502, /workspace is unreachable/],
	[503, /busy or under maintenance/],
];

describe('API failures', () => {
	it.each(statuses)(
		'%i becomes an n8n error with the status, the API text and a hint, sent once',
		async (status, hint) => {
			ctx.server.respondWith(() => ({
				status,
				body: { error: `Replicas says ${status}`, details: `detail for ${status}` },
			}));
			const { error } = await ctx.run({ parameters: sendMessage() });

			expect(ctx.server.requests).toHaveLength(1);
			expect((error as NodeApiError).httpCode).toBe(String(status));
			expect(error?.message).toBe(
				`Replicas API error ${status}: Replicas says ${status} — detail for ${status}`,
			);
			expect(error?.description).toMatch(hint);
			expect((error as NodeApiError).context.itemIndex).toBe(0);
		},
	);

	it('uses the error text alone when there are no details', async () => {
		ctx.server.respondWith(() => ({ status: 404, body: { error: 'Replica not found' } }));
		const { error } = await ctx.run({ parameters: sendMessage() });
		expect(error?.message).toBe('Replicas API error 404: Replica not found');
	});

	it('rejects a wrong key with 401 from the server', async () => {
		const { error } = await ctx.run({
			parameters: sendMessage(),
			credentials: { apiKey: 'sk_replicas_wrong', baseUrl: ctx.server.url },
		});
		expect(ctx.server.requests).toHaveLength(1);
		expect(error?.message).toBe('Replicas API error 401: Unauthorized — Invalid API key');
	});
});

describe('Continue On Fail', () => {
	const missing = '0b9c3a52-1f7e-4d2a-9a55-5d1f0e6c2b11';
	const items = [
		json({ replica: REPLICA_ID }),
		json({ replica: missing }),
		json({ replica: REPLICA_ID }),
	];
	const parameters = sendMessage({
		replicaId: { __rl: true, mode: 'id', value: '={{ $json.replica }}' },
	});

	beforeEach(() => {
		ctx.server.respondWith((request) =>
			request.params.id === missing
				? { status: 404, body: { error: 'Replica not found', details: `No replica ${missing}` } }
				: undefined,
		);
	});

	it('continue (regular output): N items in, N items out, each paired', async () => {
		const { output, errorOutput, error } = await ctx.run({
			items,
			parameters,
			onError: 'continueRegularOutput',
		});
		expect(error).toBeUndefined();
		expect(ctx.server.requests).toHaveLength(3);
		expect(errorOutput).toEqual([]);
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.status).toBe('sent');
		expect(output[1].json.error).toBe(
			`Replicas API error 404: Replica not found — No replica ${missing}`,
		);
		expect(output[2].json.status).toBe('sent');
	});

	it('continue (error output): failures go to the error output, each paired', async () => {
		const { output, errorOutput, error } = await ctx.run({
			items,
			parameters,
			onError: 'continueErrorOutput',
		});
		expect(error).toBeUndefined();
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(output.every((item) => item.json.status === 'sent')).toBe(true);
		expect(errorOutput).toHaveLength(1);
		expect(errorOutput[0].pairedItem).toEqual({ item: 1 });
		expect(errorOutput[0].json.error).toMatch(/^Replicas API error 404: Replica not found/);
	});

	it('stop (default): the workflow fails on the failing item', async () => {
		const { error } = await ctx.run({ items, parameters });
		expect(error?.message).toMatch(/^Replicas API error 404/);
		expect((error as NodeApiError).context.itemIndex).toBe(1);
	});
});

describe('the API key stays secret', () => {
	const apiKey = () => ctx.server.apiKey;

	it('is absent from output items, errors and logs, in success and failure', async () => {
		logs.length = 0;
		const good = await ctx.run({ parameters: sendMessage(), onError: 'continueRegularOutput' });
		ctx.server.respondWith(() => ({ status: 401, body: { error: 'Unauthorized' } }));
		const failedItem = await ctx.run({
			items: [json({}), json({})],
			parameters: sendMessage(),
			onError: 'continueErrorOutput',
		});
		const failedRun = await ctx.run({ parameters: sendMessage() });
		ctx.server.respondWith(() => ({ fault: 'reset' }));
		const reset = await ctx.run({ parameters: sendMessage() });

		expect(ctx.server.requests.every((r) => r.headers.authorization === `Bearer ${apiKey()}`)).toBe(
			true,
		);
		for (const result of [good, failedItem, failedRun, reset]) {
			const everything = JSON.stringify({
				output: result.output,
				errorOutput: result.errorOutput,
				error: result.error && {
					message: result.error.message,
					description: result.error.description,
					context: result.error.context,
					stack: result.error.stack,
					cause: (result.error as { cause?: unknown }).cause,
					serialized: JSON.parse(JSON.stringify(result.error)),
				},
				run: result.run,
			});
			expect(everything).not.toContain(apiKey());
		}
		expect(reset.error).toBeDefined();
		expect(logs.filter((entry) => entry.level.endsWith('debug')).length).toBeGreaterThan(3);
		expect(JSON.stringify(logs)).not.toContain(apiKey());
	});
});

describe('sending once', () => {
	it('with the error output, a failed item is not retried and others are not re-sent', async () => {
		ctx.server.respondWith((request) =>
			request.body.message === 'second' ? { status: 503, body: { error: 'Busy' } } : undefined,
		);
		const { output, errorOutput } = await ctx.run({
			items: [json({ m: 'first' }), json({ m: 'second' }), json({ m: 'third' })],
			parameters: sendMessage({ message: '={{ $json.m }}' }),
			onError: 'continueErrorOutput',
			retryOnFail: true,
		});
		expect(ctx.server.requests.map((r) => r.body.message).sort()).toEqual([
			'first',
			'second',
			'third',
		]);
		expect(output).toHaveLength(2);
		expect(errorOutput).toHaveLength(1);
	});
});
