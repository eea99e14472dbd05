'use strict';
// A stand-in for the Replicas API on 127.0.0.1. It checks every request against the project's
// schemas of the endpoints the node uses, records it, and answers like the API, or as a test asks.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { createHash, randomUUID } = require('node:crypto');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const apiSchema = require('../schemas/replicas-api.schema.json');

// Where the vendor's OpenAPI file is at hand (../shared beside the repository), request bodies are
// checked against it too, as it stands, besides the project's own stricter schemas.
const vendorFile = path.resolve(__dirname, '../../../shared/replicas-openapi.json');

/** A copy of a schema in which objects accept no keys beyond the ones they declare. */
function strict(schema) {
	if (Array.isArray(schema)) return schema.map(strict);
	if (!schema || typeof schema !== 'object') return schema;
	const copy = {};
	for (const [key, value] of Object.entries(schema)) copy[key] = strict(value);
	if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy)) {
		copy.additionalProperties = false;
	}
	return copy;
}

function compileValidators() {
	const ajv = new Ajv2020({ allErrors: true, strict: false });
	addFormats(ajv);
	ajv.addSchema(strict(apiSchema));
	const ref = (name) => ajv.getSchema(`${apiSchema.$id}#/$defs/${name}`);
	const haveVendor = fs.existsSync(vendorFile);
	if (haveVendor)
		ajv.addSchema({ ...JSON.parse(fs.readFileSync(vendorFile, 'utf8')), $id: 'vendor' });
	const vendorRef = (name) =>
		haveVendor ? ajv.getSchema(`vendor#/components/schemas/${name}`) : undefined;
	const endpoints = Object.entries(apiSchema['x-endpoints']).map(([name, spec]) => {
		const pattern = new RegExp(`^${spec.path.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
		const params = Object.keys(spec.pathParameters ?? {});
		const paramSchema = {
			type: 'object',
			properties: spec.pathParameters ?? {},
			required: params,
			additionalProperties: false,
		};
		const querySchema = {
			type: 'object',
			properties: spec.queryParameters ?? {},
			additionalProperties: false,
		};
		return {
			name,
			method: spec.method,
			pattern,
			params,
			checkParams: ajv.compile(paramSchema),
			checkQuery: ajv.compile(querySchema),
			checkBody: spec.request ? ref(spec.request) : undefined,
			checkVendorBody: spec.request ? vendorRef(spec.request) : undefined,
			checkResponse: Object.fromEntries(
				Object.entries(spec.responses).map(([status, schema]) => [status, ref(schema)]),
			),
		};
	});
	return { endpoints, ajv };
}

const { endpoints } = compileValidators();

function describeErrors(errors) {
	return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

/** Query values arrive as text; numbers are turned back into numbers before the schema check. */
function typedQuery(searchParams, spec) {
	const query = {};
	for (const [key, value] of searchParams) {
		const type = spec?.properties?.[key]?.type;
		query[key] = type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
	}
	return query;
}

function defaultReplicas() {
	const now = Date.now();
	return ['fix-login-timeout', 'docs-refresh', 'billing-export'].map((name, index) => ({
		id: randomUUID(),
		name,
		status: ['active', 'sleeping', 'archived'][index],
		source: 'api',
		created_at: new Date(now - index * 3_600_000).toISOString(),
		last_activity_at: null,
		repositories: [],
		pull_requests: [],
	}));
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** What a load test needs to know of a request, without keeping its (possibly large) body. */
function summarize(entry) {
	const { rawBody, body, headers, ...rest } = entry;
	return {
		...rest,
		authorization: headers.authorization,
		size: rawBody.length,
		message: typeof body?.message === 'string' ? body.message.slice(0, 200) : undefined,
		bodySha256: sha256(rawBody),
		images: (body?.images ?? []).map((image) => {
			const bytes = Buffer.from(image?.source?.data ?? '', 'base64');
			return { media_type: image?.source?.media_type, bytes: bytes.length, sha256: sha256(bytes) };
		}),
	};
}

/**
 * @param {{ apiKey?: string, replicas?: object[], port?: number, summarize?: boolean }} [options]
 */
async function startReplicasServer(options = {}) {
	const apiKey = options.apiKey ?? 'sk_replicas_test_0123456789abcdef';
	const state = {
		apiKey,
		replicas: options.replicas ?? defaultReplicas(),
		requests: [],
		handler: undefined,
		messageCount: 0,
		openSockets: new Set(),
	};

	function record(req, url, rawBody) {
		let body;
		let parseError;
		if (rawBody.length) {
			try {
				body = JSON.parse(rawBody.toString('utf8'));
			} catch (error) {
				parseError = error.message;
			}
		}
		const entry = {
			method: req.method,
			path: url.pathname,
			rawPath: req.url,
			query: Object.fromEntries(url.searchParams),
			headers: req.headers,
			rawBody,
			body,
			errors: [],
			endpoint: undefined,
			params: {},
		};
		const endpoint = endpoints.find((e) => e.method === req.method && e.pattern.test(url.pathname));
		if (!endpoint) {
			entry.errors.push(`no such endpoint: ${req.method} ${url.pathname}`);
			return entry;
		}
		entry.endpoint = endpoint.name;
		const match = endpoint.pattern.exec(url.pathname);
		endpoint.params.forEach((name, index) => {
			entry.params[name] = decodeURIComponent(match[index + 1]);
		});
		if (!endpoint.checkParams(entry.params)) {
			entry.errors.push(`path: ${describeErrors(endpoint.checkParams.errors)}`);
		}
		entry.query = typedQuery(url.searchParams, endpoint.checkQuery.schema);
		if (!endpoint.checkQuery(entry.query)) {
			entry.errors.push(`query: ${describeErrors(endpoint.checkQuery.errors)}`);
		}
		if (endpoint.checkBody) {
			const type = String(req.headers['content-type'] ?? '');
			if (!type.startsWith('application/json')) entry.errors.push(`content-type is '${type}'`);
			if (parseError) entry.errors.push(`body is not JSON: ${parseError}`);
			else {
				if (!endpoint.checkBody(body)) {
					entry.errors.push(`body: ${describeErrors(endpoint.checkBody.errors)}`);
				}
				const vendor = endpoint.checkVendorBody;
				if (vendor && !vendor(body)) {
					entry.errors.push(`vendor schema: ${describeErrors(vendor.errors)}`);
				}
			}
		} else if (rawBody.length) {
			entry.errors.push('body sent to an endpoint that takes none');
		}
		return entry;
	}

	function defaultAnswer(entry) {
		if (entry.headers.authorization !== `Bearer ${state.apiKey}`) {
			return { status: 401, body: { error: 'Unauthorized', details: 'Invalid API key' } };
		}
		if (!entry.endpoint) return { status: 404, body: { error: 'Not found' } };
		if (entry.errors.length) {
			return { status: 400, body: { error: 'Invalid request', details: entry.errors.join('; ') } };
		}
		if (entry.endpoint === 'listReplicas') {
			const page = entry.query.page ?? 1;
			const limit = entry.query.limit ?? 10;
			const slice = state.replicas.slice((page - 1) * limit, page * limit);
			return {
				status: 200,
				body: {
					replicas: slice,
					total: state.replicas.length,
					page,
					limit,
					total_pages: Math.max(1, Math.ceil(state.replicas.length / limit)),
				},
			};
		}
		state.messageCount += 1;
		return {
			status: 200,
			body: {
				status: 'sent',
				message_id: `msg_${String(state.messageCount).padStart(6, '0')}`,
				position: null,
				chat_id: entry.body.chat_id ?? 'chat_default',
			},
		};
	}

	function answer(res, entry, reply) {
		entry.answer = reply;
		if (reply.fault === 'reset') {
			res.socket.destroy();
			return;
		}
		if (reply.fault === 'hang') return;
		if (reply.fault === 'partial') {
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
			res.write('{"status":"sent","mess');
			setTimeout(() => res.socket.destroy(), 20);
			return;
		}
		const headers = { ...(reply.headers ?? {}) };
		let payload = '';
		if (reply.raw !== undefined) payload = reply.raw;
		else if (reply.body !== undefined) {
			payload = JSON.stringify(reply.body);
			headers['content-type'] ??= 'application/json';
		}
		res.writeHead(reply.status ?? 200, headers);
		res.end(payload);
	}

	// For a server in another process: its recorded requests, and a reset between runs.
	function control(req, res, url) {
		if (url.pathname === '/__control/requests') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(state.requests.map((e) => (e.rawBody ? summarize(e) : e))));
		} else if (url.pathname === '/__control/reset' && req.method === 'POST') {
			state.requests = [];
			res.writeHead(204).end();
		} else {
			res.writeHead(404).end();
		}
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const url = new URL(req.url, 'http://127.0.0.1');
			if (url.pathname.startsWith('/__control/')) return control(req, res, url);
			const entry = record(req, url, Buffer.concat(chunks));
			state.requests.push(options.summarize ? summarize(entry) : entry);
			const scripted = state.handler ? await state.handler(entry, state) : undefined;
			answer(res, entry, scripted ?? defaultAnswer(entry));
		});
	});
	server.on('connection', (socket) => {
		state.openSockets.add(socket);
		socket.on('close', () => state.openSockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address();

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		apiKey,
		get requests() {
			return state.requests;
		},
		get replicas() {
			return state.replicas;
		},
		/** Answers the next requests with handler(entry) when it returns a reply; else as the API. */
		respondWith(handler) {
			state.handler = handler;
		},
		reset() {
			state.requests = [];
			state.handler = undefined;
		},
		async close() {
			for (const socket of state.openSockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

module.exports = {
	startReplicasServer,
	endpoints,
	strict,
	checksVendorSchema: fs.existsSync(vendorFile),
};

if (require.main === module) {
	const args = process.argv.slice(2);
	const port = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 0);
	startReplicasServer({
		port,
		apiKey: process.env.REPLICAS_TEST_API_KEY,
		summarize: args.includes('--summarize'),
	}).then((server) => {
		const info = { url: server.url, apiKey: server.apiKey, replicas: server.replicas };
		process.stdout.write(`${JSON.stringify(info)}\n`);
	});
}
