import type {
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { releaseImages } from './attachImages';
import { excerpt, failedItem, replicasApiError } from './errors';
import type { SendMessageResponse } from './types';
import { readReplicaId } from './validation';

function field<T>(body: Record<string, unknown>, key: keyof SendMessageResponse): T | null {
	return key in body ? (body[key] as T) : null;
}

/** postReceive of Send Message: one item per input item, with the replica it went to. */
export async function toSendMessageItems(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	releaseImages(this);
	if (response.statusCode >= 400) {
		return failedItem(this, replicasApiError(this.getNode(), response, this.getItemIndex()));
	}
	const body = response.body;
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		const text = typeof body === 'string' && body.trim() ? `: ${excerpt(body)}` : '';
		return failedItem(
			this,
			new NodeApiError(this.getNode(), { status: response.statusCode } as JsonObject, {
				httpCode: String(response.statusCode),
				message: `Replicas answered ${response.statusCode} without a JSON object${text}`,
				description:
					'The message may or may not have been delivered: check the replica before sending again',
				itemIndex: this.getItemIndex(),
			}),
		);
	}
	const answer = body as Record<string, unknown>;
	return [
		{
			json: {
				status: field<SendMessageResponse['status']>(answer, 'status'),
				message_id: field<string>(answer, 'message_id'),
				position: field<number>(answer, 'position'),
				chat_id: field<string>(answer, 'chat_id'),
				replica_id: readReplicaId(this),
			},
			// n8n pairs declarative output to input only when no item went to the error output.
			pairedItem: { item: this.getItemIndex() },
		},
	];
}
