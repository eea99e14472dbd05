import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { rmSync } from 'node:fs';

import { REPLICA_ID, json, sendMessage, useReplicasServer } from '../helpers/context';
import { seededRandom } from '../helpers/random';
import {
	binary,
	filesystemBinary,
	filesystemPath,
	fixture,
	makePng,
	makePngOfSize,
} from '../helpers/images';

const ctx = useReplicasServer();

const png = fixture('screenshot.png');
const pdf = fixture('document.pdf');
const svg = fixture('drawing.svg');
const withImage = (data: IBinaryData): INodeExecutionData[] => [{ json: {}, binary: { data } }];
const images = (names = 'data') => ({ images: 'binaryProperties', binaryPropertyNames: names });

type Case = {
	name: string;
	parameters: INodeParameters;
	items?: () => Promise<INodeExecutionData[]> | INodeExecutionData[];
	baseUrl?: string;
	/** The error message, or undefined for a documented acceptance. */
	error?: RegExp;
	/** The fix the error's description gives. */
	fix?: RegExp;
	/** n8n itself refuses to start the workflow: a literal value fails the field's own check. */
	refusedByN8n?: boolean;
};

const rejected: Case[] = [
	{
		name: 'replica ID that is not a UUID, typed in',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: 'fix-login' } }),
		error: /has issues:\n- Not a valid replica ID: a UUID is expected/,
		refusedByN8n: true,
	},
	{
		name: 'replica ID that is not a UUID, from an expression',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }),
		items: () => [json({ id: 'fix-login' })],
		error: /^Replica on item 0 is 'fix-login', not a replica ID$/,
		fix: /Pick the replica from the list/,
	},
	{
		name: 'empty replica ID, typed in',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '' } }),
		error: /has issues:\n- Parameter "Replica" is required/,
		refusedByN8n: true,
	},
	{
		name: 'empty replica ID, from an expression',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }),
		items: () => [json({ id: '' })],
		error: /^Replica on item 0 is empty, not a replica ID$/,
	},
	{
		name: 'replica ID expression yielding a number',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '={{ 42 }}' } }),
		error: /^Replica on item 0 is a number, not a replica ID$/,
	},
	{
		name: 'replica ID expression yielding an object',
		parameters: sendMessage({ replicaId: { __rl: true, mode: 'id', value: '={{ { id: 1 } }}' } }),
		error: /^Replica on item 0 is an object, not a replica ID$/,
	},
	{
		name: 'empty message, typed in',
		parameters: sendMessage({ message: '' }),
		error: /has issues:\n- Parameter "Message" is required/,
		refusedByN8n: true,
	},
	{
		name: 'empty message, from an expression',
		parameters: sendMessage({ message: '={{ $json.text }}' }),
		items: () => [json({ text: '' })],
		error: /^Message on item 0 is empty$/,
		fix: /Type the message/,
	},
	{
		name: 'whitespace-only message',
		parameters: sendMessage({ message: ' \n\t ' }),
		error: /^Message on item 0 is empty$/,
	},
	{
		name: 'message expression yielding an object',
		parameters: sendMessage({ message: '={{ $json }}' }),
		items: () => [json({ a: 1 })],
		error: /^Message on item 0 is an object$/,
	},
	{
		name: 'coding agent outside the list, through an expression',
		parameters: sendMessage({ codingAgent: '={{ "gemini" }}' }),
		error: /^Coding Agent on item 0 is 'gemini'$/,
		fix: /claude, codex, cursor, opencode, pi/,
	},
	{
		name: 'thinking level outside the list, through an expression',
		parameters: sendMessage({ options: { thinkingLevel: '={{ "extreme" }}' } }),
		error: /^Thinking Level on item 0 is 'extreme'$/,
		fix: /low, medium, high, xhigh, max, ultra, ultracode/,
	},
	{
		name: 'plan mode that is not a boolean',
		parameters: sendMessage({ options: { planMode: '={{ "yes" }}' } }),
		error: /^Plan Mode on item 0 is 'yes'$/,
	},
	{
		name: 'chat ID expression yielding an object',
		parameters: sendMessage({ options: { chatId: '={{ { id: 1 } }}' } }),
		error: /^Chat ID on item 0 is an object$/,
	},
	{
		name: 'malformed sender email',
		parameters: sendMessage({ options: { senderEmail: 'ana at example.com' } }),
		error: /^Sender Email on item 0 is 'ana at example.com', not an email address$/,
	},
	{
		name: 'binary property missing',
		parameters: sendMessage(images('screenshot')),
		items: () => withImage(binary(png, 'image/png')),
		error: /^Binary property 'screenshot' on item 0 does not exist; the item has 'data'$/,
	},
	{
		name: 'wildcard matching nothing',
		parameters: sendMessage(images('attachment_*')),
		items: () => withImage(binary(png, 'image/png')),
		error: /^Binary property 'attachment_\*' on item 0 does not exist; the item has 'data'$/,
	},
	{
		name: 'empty list of binary properties',
		parameters: sendMessage(images(' , ')),
		items: () => withImage(binary(png, 'image/png')),
		error: /^Binary Properties on item 0 is empty$/,
	},
	{
		name: 'zero-byte file',
		parameters: sendMessage(images()),
		items: () => withImage(binary(Buffer.alloc(0), 'image/png', 'empty.png')),
		error: /^Binary property 'data' on item 0 is empty \(0 bytes\)$/,
	},
	{
		name: 'truncated PNG',
		parameters: sendMessage(images()),
		items: () => withImage(binary(makePng(40, 40, 3).subarray(0, 200), 'image/png', 'cut.png')),
		error: /^Binary property 'data' on item 0 is a image\/png image that is cut short$/,
	},
	{
		name: 'PDF renamed to .png',
		parameters: sendMessage(images()),
		items: () => withImage(binary(pdf, 'image/png', 'report.png')),
		error: /^Binary property 'data' on item 0 is declared 'image\/png' but its content is not/,
	},
	{
		name: 'SVG image',
		parameters: sendMessage(images()),
		items: () => withImage(binary(svg, 'image/svg+xml', 'drawing.svg')),
		error: /^Binary property 'data' on item 0 is 'image\/svg\+xml'; images must be PNG, JPEG/,
	},
	{
		name: '30 MB image, over the 20 MB default limit',
		parameters: sendMessage(images()),
		items: () => withImage(binary(makePngOfSize(30 * 1024 * 1024), 'image/png')),
		error: /^Binary property 'data' on item 0 is 30\.0 MB, over the 20 MB limit$/,
		fix: /Max Image Size/,
	},
	{
		name: '30 MB image stored on disk, refused before it is read',
		parameters: sendMessage(images()),
		items: async () =>
			withImage(await filesystemBinary(makePngOfSize(30 * 1024 * 1024), 'image/png')),
		error: /^Binary property 'data' on item 0 is 30\.0 MB, over the 20 MB limit$/,
	},
	{
		name: 'filesystem binary whose file is gone',
		parameters: sendMessage(images()),
		items: async () => {
			const stored = await filesystemBinary(png, 'image/png');
			rmSync(filesystemPath(stored));
			return withImage(stored);
		},
		error: /^Binary property 'data' on item 0 could not be read/,
	},
	{
		name: 'plain http to a host that is not this machine',
		parameters: sendMessage(),
		baseUrl: 'http://replicas.invalid',
		error: /^Base URL on item 0 uses plain http to replicas\.invalid/,
		fix: /Use https/,
	},
	{
		name: 'base URL without a scheme',
		parameters: sendMessage(),
		baseUrl: 'api.tryreplicas.invalid',
		error: /^Base URL on item 0 'api\.tryreplicas\.invalid' is not a URL$/,
	},
	{
		name: 'base URL with another scheme',
		parameters: sendMessage(),
		baseUrl: 'ftp://127.0.0.1/',
		error: /^Base URL on item 0 uses 'ftp:'$/,
	},
	{
		name: 'base URL with a query',
		parameters: sendMessage(),
		baseUrl: 'https://replicas.invalid/?key=1',
		error: /^Base URL on item 0 carries a query, fragment or user name$/,
	},
];

