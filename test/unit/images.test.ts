import {
	allBinaryProperties,
	decideMediaType,
	isWholeImage,
	matchBinaryProperties,
	parsePropertyList,
	sniffImageMediaType,
	viewOf,
	viewOfBase64,
} from '../../nodes/Replica/shared/images';
import { binary, fixture, makePng } from '../helpers/images';

const png = fixture('screenshot.png');
const jpeg = fixture('screenshot.jpg');
const gif = fixture('screenshot.gif');
const webp = fixture('screenshot.webp');
const pdf = fixture('document.pdf');
const svg = fixture('drawing.svg');

describe('sniffImageMediaType', () => {
	it.each([
		['PNG', png, 'image/png'],
		['JPEG', jpeg, 'image/jpeg'],
		['GIF', gif, 'image/gif'],
		['WebP', webp, 'image/webp'],
	])('recognises %s by its magic bytes', (_name, bytes, mediaType) => {
		expect(sniffImageMediaType(bytes)).toBe(mediaType);
	});

	it.each([
		['PDF', pdf],
		['SVG', svg],
		['empty', Buffer.alloc(0)],
		['a RIFF that is not WebP', Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')],
		['half a PNG signature', png.subarray(0, 4)],
	])('refuses %s', (_name, bytes) => {
		expect(sniffImageMediaType(bytes)).toBeUndefined();
	});
});

describe('isWholeImage', () => {
	it.each([
		['image/png', png],
		['image/jpeg', jpeg],
		['image/gif', gif],
		['image/webp', webp],
	] as const)('accepts a whole %s', (mediaType, bytes) => {
		expect(isWholeImage(mediaType, viewOf(bytes))).toBe(true);
	});

	it.each([
		['image/png', png],
		['image/jpeg', jpeg],
		['image/gif', gif],
		['image/webp', webp],
	] as const)('refuses a %s cut in half', (mediaType, bytes) => {
		expect(isWholeImage(mediaType, viewOf(bytes.subarray(0, Math.floor(bytes.length / 2))))).toBe(
			false,
		);
	});
});

describe('decideMediaType', () => {
	it('uses the content when the mime type is generic or missing', () => {
		expect(decideMediaType('application/octet-stream', png)).toEqual({
			ok: true,
			mediaType: 'image/png',
		});
		expect(decideMediaType(undefined, jpeg)).toEqual({ ok: true, mediaType: 'image/jpeg' });
		expect(decideMediaType('', gif)).toEqual({ ok: true, mediaType: 'image/gif' });
	});

	it('uses the content when the mime type names another image type', () => {
		expect(decideMediaType('image/jpeg; charset=binary', webp)).toEqual({
			ok: true,
			mediaType: 'image/webp',
		});
	});

	it('says why it refuses', () => {
		expect(decideMediaType('application/pdf', pdf)).toEqual({
			ok: false,
			reason: 'not-an-image',
			declared: 'application/pdf',
		});
		expect(decideMediaType('IMAGE/PNG', pdf)).toEqual({
			ok: false,
			reason: 'content-mismatch',
			declared: 'image/png',
		});
		expect(decideMediaType('image/jpg', Buffer.from('no'))).toMatchObject({
			reason: 'content-mismatch',
		});
		expect(decideMediaType('image/png', Buffer.alloc(0))).toMatchObject({ reason: 'empty' });
		expect(decideMediaType('image/png', makePng(30, 30).subarray(0, 100))).toEqual({
			ok: false,
			reason: 'truncated',
			declared: 'image/png',
			sniffed: 'image/png',
		});
	});
});

describe('parsePropertyList', () => {
	it('trims names, drops empty ones and keeps the order', () => {
		expect(parsePropertyList(' b, a ,,attachment_* , ')).toEqual(['b', 'a', 'attachment_*']);
		expect(parsePropertyList('')).toEqual([]);
	});
});

describe('matchBinaryProperties', () => {
	const data = binary(png, 'image/png');
	const item = {
		attachment_10: data,
		attachment_2: data,
		attachment_1: data,
		'shot.v2': data,
		screenshot: data,
	};

	it('keeps named properties in the order given', () => {
		expect(matchBinaryProperties(['screenshot', 'attachment_1'], item)).toEqual({
			ok: true,
			names: ['screenshot', 'attachment_1'],
		});
	});

	it('expands wildcards in natural order without repeating a name', () => {
		expect(matchBinaryProperties(['attachment_*', 'attachment_2', '*shot'], item)).toEqual({
			ok: true,
			names: ['attachment_1', 'attachment_2', 'attachment_10', 'screenshot'],
		});
	});

	it('treats characters other than * literally', () => {
		expect(matchBinaryProperties(['shot.v2'], item)).toEqual({ ok: true, names: ['shot.v2'] });
		expect(matchBinaryProperties(['shot?v2'], item)).toMatchObject({
			ok: false,
			missing: 'shot?v2',
		});
		expect(matchBinaryProperties(['shot.*'], item)).toEqual({ ok: true, names: ['shot.v2'] });
		expect(matchBinaryProperties(['(.*)'], item)).toMatchObject({ ok: false });
	});

	it('reports the first pattern that matches nothing, and what the item has', () => {
		expect(matchBinaryProperties(['screenshot', 'photo_*'], item)).toEqual({
			ok: false,
			missing: 'photo_*',
			available: Object.keys(item),
		});
		expect(matchBinaryProperties(['data'], undefined)).toEqual({
			ok: false,
			missing: 'data',
			available: [],
		});
	});

	it('lists all properties in natural order', () => {
		expect(allBinaryProperties(item)).toEqual([
			'attachment_1',
			'attachment_2',
			'attachment_10',
			'screenshot',
			'shot.v2',
		]);
		expect(allBinaryProperties(undefined)).toEqual([]);
	});
});

describe('viewOfBase64', () => {
	it.each([
		['PNG', png],
		['JPEG', jpeg],
		['GIF', gif],
		['WebP', webp],
		['a 200 KB PNG', makePng(300, 300, 5, 0)],
		['one byte', Buffer.from([7])],
		['two bytes', Buffer.from([7, 8])],
		['nothing', Buffer.alloc(0)],
	])('sees %s exactly as the decoded bytes', (_name, bytes) => {
		const view = viewOfBase64(bytes.toString('base64'))!;
		const whole = viewOf(bytes);
		expect(view.size).toBe(whole.size);
		expect(Buffer.from(view.head)).toEqual(Buffer.from(whole.head));
		expect(Buffer.from(view.tail)).toEqual(Buffer.from(whole.tail));
	});

	it('declines text that is not plain base64', () => {
		expect(viewOfBase64('iVBO\nRw0K')).toBeUndefined();
		expect(viewOfBase64('data:image/png;base64,iVBORw0K')).toBeUndefined();
		expect(viewOfBase64('abc')).toBeUndefined();
	});
});
