import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { replicasApiRequest } from '../shared/transport';
import type { ListReplicasResponse } from '../shared/types';

const PAGE_SIZE = 100;

/**
 * The replica picker. The API filters by status and source but not by name, so the name filter is
 * applied to each page here; the editor asks for the next page with the token.
 */
export async function searchReplicas(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const answer = (await replicasApiRequest.call(this, 'GET', '/v1/replica', {
		qs: { page, limit: PAGE_SIZE },
	})) as ListReplicasResponse;
	const needle = (filter ?? '').trim().toLowerCase();
	const results = answer.replicas
		.filter((replica) => !needle || replica.name.toLowerCase().includes(needle))
		.map((replica) => ({ name: `${replica.name} (${replica.status})`, value: replica.id }));
	return {
		results,
		paginationToken: page < answer.total_pages ? String(page + 1) : undefined,
	};
}
