import type { INodeParameters } from 'n8n-workflow';

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
		expect(request.headers['content-type']).toMatch(/^application\/json/);
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

	it('passes on a queued answer as the API gives it', async () => {
		ctx.server.respondWith(() => ({
			status: 200,
			body: { status: 'queued', message_id: 'msg_q', position: 3, chat_id: 'chat_7' },
		}));
		const { output } = await ctx.run({ parameters: sendMessage() });
		expect(output[0].json).toEqual({
			status: 'queued',
			message_id: 'msg_q',
			position: 3,
			chat_id: 'chat_7',
			replica_id: REPLICA_ID,
		});
	});

	it('accepts a replica picked from the list and a Base URL with a trailing slash', async () => {
		const { output, error } = await ctx.run({
			parameters: sendMessage({
				replicaId: { __rl: true, mode: 'list', value: REPLICA_ID.toUpperCase() },
			}),
			credentials: { apiKey: ctx.server.apiKey, baseUrl: `${ctx.server.url}/` },
		});
		expect(error).toBeUndefined();
		expect(ctx.server.requests[0].path).toBe(`/v1/replica/${REPLICA_ID}/messages`);
		expect(output[0].json.replica_id).toBe(REPLICA_ID);
	});

	describe('each option alone puts exactly its field in the body', () => {
		const cases: Array<[string, INodeParameters, object]> = [
			['Coding Agent claude', { codingAgent: 'claude' }, { coding_agent: 'claude' }],
			['Coding Agent codex', { codingAgent: 'codex' }, { coding_agent: 'codex' }],
			['Coding Agent cursor', { codingAgent: 'cursor' }, { coding_agent: 'cursor' }],
			['Coding Agent opencode', { codingAgent: 'opencode' }, { coding_agent: 'opencode' }],
			['Coding Agent pi', { codingAgent: 'pi' }, { coding_agent: 'pi' }],
			['Coding Agent default', { codingAgent: '' }, {}],
			['Chat ID', { options: { chatId: 'chat_42' } }, { chat_id: 'chat_42' }],
			['Model', { options: { model: 'sonnet' } }, { model: 'sonnet' }],
			['Plan Mode on', { options: { planMode: true } }, { plan_mode: true }],
			['Plan Mode off', { options: { planMode: false } }, { plan_mode: false }],
			['Goal Mode', { options: { goalMode: true } }, { goal_mode: true }],
			['Fast Mode', { options: { fastMode: true } }, { fast_mode: true }],
			['Sender User ID', { options: { senderUserId: 'user_9' } }, { senderUserId: 'user_9' }],
			[
				'Sender Email',
				{ options: { senderEmail: 'ana@example.com' } },
				{ senderEmail: 'ana@example.com' },
			],
			...['low', 'medium', 'high', 'xhigh', 'max', 'ultra', 'ultracode'].map(
				(level): [string, INodeParameters, object] => [
					`Thinking Level ${level}`,
					{ options: { thinkingLevel: level } },
					{ thinking_level: level },
				],
			),
		];
		it.each(cases)('%s', async (_name, extra, expected) => {
			const { error } = await ctx.run({ parameters: sendMessage(extra) });
			expect(error).toBeUndefined();
			expect(ctx.server.requests).toHaveLength(1);
			expect(ctx.server.requests[0].errors).toEqual([]);
			expect(ctx.server.requests[0].body).toEqual({
				message: 'Fix the login timeout',
				...expected,
			});
		});
	});

	it('sends every option together', async () => {
		await ctx.run({
			parameters: sendMessage({
				codingAgent: 'codex',
				options: {
					chatId: 'chat_1',
					model: 'gpt-5',
					thinkingLevel: 'ultra',
					planMode: true,
					goalMode: true,
					fastMode: false,
					senderUserId: 'user_1',
					senderEmail: 'dev@example.com',
				},
			}),
		});
		expect(ctx.server.requests[0].errors).toEqual([]);
		expect(ctx.server.requests[0].body).toEqual({
			message: 'Fix the login timeout',
			coding_agent: 'codex',
			chat_id: 'chat_1',
			model: 'gpt-5',
			thinking_level: 'ultra',
			plan_mode: true,
			goal_mode: true,
			fast_mode: false,
			senderUserId: 'user_1',
			senderEmail: 'dev@example.com',
		});
	});

	it('leaves out options whose expression yields nothing', async () => {
		await ctx.run({
			parameters: sendMessage({
				codingAgent: '={{ $json.agent }}',
				options: { chatId: '={{ $json.chat }}', model: '  ', senderEmail: '={{ $json.email }}' },
			}),
		});
		expect(ctx.server.requests[0].body).toEqual({ message: 'Fix the login timeout' });
	});

	it('evaluates expressions per item and keeps items paired and in order', async () => {
		const items = [
			json({ text: 'first', agent: 'claude', chat: 'chat_a', level: 'high', plan: true }),
			json({ text: 'second', agent: 'codex', chat: 'chat_b', level: 'ultra', plan: false }),
			json({ text: 'third', agent: '', chat: '', level: 'low', plan: 'true' }),
		];
		const { output } = await ctx.run({
			items,
			parameters: sendMessage({
				message: '={{ $json.text }}',
				codingAgent: '={{ $json.agent }}',
				options: {
					chatId: '={{ $json.chat }}',
					thinkingLevel: '={{ $json.level }}',
					planMode: '={{ $json.plan }}',
				},
			}),
		});

		const byMessage = Object.fromEntries(ctx.server.requests.map((r) => [r.body.message, r.body]));
		expect(ctx.server.requests.every((r) => r.errors.length === 0)).toBe(true);
		expect(byMessage).toEqual({
			first: {
				message: 'first',
				coding_agent: 'claude',
				chat_id: 'chat_a',
				thinking_level: 'high',
				plan_mode: true,
			},
			second: {
				message: 'second',
				coding_agent: 'codex',
				chat_id: 'chat_b',
				thinking_level: 'ultra',
				plan_mode: false,
			},
			third: { message: 'third', thinking_level: 'low', plan_mode: true },
		});
		expect(output.map((item) => [item.json.chat_id, item.pairedItem])).toEqual([
			['chat_a', { item: 0 }],
			['chat_b', { item: 1 }],
			['chat_default', { item: 2 }],
		]);
	});

	it('sends one request per item for many items', async () => {
		const items = Array.from({ length: 25 }, (_, n) => json({ n }));
		const { output } = await ctx.run({
			items,
			parameters: sendMessage({ message: '={{ "task " + $json.n }}' }),
		});
		expect(ctx.server.requests).toHaveLength(25);
		expect(new Set(ctx.server.requests.map((r) => r.body.message)).size).toBe(25);
		expect(output).toHaveLength(25);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});
});
