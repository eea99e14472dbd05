import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class ReplicasApi implements ICredentialType {
	name = 'replicasApi';

	displayName = 'Replicas API';

	icon: Icon = {
		light: 'file:../nodes/Replica/replica.svg',
		dark: 'file:../nodes/Replica/replica.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-replicas/n8n-nodes-replicas#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'From the Replicas dashboard: Settings > API Keys, or Account > API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.tryreplicas.com',
			description: 'Change only to reach a Replicas-compatible test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/v1/replica',
			method: 'GET',
			qs: { limit: 1 },
		},
	};
}
