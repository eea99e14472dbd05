import { BinaryDataService } from 'n8n-core';
import { Container } from '@n8n/di';
import type { IBinaryData } from 'n8n-workflow';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
	return Buffer.concat([head, data, crc]);
}

/** A valid RGB PNG with pixels derived from `seed`; `level: 0` makes it about 3·w·h bytes. */
export function makePng(width = 4, height = 4, seed = 1, level = 9): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	const raw = Buffer.alloc((width * 3 + 1) * height);
	let state = seed >>> 0 || 1;
	for (let i = 0; i < raw.length; i++) {
		if (i % (width * 3 + 1) === 0) continue;
		state = (state * 1_103_515_245 + 12_345) >>> 0;
		raw[i] = state >>> 24;
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** A PNG of about `bytes` bytes (random pixels, stored without compression). */
export function makePngOfSize(bytes: number, seed = 7): Buffer {
	const side = Math.max(1, Math.floor(Math.sqrt(bytes / 3)));
	return makePng(side, side, seed, 0);
}

const fixtures = path.resolve(__dirname, '../fixtures');
export const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));

/** An in-memory binary property, as most trigger nodes hand them on. */
export function binary(bytes: Buffer, mimeType: string, fileName?: string): IBinaryData {
	return {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileSize: `${bytes.length} B`,
	};
}

let filesystemService: BinaryDataService | undefined;

/**
 * Stores the bytes with n8n's BinaryDataService in filesystem mode (the n8n 2.x default), so the
 * item holds only a reference and the node must read the bytes through n8n's helpers.
 */
export async function filesystemBinary(
	bytes: Buffer,
	mimeType: string,
	fileName?: string,
): Promise<IBinaryData> {
	if (!filesystemService) {
		const storagePath = mkdtempSync(path.join(tmpdir(), 'replicas-binary-'));
		const silent = { error() {}, warn() {}, info() {}, debug() {} };
		filesystemService = new BinaryDataService(
			{
				mode: 'filesystem',
				availableModes: ['filesystem'],
				localStoragePath: storagePath,
			} as never,
			silent as never,
			silent as never,
		);
		await filesystemService.init();
		Container.set(BinaryDataService, filesystemService);
	}
	return await filesystemService.store(
		{ type: 'execution', workflowId: 'test', executionId: 'execution-1' },
		bytes,
		{ mimeType, fileName, data: '' } as IBinaryData,
	);
}

export function filesystemPath(data: IBinaryData): string {
	if (!filesystemService || !data.id) throw new Error('not a filesystem binary');
	return filesystemService.getPath(data.id);
}
