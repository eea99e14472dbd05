import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeBaseUrl } from './baseUrl';
import { replicasApiError } from './errors';

type RequestExtras = { qs?: IDataObject; body?: IDataObject };

/** The one place outside declarative routing that talks to the Replicas API. */
export async function replicasApiRequest(
	this: ILoadOptionsFunctions | IExecuteSingleFunctions,
	method: IHttpRequestMethods,
	path: string,
	{ qs, body }: RequestExtras = {},
): Promise<unknown> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>('replicasApi');
	const base = normalizeBaseUrl(credentials.baseUrl);
	if ('problem' in base) {
		throw new NodeOperationError(this.getNode(), `Base URL ${base.problem}`, {
			description: base.fix,
		});
	}
	const options: IHttpRequestOptions = {
		method,
		baseURL: base.url,
		url: path,
		qs,
		body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		'replicasApi',
		options,
	)) as { statusCode: number; body: unknown; headers: IDataObject };
	if (response.statusCode >= 400) {
		throw replicasApiError(this.getNode(), response);
	}
	return response.body;
}
