import { REPLICA_ID, json, sendMessage, useReplicasServer } from '../helpers/context';

const ctx = useReplicasServer();

describe('Send Message through n8n-core', () => {
	it('sends the message with the bearer key and outputs the answer', async () => {
		const { output, error } = await ctx.run({ parameters: sendMessage() });

		expect(error).toBeUndefined();
		expect(ctx.server.requests).toHaveLength(1);
		const [request] = ctx.server.requests;
		expect(request.errors).toEqual([]);
		expect(request.method).toBe('POST');
		expect(request.path).toBe(`/v1/replica/${REPLICA_ID}/messages`);
		expect(request.headers.authorization).toBe(`Bearer ${ctx.server.apiKey}`);
		expect(request.body).toEqual({ message: 'Fix the login timeout' });
		expect(output).toEqual([
			{
				json: {
					status: 'sent',
					message_id: 'msg_000001',
					position: null,
					chat_id: 'chat_default',
					replica_id: REPLICA_ID,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('keeps the items in order, each paired to its input', async () => {
		const items = [0, 1, 2].map((n) => json({ n }));
		const { output } = await ctx.run({
			items,
			parameters: sendMessage({ message: '={{ "task " + $json.n }}' }),
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const sent = ctx.server.requests.map((r) => r.body.message).sort();
		expect(sent).toEqual(['task 0', 'task 1', 'task 2']);
	});
});
