import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startReplicasServer } from '../server/replicas-server';
import { logs, runReplica, type RunOptions, type RunResult } from './engine';

export type ReplicasServer = Awaited<ReturnType<typeof startReplicasServer>>;

export const REPLICA_ID = '3f1c2b4a-9d8e-4f70-a1b2-c3d4e5f60718';

/** Parameters of a Send Message node aimed at REPLICA_ID; `extra` overrides or adds fields. */
export function sendMessage(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'replica',
		operation: 'sendMessage',
		replicaId: { __rl: true, mode: 'id', value: REPLICA_ID },
		message: 'Fix the login timeout',
		...extra,
	};
}

export const json = (value: object): INodeExecutionData => ({ json: value as never });

/**
 * Every run of every engine test checks that the API key is nowhere in what the run produced: the
 * output items, the error with its description, context and cause, and the whole run data.
 */
function expectNoSecret(result: RunResult, apiKey: string) {
	const { error } = result;
	const seen = JSON.stringify({
		output: result.output,
		errorOutput: result.errorOutput,
		run: result.run,
		error: error && {
			message: error.message,
			description: error.description,
			context: error.context,
			stack: error.stack,
			cause: (error as { cause?: unknown }).cause,
			all: error,
		},
	});
	expect(seen).not.toContain(apiKey);
}

/**
 * A test server plus a runner whose credentials point at it. After all tests, n8n's logs (kept at
 * debug level) are searched for every key used.
 */
export function useReplicasServer() {
	const ctx = {} as {
		server: ReplicasServer;
		run: (
			options: Partial<RunOptions> & Pick<RunOptions, 'parameters'>,
		) => ReturnType<typeof runReplica>;
	};
	const keysUsed = new Set<string>();
	beforeAll(async () => {
		ctx.server = await startReplicasServer();
		ctx.run = async (options) => {
			const credentials = options.credentials ?? {
				apiKey: ctx.server.apiKey,
				baseUrl: ctx.server.url,
			};
			keysUsed.add(credentials.apiKey);
			const result = await runReplica({
				...options,
				items: options.items ?? [json({})],
				credentials,
			});
			expectNoSecret(result, credentials.apiKey);
			return result;
		};
	});
	afterEach(() => ctx.server.reset());
	afterAll(async () => {
		await ctx.server.close();
		for (const key of keysUsed) expect(JSON.stringify(logs)).not.toContain(key);
	});
	return ctx;
}
