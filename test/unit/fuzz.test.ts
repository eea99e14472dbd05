import type { IBinaryKeyData } from 'n8n-workflow';

import {
	decideMediaType,
	matchBinaryProperties,
	parsePropertyList,
	sniffImageMediaType,
} from '../../nodes/Replica/shared/images';
import { IMAGE_MEDIA_TYPES } from '../../nodes/Replica/shared/types';
import { binary, fixture } from '../helpers/images';
import { seededRandom } from '../helpers/random';

const random = seededRandom(20261204);

const MIME_TYPES = [
	'image/png',
	'image/jpeg',
	'image/jpg',
	'image/gif',
	'image/webp',
	'image/svg+xml',
	'IMAGE/PNG; charset=binary',
	'application/octet-stream',
	'application/pdf',
	'text/plain',
	'',
	' ',
	'image/',
	';;;',
	undefined,
] as const;

const SIGNATURES = [
	fixture('screenshot.png'),
	fixture('screenshot.jpg'),
	fixture('screenshot.gif'),
	fixture('screenshot.webp'),
	fixture('document.pdf'),
];

/** Random bytes, half of the time after a real signature and cut anywhere. */
function randomBytes(): Buffer {
	const tail = random.bytes(random.int(64));
	if (random.next() < 0.5) return tail;
	const source = random.pick(SIGNATURES);
	return Buffer.concat([source.subarray(0, random.int(source.length + 1)), tail]);
}

describe('fuzz: media type detection', () => {
	it('gives a well-formed verdict for 4,000 random inputs and never throws', () => {
		const reasons = new Set(['empty', 'not-an-image', 'content-mismatch', 'truncated']);
		for (let n = 0; n < 4000; n++) {
			const bytes = randomBytes();
			const mime = random.pick(MIME_TYPES);
			const verdict = decideMediaType(mime, bytes);
			if (verdict.ok) {
				expect(IMAGE_MEDIA_TYPES).toContain(verdict.mediaType);
				expect(sniffImageMediaType(bytes)).toBe(verdict.mediaType);
			} else {
				expect(reasons.has(verdict.reason)).toBe(true);
				expect(typeof verdict.declared).toBe('string');
				expect(verdict.declared.length).toBeGreaterThan(0);
			}
		}
	});
});

describe('fuzz: binary property matching', () => {
	const alphabet = 'ab_*.?[]()^$\\|+{}0123456789 ,';

	it('matches 3,000 random patterns against random items without throwing', () => {
		const data = binary(Buffer.from('x'), 'image/png');
		for (let n = 0; n < 3000; n++) {
			const item: IBinaryKeyData = {};
			for (let k = random.int(6); k > 0; k--) item[random.text(1 + random.int(8), alphabet)] = data;
			const patterns = parsePropertyList(random.text(random.int(20), alphabet));
			const result = matchBinaryProperties(patterns, item);
			if (result.ok) {
				expect(result.names.every((name) => name in item)).toBe(true);
				expect(new Set(result.names).size).toBe(result.names.length);
			} else {
				expect(patterns).toContain(result.missing);
				expect(result.available).toEqual(Object.keys(item));
			}
		}
	});
});
