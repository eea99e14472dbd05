export const CODING_AGENTS = ['claude', 'codex', 'cursor', 'opencode', 'pi'] as const;
export type CodingAgent = (typeof CODING_AGENTS)[number];

export const THINKING_LEVELS = [
	'low',
	'medium',
	'high',
	'xhigh',
	'max',
	'ultra',
	'ultracode',
] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export type ReplicaStatus = 'active' | 'sleeping' | 'archived' | 'preparing' | 'error';

export type ImageContent = {
	type: 'image';
	source: { type: 'base64'; media_type: ImageMediaType; data: string };
};

/** Body of POST /v1/replica/{id}/messages (SendReplicaMessageRequest). */
export type SendMessageBody = {
	message: string;
	coding_agent?: CodingAgent;
	chat_id?: string;
	model?: string;
	images?: ImageContent[];
	plan_mode?: boolean;
	goal_mode?: boolean;
	fast_mode?: boolean;
	thinking_level?: ThinkingLevel;
	senderUserId?: string;
	senderEmail?: string;
};

/** 200 answer of POST /v1/replica/{id}/messages (SendReplicaMessageResponse). */
export type SendMessageResponse = {
	status: 'sent' | 'queued' | 'waking';
	message_id: string | null;
	position: number | null;
	chat_id: string | null;
};

export type ReplicaListItem = {
	id: string;
	name: string;
	status: ReplicaStatus;
	source: string;
	created_at: string;
	last_activity_at: string | null;
};

/** 200 answer of GET /v1/replica (ListReplicasResponse). */
export type ListReplicasResponse = {
	replicas: ReplicaListItem[];
	total: number;
	page: number;
	limit: number;
	total_pages: number;
};

/** Error body of every Replicas endpoint. */
export type ReplicasErrorBody = { error: string; details?: string | null };
