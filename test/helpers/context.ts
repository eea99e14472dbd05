import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startReplicasServer } from '../server/replicas-server';
import { runReplica, type RunOptions } from './engine';

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

/** A test server plus a runner whose credentials point at it. */
export function useReplicasServer() {
	const ctx = {} as {
		server: ReplicasServer;
		run: (
			options: Partial<RunOptions> & Pick<RunOptions, 'parameters'>,
		) => ReturnType<typeof runReplica>;
	};
	beforeAll(async () => {
		ctx.server = await startReplicasServer();
		ctx.run = async (options) =>
			await runReplica({
				...options,
				items: options.items ?? [json({})],
				credentials: options.credentials ?? { apiKey: ctx.server.apiKey, baseUrl: ctx.server.url },
			});
	});
	afterEach(() => ctx.server.reset());
	afterAll(async () => await ctx.server.close());
	return ctx;
}
