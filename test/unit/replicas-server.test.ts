import { checksVendorSchema, endpoints, startReplicasServer } from '../server/replicas-server';

type Server = Awaited<ReturnType<typeof startReplicasServer>>;
let server: Server;

beforeAll(async () => {
	server = await startReplicasServer();
});
afterEach(() => server.reset());
afterAll(async () => await server.close());

const id = '3f1c2b4a-9d8e-4f70-a1b2-c3d4e5f60718';

async function send(body: unknown, options: { path?: string; key?: string; type?: string } = {}) {
	const response = await fetch(`${server.url}${options.path ?? `/v1/replica/${id}/messages`}`, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${options.key ?? server.apiKey}`,
			'content-type': options.type ?? 'application/json',
		},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as unknown };
}

describe('the Replicas test server', () => {
	it('accepts a valid message and answers with a schema-valid body', async () => {
		const answer = await send({ message: 'hi', coding_agent: 'pi', thinking_level: 'ultracode' });
		expect(answer.status).toBe(200);
		expect(server.requests[0].errors).toEqual([]);
		const check = endpoints.find((e) => e.name === 'sendReplicaMessage')!.checkResponse['200'];
		expect(check(answer.body)).toBe(true);
	});

	it.each([
		['a missing message', { chat_id: 'c' }, /must have required property 'message'/],
		['an unknown field', { message: 'hi', codingAgent: 'claude' }, /additional properties/],
		['an agent outside the enum', { message: 'hi', coding_agent: 'gemini' }, /allowed values/],
		['a string flag', { message: 'hi', plan_mode: 'true' }, /must be boolean/],
		[
			'an image without media type',
			{ message: 'hi', images: [{ type: 'image', source: { type: 'base64', data: 'AA==' } }] },
			/media_type/,
		],
	])('refuses %s with 400 and records why', async (_name, body, why) => {
		const answer = await send(body);
		expect(answer.status).toBe(400);
		expect(server.requests[0].errors.join('; ')).toMatch(why);
	});

	it('refuses a replica ID that is not a UUID, a wrong content type and a wrong key', async () => {
		expect((await send({ message: 'hi' }, { path: '/v1/replica/abc/messages' })).status).toBe(400);
		expect(server.requests[0].errors.join()).toMatch(/path: \/id must match format "uuid"/);
		expect((await send('{"message":"hi"}', { type: 'text/plain' })).status).toBe(400);
		expect(server.requests[1].errors.join()).toMatch(/content-type/);
		expect((await send({ message: 'hi' }, { key: 'nope' })).status).toBe(401);
	});

	it('lists replicas page by page and checks the query', async () => {
		const page = await fetch(`${server.url}/v1/replica?page=2&limit=2`, {
			headers: { authorization: `Bearer ${server.apiKey}` },
		});
		const body = (await page.json()) as { replicas: unknown[] };
		expect(body).toMatchObject({ page: 2, limit: 2, total: 3, total_pages: 2 });
		expect(body.replicas).toHaveLength(1);
		const check = endpoints.find((e) => e.name === 'listReplicas')!.checkResponse['200'];
		expect(check(body)).toBe(true);
		const bad = await fetch(`${server.url}/v1/replica?limit=500`, {
			headers: { authorization: `Bearer ${server.apiKey}` },
		});
		expect(bad.status).toBe(400);
	});
});

describe('the vendor schema check', () => {
	(checksVendorSchema ? it : it.skip)(
		'also applies the vendor OpenAPI schema when present',
		async () => {
			await send({ coding_agent: 'gemini' });
			expect(server.requests[0].errors.join('; ')).toMatch(
				/vendor schema: .*must have required property 'message'/,
			);
		},
	);
});
