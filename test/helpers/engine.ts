import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import * as path from 'node:path';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

export const REPLICA_TYPE = 'n8n-nodes-replicas.replica';
const ITEMS_TYPE = 'test.items';

let loading: Promise<PackageDirectoryLoader> | undefined;

/** The built package, loaded by n8n's own package loader as a community install would be. */
export async function loadPackage(): Promise<PackageDirectoryLoader> {
	loading ??= (async () => {
		const loader = new PackageDirectoryLoader(path.resolve(__dirname, '../..'));
		await loader.loadAll();
		return loader;
	})();
	return await loading;
}

/** Hands on the items the test puts on the execution stack. */
class ItemsNode implements INodeType {
	description = {
		displayName: 'Items',
		name: ITEMS_TYPE,
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** Applies credentials the way n8n's server does, including a generic `authenticate`. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types[typeName].authenticate;
		if (!authenticate || typeof authenticate === 'function' || !workflow || !node) {
			throw new Error(`test helper expects a generic authenticate on ${typeName}`);
		}
		const resolve = (value: string) =>
			value.startsWith('=')
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						),
					)
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [where, entries] of Object.entries(authenticate.properties)) {
			target[where] ??= {};
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[where][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	// Like n8n's helper for a credential without an expirable property: defined, returns nothing.
	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type].properties;
	}
}

export type LogEntry = { level: string; message: string; meta?: unknown };

/** Everything n8n logs during the runs, at debug level, so tests can search it for secrets. */
export const logs: LogEntry[] = [];
const capture =
	(level: string) =>
	(message: string, meta?: unknown): void => {
		logs.push({ level, message, meta });
	};
type WinstonLogger = {
	transports: Array<{ silent?: boolean }>;
	on(event: 'data', listener: (info: { level: string; message: string }) => void): void;
};
// n8n's server-side logger (winston, at debug level through test/setup-env.js): its console output
// is muted and every entry kept for the secret checks.
const winston = Container.get(Logger).getInternalLogger() as unknown as WinstonLogger;
for (const transport of winston.transports) transport.silent = true;
winston.on('data', (info) =>
	logs.push({ level: `n8n.${info.level}`, message: info.message, meta: info }),
);
LoggerProxy.init({
	error: capture('error'),
	warn: capture('warn'),
	info: capture('info'),
	debug: capture('debug'),
	scoped: () => LoggerProxy,
} as unknown as Parameters<typeof LoggerProxy.init>[0]);

export type RunOptions = {
	items: INodeExecutionData[];
	parameters: INodeParameters;
	credentials: { apiKey: string; baseUrl: string };
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	settings?: IWorkflowSettings;
	retryOnFail?: boolean;
};

type ExecutionError = NonNullable<IRun['data']['resultData']['error']>;

export type RunResult = {
	/** The run, unless n8n refused to start it. */
	run: IRun | undefined;
	/** Items on the node's first (regular) output. */
	output: INodeExecutionData[];
	/** Items on the error output, with "Continue (using error output)". */
	errorOutput: INodeExecutionData[];
	/** The error that stopped the workflow, if any. */
	error: ExecutionError | undefined;
};

type Harness = {
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	node: INode;
};

/**
 * Items → one node of `type`, in a Workflow with n8n's node-type lookup, the credentials helper
 * and the additional data a manual execution gets.
 */
