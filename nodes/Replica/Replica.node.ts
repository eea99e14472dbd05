import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { searchReplicas } from './listSearch/searchReplicas';
import { replicaDescription } from './resources/replica';

export class Replica implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Replica',
		name: 'replica',
		icon: { light: 'file:replica.svg', dark: 'file:replica.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "sendMessage" ? "Send Message" : $parameter["operation"] }}',
		description: 'Send messages, with images, to coding agents running in Replicas workspaces',
		defaults: { name: 'Replica' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'replicasApi', required: true }],
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl}}',
			headers: {
				Accept: 'application/json',
				'Content-Type': 'application/json',
			},
			json: true,
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Replica', value: 'replica' }],
				default: 'replica',
			},
			...replicaDescription,
		],
	};

	methods = {
		listSearch: { searchReplicas },
	};
}