describe('bad input fails its item with a clear error and sends nothing', () => {
	it.each(rejected.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const { error } = await ctx.run({
			parameters: c.parameters,
			items: c.items ? await c.items() : undefined,
			credentials: { apiKey: ctx.server.apiKey, baseUrl: c.baseUrl ?? ctx.server.url },
		});
		expect(ctx.server.requests).toHaveLength(0);
		expect(error?.message).toMatch(c.error!);
		if (c.fix) expect(error?.description).toMatch(c.fix);
		if (!c.refusedByN8n) expect(error?.context?.itemIndex).toBe(0);
	});

	it('names the right item and sends the good ones', async () => {
		const { output } = await ctx.run({
			items: [json({ m: 'one' }), json({ m: '   ' }), json({ m: 'three' })],
			parameters: sendMessage({ message: '={{ $json.m }}' }),
			onError: 'continueRegularOutput',
		});
		expect(ctx.server.requests.map((r) => r.body.message).sort()).toEqual(['one', 'three']);
		expect(output.map((item) => item.json.error ?? item.json.status)).toEqual([
			'sent',
			'Message on item 1 is empty',
			'sent',
		]);
	});
});

describe('documented acceptances', () => {
	it('sends a 1 MB message unchanged', async () => {
		const message = 'x'.repeat(1024 * 1024);
		await ctx.run({ parameters: sendMessage({ message }) });
		expect(ctx.server.requests[0].errors).toEqual([]);
		expect(ctx.server.requests[0].body.message).toBe(message);
	});

	it('sends NUL characters and emoji unchanged', async () => {
		const message = 'before\u0000after 🚀 — ünïcödé';
		await ctx.run({ parameters: sendMessage({ message }) });
		expect(ctx.server.requests[0].body.message).toBe(message);
	});

	it('sends a number from an expression as text', async () => {
		await ctx.run({ parameters: sendMessage({ message: '={{ 42 }}' }) });
		expect(ctx.server.requests[0].body.message).toBe('42');
	});

	it('sends 20 images on one item, in order', async () => {
		const shots = Array.from({ length: 20 }, (_, n) => makePng(2, 2, n + 1));
		const binaries = Object.fromEntries(
			shots.map((bytes, n) => [`attachment_${n}`, binary(bytes, 'image/png')]),
		);
		await ctx.run({
			items: [{ json: {}, binary: binaries }],
			parameters: sendMessage(images('attachment_*')),
		});
		const sent = ctx.server.requests[0].body.images!.map((image) => image.source.data);
		expect(sent).toEqual(shots.map((bytes) => bytes.toString('base64')));
	});

	it('sends a 30 MB image when Max Image Size is raised', async () => {
		const big = makePngOfSize(30 * 1024 * 1024);
		await ctx.run({
			items: withImage(binary(big, 'image/png')),
			parameters: sendMessage({ ...images(), options: { maxImageSize: 40 } }),
		});
		expect(ctx.server.requests[0].errors).toEqual([]);
		expect(
			Buffer.from(ctx.server.requests[0].body.images![0].source.data, 'base64').equals(big),
		).toBe(true);
	});

	it('keeps a path prefix in the base URL and drops a trailing slash', async () => {
		await ctx.run({
			parameters: sendMessage(),
			credentials: { apiKey: ctx.server.apiKey, baseUrl: `${ctx.server.url}/gateway/` },
		});
		expect(ctx.server.requests[0].rawPath).toBe(`/gateway/v1/replica/${REPLICA_ID}/messages`);
	});
});