async function buildHarness(
	type: INodeType,
	options: Pick<RunOptions, 'parameters' | 'credentials' | 'onError' | 'settings' | 'retryOnFail'>,
	typeName: string,
): Promise<Harness> {
	const loader = await loadPackage();
	const types: Record<string, INodeType> = {
		[typeName]: type,
		[ITEMS_TYPE]: new ItemsNode(),
	};
	const nodeTypes: INodeTypes = {
		getByName: (name) => types[name],
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types[name], version),
		getKnownTypes: () => ({}),
	};
	const credentialTypes = Object.fromEntries(
		Object.entries(loader.credentialTypes).map(([name, { type }]) => [name, type]),
	);

	const node: INode = {
		id: 'replica',
		name: 'Replica',
		type: typeName,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters,
		credentials: { replicasApi: { id: '1', name: 'Replicas account' } },
		onError: options.onError,
		retryOnFail: options.retryOnFail,
	};
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: ITEMS_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		node,
	];
	const workflow = new Workflow({
		id: 'test',
		name: 'test',
		nodes,
		connections: { Items: { main: [[{ node: 'Replica', type: 'main', index: 0 }]] } },
		nodeTypes,
		active: false,
		settings: options.settings ?? {},
	});

	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, { ...options.credentials }),
		hooks: new ExecutionLifecycleHooks('manual', 'execution-1', {
			id: 'test',
			name: 'test',
			nodes,
			connections: {},
			active: false,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as never),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
		currentNodeExecutionIndex: 0,
		restApiUrl: '',
		instanceBaseUrl: '',
		formBaseUrl: '',
		formWaitingBaseUrl: '',
		formTestBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		mcpBaseUrl: '',
		mcpTestBaseUrl: '',
		variables: {} as IDataObject,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, additionalData, node: workflow.getNode('Replica')! };
}

/** The Replica node type as n8n loaded it from the built package. */
export async function replicaNodeType(): Promise<INodeType> {
	return (await loadPackage()).nodeTypes.replica.type as INodeType;
}

/** Runs Items → Replica through n8n-core's WorkflowExecute, as a manual execution. */
export async function runReplica(options: RunOptions): Promise<RunResult> {
	return await runNode(await replicaNodeType(), options, REPLICA_TYPE);
}

/** Runs Items → a node of `type` through n8n-core's WorkflowExecute, as a manual execution. */
export async function runNode(
	type: INodeType,
	options: RunOptions,
	typeName = type.description.name,
): Promise<RunResult> {
	const { workflow, additionalData } = await buildHarness(type, options, typeName);
	const mode: WorkflowExecuteMode = 'manual';
	const executionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{ node: workflow.getNode('Items')!, data: { main: [options.items] }, source: null },
			],
		},
	} as unknown as IRunExecutionData;

	let run: IRun;
	try {
		run = await new WorkflowExecute(additionalData, mode, executionData).processRunExecutionData(
			workflow,
		);
	} catch (error) {
		// n8n refuses to start a workflow whose parameters have issues (a required field left empty,
		// a value failing its field's validation): that refusal is the result the test sees.
		if ((error as Error).name !== 'WorkflowHasIssuesError') throw error;
		return { run: undefined, output: [], errorOutput: [], error: error as ExecutionError };
	}
	const outputs = run.data.resultData.runData.Replica?.[0]?.data?.main ?? [];
	return {
		run,
		output: outputs[0] ?? [],
		errorOutput: outputs[1] ?? [],
		error: run.data.resultData.error,
	};
}

/** The editor's "From List" picker: the node's listSearch method in n8n's LoadOptionsContext. */
export async function searchList(
	method: string,
	credentials: RunOptions['credentials'],
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const type = await replicaNodeType();
	const { workflow, additionalData, node } = await buildHarness(
		type,
		{ parameters: {}, credentials },
		REPLICA_TYPE,
	);
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.replicaId');
	const search = type.methods?.listSearch?.[method];
	if (!search) throw new Error(`no listSearch method ${method}`);
	return await search.call(context, filter, paginationToken);
}

/**
 * The credential's test button, the way n8n's credentials tester runs it: a node whose only
 * property routes the credential's test request, executed by RoutingNode with the credential.
 * Resolves to 'OK' or to the error the editor would show.
 */
export async function testCredential(credentials: RunOptions['credentials']): Promise<string> {
	const loader = await loadPackage();
	const credentialType = loader.credentialTypes.replicasApi.type;
	const probe: INodeType = {
		description: {
			...(await replicaNodeType()).description,
			name: 'test.credentialProbe',
			credentials: [{ name: 'replicasApi', required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: credentialType.test!.request },
				},
			],
		},
	};
	const { error } = await runNode(probe, { items: [{ json: {} }], parameters: {}, credentials });
	return error ? error.message : 'OK';
}
