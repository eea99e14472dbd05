// The benchmark's workflows. Each pair does the same work: the Replica node's Send Message, and
// n8n's own HTTP Request node sending the identical JSON body with the same `replicasApi`
// credential (as a predefined credential type, so both authenticate through the same path).
export const CREDENTIAL = { id: 'bnchReplicasCred01', name: 'Replicas (bench)' };
export const IMAGE_MESSAGE = 'What does this screenshot show?';

const trigger = {
	id: 'b0000000-0000-4000-8000-000000000001',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const credentials = { replicasApi: CREDENTIAL };

function chain(...names) {
	const connections = {};
	for (let index = 0; index < names.length - 1; index++) {
		connections[names[index]] = {
			main: [[{ node: names[index + 1], type: 'main', index: 0 }]],
		};
	}
	return connections;
}

function workflow(id, name, nodes) {
	const placed = nodes.map((node, index) => ({
		id: `b0000000-0000-4000-8000-${String(index + 2).padStart(12, '0')}`,
		position: [(index + 1) * 220, 0],
		...node,
	}));
	return {
		id,
		name,
		active: false,
		nodes: [trigger, ...placed],
		connections: chain(trigger.name, ...placed.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const makeItems = (count) => ({
	name: 'Make Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: {
		jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { message: 'task ' + (i + 1) } }));`,
	},
});

function replicaNode(replicaId, extra = {}) {
	return {
		name: 'Replica',
		type: 'n8n-nodes-replicas.replica',
		typeVersion: 1,
		credentials,
		parameters: {
			resource: 'replica',
			operation: 'sendMessage',
			replicaId: { __rl: true, mode: 'id', value: replicaId },
			message: '={{ $json.message }}',
			...extra,
		},
	};
}

/** HTTP Request node in the version the editor adds today (4.5), JSON body from an expression. */
function httpNode(serverUrl, replicaId, jsonBody) {
	return {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.5,
		credentials,
		parameters: {
			method: 'POST',
			url: `${serverUrl}/v1/replica/${replicaId}/messages`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'replicasApi',
			sendBody: true,
			specifyBody: 'json',
			jsonBody,
			options: {},
		},
	};
}

export function itemsWorkflows({ serverUrl, replicaId, count }) {
	return {
		replica: workflow(`bnchReplicaN${count}`, `Bench: Replica × ${count}`, [
			makeItems(count),
			replicaNode(replicaId),
		]),
		http: workflow(`bnchHttpN${count}`, `Bench: HTTP Request × ${count}`, [
			makeItems(count),
			httpNode(serverUrl, replicaId, '={{ { message: $json.message } }}'),
		]),
	};
}

const readImage = (file) => ({
	name: 'Read Image',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1,
	parameters: { operation: 'read', fileSelector: file, options: {} },
});

/**
 * One item with the PNG as binary property `data`. The Replica node reads the binary itself. The
 * HTTP Request node cannot put a binary into a JSON body, so it gets the cheapest hand-built route
 * for the binary mode: in memory mode the item already holds the base64 and the body expression
 * reads it (`$input.item.binary.data.data`; `$binary` leaves the data out); in filesystem mode the
 * item holds only a reference, so an Extract From File node ("Move File to Base64 String") makes
 * the base64 first.
 */
export function imageWorkflows({ serverUrl, replicaId, file, label, mode }) {
	const tag = mode === 'filesystem' ? 'F' : 'M';
	const image = (data) =>
		`={{ { message: '${IMAGE_MESSAGE}', images: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: ${data} } }] } }}`;
	const toBase64 = {
		name: 'To Base64',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1.1,
		parameters: {
			operation: 'binaryToPropery',
			destinationKey: 'image',
			// Without an encoding the node runs charset detection over the whole file first
			// (seconds for 20 MB), which base64 does not need; a user who knows sets it.
			options: { encoding: 'utf8' },
		},
	};
	const http =
		mode === 'filesystem'
			? [toBase64, httpNode(serverUrl, replicaId, image('$json.image'))]
			: [httpNode(serverUrl, replicaId, image('$input.item.binary.data.data'))];
	return {
		replica: workflow(`bnchReplicaImg${label}${tag}`, `Bench: Replica, ${label} image`, [
			readImage(file),
			replicaNode(replicaId, {
				message: IMAGE_MESSAGE,
				images: 'binaryProperties',
				binaryPropertyNames: 'data',
				options: { maxImageSize: 0 },
			}),
		]),
		http: workflow(`bnchHttpImg${label}${tag}`, `Bench: HTTP Request, ${label} image`, [
			readImage(file),
			...http,
		]),
	};
}