describe('fuzz through the node', () => {
	it('300 random binaries: each is sent exactly or fails its own item clearly', async () => {
		const random = seededRandom(424242);
		const sources = ['screenshot.png', 'screenshot.jpg', 'screenshot.gif', 'screenshot.webp'].map(
			fixture,
		);
		const mimes = ['image/png', 'image/jpeg', 'application/octet-stream', 'application/pdf', ''];
		const files = Array.from({ length: 300 }, () => {
			const roll = random.next();
			if (roll < 0.4) return random.pick(sources);
			const source = random.pick([...sources, pdf]);
			const cut = source.subarray(0, random.int(source.length));
			return roll < 0.7 ? cut : Buffer.concat([cut, random.bytes(random.int(40))]);
		});
		const items = files.map((bytes, n) => ({
			json: { n },
			binary: { data: binary(bytes, random.pick(mimes)) },
		}));

		const { output, error } = await ctx.run({
			items,
			parameters: sendMessage({ message: '={{ "item " + $json.n }}', ...images() }),
			onError: 'continueRegularOutput',
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(300);

		const sent = new Map(ctx.server.requests.map((r) => [r.body.message, r]));
		output.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			const request = sent.get(`item ${n}`);
			if (item.json.error) {
				expect(request).toBeUndefined();
				expect(item.json.error).toMatch(new RegExp(`^Binary property 'data' on item ${n} `));
			} else {
				expect(request?.errors).toEqual([]);
				const image = request!.body.images![0];
				expect(Buffer.from(image.source.data, 'base64').equals(files[n])).toBe(true);
			}
		});
		expect(ctx.server.requests.length).toBeGreaterThan(100);
		expect(output.filter((item) => item.json.error).length).toBeGreaterThan(50);
	});
});
