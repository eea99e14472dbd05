// Talks to a running n8n the way its editor and its public API clients do: the internal REST API
// (owner setup, login, API keys) with a session cookie, and the public API (`/api/v1`) with an
// API key. The same calls work on n8n 1.123 and 2.40.
import { randomUUID } from 'node:crypto';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class N8nRest {
	constructor(baseUrl, { timeoutMs = 30_000 } = {}) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.timeoutMs = timeoutMs;
		// n8n binds a session to the browser-id header it was issued with.
		this.browserId = randomUUID();
		this.cookie = '';
		this.apiKey = '';
	}

	async request(path, { method = 'GET', body, headers = {}, auth = 'cookie' } = {}) {
		const init = {
			method,
			headers: { accept: 'application/json', ...headers },
			signal: AbortSignal.timeout(this.timeoutMs),
		};
		if (auth === 'cookie') {
			init.headers['browser-id'] = this.browserId;
			if (this.cookie) init.headers.cookie = this.cookie;
		} else if (auth === 'apiKey') {
			init.headers['x-n8n-api-key'] = this.apiKey;
		}
		if (body !== undefined) {
			init.headers['content-type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		const response = await fetch(`${this.baseUrl}${path}`, init);
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth_ = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth_) this.cookie = auth_.split(';')[0];
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (!response.ok) {
			const error = new Error(
				`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`,
			);
			error.status = response.status;
			throw error;
		}
		return json;
	}

	/** The internal API wraps answers in `{ data }`. */
	async rest(path, options) {
		const answer = await this.request(`/rest${path}`, options);
		return answer && typeof answer === 'object' && 'data' in answer ? answer.data : answer;
	}

	api(path, options = {}) {
		return this.request(`/api/v1${path}`, { ...options, auth: 'apiKey' });
	}

	/** Whether the instance still waits for its owner account. */
	async needsOwnerSetup() {
		const settings = await this.rest('/settings', { auth: 'none' });
		return Boolean(settings?.userManagement?.showSetupOnFirstLoad);
	}

	async setupOwner(owner) {
		return this.rest('/owner/setup', { method: 'POST', body: owner });
	}

	async login({ email, password }) {
		return this.rest('/login', {
			method: 'POST',
			body: { emailOrLdapLoginId: email, password },
		});
	}

	/** A public-API key with every scope the owner may grant; kept for the `api()` calls. */
	async createApiKey(label = 'replicas e2e') {
		const scopes = await this.rest('/api-keys/scopes');
		const key = await this.rest('/api-keys', {
			method: 'POST',
			body: { label, scopes, expiresAt: null },
		});
		this.apiKey = key.rawApiKey;
		return this.apiKey;
	}

	activateWorkflow(id) {
		return this.api(`/workflows/${id}/activate`, { method: 'POST', body: {} });
	}

	async executions(workflowId) {
		const page = await this.api(
			`/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=50`,
		);
		return page?.data ?? [];
	}

	/**
	 * Polls until the workflow has a finished execution that `known` does not list (ids of
	 * executions seen before the action under test). Resolves with the full execution.
	 */
	async waitForExecution(workflowId, { known = [], timeoutMs = 90_000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = (await this.executions(workflowId)).find(
				(e) => !known.includes(String(e.id)) && e.finished !== undefined && e.stoppedAt,
			);
			if (found) return found;
			if (Date.now() > deadline) {
				throw new Error(`no new execution of workflow ${workflowId} within ${timeoutMs} ms`);
			}
			await sleep(500);
		}
	}

	async executionIds(workflowId) {
		return (await this.executions(workflowId)).map((e) => String(e.id));
	}
}
