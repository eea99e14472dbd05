import { searchList, testCredential } from '../helpers/engine';
import { startReplicasServer } from '../server/replicas-server';

type Server = Awaited<ReturnType<typeof startReplicasServer>>;
let server: Server;

const replica = (name: string, status: string, n: number) => ({
	id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
	name,
	status,
	source: 'api',
	created_at: '2026-12-01T10:00:00Z',
	last_activity_at: null,
	repositories: [],
	pull_requests: [],
});

beforeAll(async () => {
	const replicas = Array.from({ length: 150 }, (_, n) =>
		replica(n % 50 === 7 ? `fix-login-${n}` : `task-${n}`, n % 2 ? 'sleeping' : 'active', n),
	);
	server = await startReplicasServer({ replicas });
});
afterEach(() => server.reset());
afterAll(async () => await server.close());

const credentials = () => ({ apiKey: server.apiKey, baseUrl: server.url });

describe('Replica picker (From List)', () => {
	it('lists replicas with their status, a page at a time', async () => {
		const first = await searchList('searchReplicas', credentials());
		expect(first.results).toHaveLength(100);
		expect(first.results[0]).toEqual({ name: 'task-0 (active)', value: server.replicas[0].id });
		expect(first.results[1].name).toBe('task-1 (sleeping)');
		expect(first.paginationToken).toBe('2');

		const second = await searchList('searchReplicas', credentials(), undefined, '2');
		expect(second.results).toHaveLength(50);
		expect(second.paginationToken).toBeUndefined();

		expect(server.requests.map((r) => [r.errors, r.query, r.headers.authorization])).toEqual([
			[[], { page: 1, limit: 100 }, `Bearer ${server.apiKey}`],
			[[], { page: 2, limit: 100 }, `Bearer ${server.apiKey}`],
		]);
	});

	it('filters by name, ignoring case', async () => {
		const page = await searchList('searchReplicas', credentials(), 'FIX-login');
		expect(page.results.map((r) => r.name)).toEqual([
			'fix-login-7 (sleeping)',
			'fix-login-57 (sleeping)',
		]);
	});

	it('applies the Base URL rules of Send Message: no plain http to another host', async () => {
		await expect(
			searchList('searchReplicas', { apiKey: server.apiKey, baseUrl: 'http://replicas.invalid' }),
		).rejects.toThrow(/^Base URL uses plain http to replicas\.invalid/);
		expect(server.requests).toHaveLength(0);
	});

	it('reports an API failure with its status and text', async () => {
		await expect(
			searchList('searchReplicas', { apiKey: 'wrong', baseUrl: server.url }),
		).rejects.toThrow('Replicas API error 401: Unauthorized — Invalid API key');
	});
});

describe('Replicas API credential test', () => {
	it('passes with the right key, reading the Base URL field (trailing slash included)', async () => {
		expect(await testCredential({ apiKey: server.apiKey, baseUrl: `${server.url}/` })).toBe('OK');
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toMatchObject({
			method: 'GET',
			path: '/v1/replica',
			query: { limit: 1 },
			errors: [],
		});
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${server.apiKey}`);
	});

	it('fails with a wrong key', async () => {
		const verdict = await testCredential({ apiKey: 'sk_replicas_wrong', baseUrl: server.url });
		expect(verdict).not.toBe('OK');
		expect(verdict).toMatch(/Authorization failed|401/);
	});
});
