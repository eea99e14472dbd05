import type { IncomingHttpHeaders } from 'node:http';

import type { SendMessageBody } from '../../nodes/Replica/shared/types';

export type RecordedRequest = {
	method: string;
	path: string;
	rawPath: string;
	query: Record<string, unknown>;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** The parsed JSON body (Send Message requests; absent on GET requests). */
	body: SendMessageBody;
	/** Every way the request breaks the project's schemas of the Replicas API; empty when valid. */
	errors: string[];
	endpoint: 'sendReplicaMessage' | 'listReplicas' | undefined;
	params: Record<string, string>;
	answer?: Reply;
};

export type Reply = {
	status?: number;
	body?: unknown;
	raw?: string;
	headers?: Record<string, string>;
	fault?: 'reset' | 'hang' | 'partial';
};

export type ReplicaListItem = {
	id: string;
	name: string;
	status: string;
	source: string;
	created_at: string;
	last_activity_at: string | null;
	repositories: unknown[];
	pull_requests: unknown[];
};

export function startReplicasServer(options?: {
	apiKey?: string;
	replicas?: ReplicaListItem[];
	port?: number;
}): Promise<{
	url: string;
	port: number;
	apiKey: string;
	readonly requests: RecordedRequest[];
	readonly replicas: ReplicaListItem[];
	respondWith(
		handler: (request: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>,
	): void;
	reset(): void;
	close(): Promise<void>;
}>;

export const endpoints: Array<{
	name: string;
	checkResponse: Record<string, (value: unknown) => boolean>;
}>;
export function strict<T>(schema: T): T;
export const checksVendorSchema: boolean;
