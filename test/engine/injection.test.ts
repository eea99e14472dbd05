import { REPLICA_ID, json, sendMessage, useReplicasServer } from '../helpers/context';

const ctx = useReplicasServer();

// Values a public form could put into the replica or chat ID. None may change the host or the
// path the API key is sent to.
const hostile = [
	'../../v1/replica',
	`${REPLICA_ID}/../../admin`,
	`${REPLICA_ID}?chat=1`,
	`${REPLICA_ID}#x`,
	`${REPLICA_ID}@evil.invalid`,
	'@evil.invalid',
	'http://evil.invalid/v1/replica',
	'//evil.invalid/x',
	`${REPLICA_ID}%2F..%2F..`,
	'%2e%2e%2f%2e%2e%2f',
	`${REPLICA_ID}%3Fx=1`,
	`${REPLICA_ID}\r\nHost: evil.invalid`,
	` ${REPLICA_ID}/`,
	`${REPLICA_ID.slice(0, -1)}/`,
];

describe('values from item data cannot redirect the key', () => {
	it('refuses every hostile replica ID before sending anything', async () => {
		const { output } = await ctx.run({
			items: hostile.map((id) => json({ id })),
			parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }),
			onError: 'continueRegularOutput',
		});
		expect(ctx.server.requests).toHaveLength(0);
		expect(output).toHaveLength(hostile.length);
		output.forEach((item, index) => {
			expect(item.json.error).toMatch(
				new RegExp(`^Replica on item ${index} is .*, not a replica ID$`),
			);
		});
	});

	it('keeps a hostile chat ID in the body, never in the URL', async () => {
		const { output } = await ctx.run({
			items: hostile.map((chat) => json({ chat })),
			parameters: sendMessage({ options: { chatId: '={{ $json.chat }}' } }),
		});
		expect(output).toHaveLength(hostile.length);
		expect(ctx.server.requests).toHaveLength(hostile.length);
		for (const request of ctx.server.requests) {
			expect(request.rawPath).toBe(`/v1/replica/${REPLICA_ID}/messages`);
			expect(request.headers.host).toBe(`127.0.0.1:${ctx.server.port}`);
			expect(request.errors).toEqual([]);
		}
		expect(ctx.server.requests.map((r) => r.body.chat_id).sort()).toEqual(
			hostile.map((chat) => chat.trim()).sort(),
		);
	});
});
