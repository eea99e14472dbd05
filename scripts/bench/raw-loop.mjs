// The raw-request limit: the Send Message requests of one bench round sent by plain Node.js, with
// the runtime's Node (the one n8n runs on), all at once as the Replica node sends them. A fresh
// process per round, like every `n8n execute`; only the sending is timed.
// Usage: node raw-loop.mjs '{"url":…,"apiKey":…,"replicaId":…,"count":100}'
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const { url, apiKey, replicaId, count } = JSON.parse(process.argv[2]);
const target = new URL(`/v1/replica/${replicaId}/messages`, url);

function send(index) {
	const body = JSON.stringify({ message: `task ${index}` });
	return new Promise((resolve, reject) => {
		const request = http.request(
			target,
			{
				method: 'POST',
				headers: {
					Accept: 'application/json',
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(body),
					Authorization: `Bearer ${apiKey}`,
				},
			},
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					if (response.statusCode !== 200) {
						reject(new Error(`HTTP ${response.statusCode}: ${Buffer.concat(chunks)}`));
					} else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				});
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

const started = performance.now();
const answers = await Promise.all(Array.from({ length: count }, (_, index) => send(index + 1)));
const ms = performance.now() - started;
const sent = answers.filter((answer) => answer.status === 'sent').length;
process.stdout.write(`${JSON.stringify({ ms, sent })}\n`);
