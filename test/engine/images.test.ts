import type { INodeExecutionData } from 'n8n-workflow';
import { rmSync } from 'node:fs';

import { sendMessage, useReplicasServer } from '../helpers/context';
import {
	binary,
	filesystemBinary,
	filesystemPath,
	fixture,
	makePng,
	makePngOfSize,
} from '../helpers/images';

const ctx = useReplicasServer();

const png = fixture('screenshot.png');
const jpeg = fixture('screenshot.jpg');
const gif = fixture('screenshot.gif');
const webp = fixture('screenshot.webp');
const pdf = fixture('document.pdf');

function sentImages(index = 0): Array<{ media_type: string; bytes: Buffer }> {
	const request = ctx.server.requests[index];
	expect(request.errors).toEqual([]);
	return (request.body.images ?? []).map((image) => {
		expect(image.type).toBe('image');
		expect(image.source.type).toBe('base64');
		return { media_type: image.source.media_type, bytes: Buffer.from(image.source.data, 'base64') };
	});
}

const fromProperties = (names: string) =>
	sendMessage({ images: 'binaryProperties', binaryPropertyNames: names });

describe('images from binary properties', () => {
	it.each([
		['PNG', png, 'image/png'],
		['JPEG', jpeg, 'image/jpeg'],
		['GIF', gif, 'image/gif'],
		['WebP', webp, 'image/webp'],
	])('sends a %s with its media type and the exact bytes', async (_name, bytes, mimeType) => {
		const { error } = await ctx.run({
			items: [{ json: {}, binary: { data: binary(bytes, mimeType, 'shot') } }],
			parameters: fromProperties('data'),
		});
		expect(error).toBeUndefined();
		expect(sentImages()).toEqual([{ media_type: mimeType, bytes }]);
	});

	it('sends two images in the order named', async () => {
		await ctx.run({
			items: [
				{
					json: {},
					binary: { before: binary(jpeg, 'image/jpeg'), after: binary(png, 'image/png') },
				},
			],
			parameters: fromProperties('after, before'),
		});
		expect(sentImages()).toEqual([
			{ media_type: 'image/png', bytes: png },
			{ media_type: 'image/jpeg', bytes: jpeg },
		]);
	});

	it('expands a wildcard in natural order and leaves other properties alone', async () => {
		const shots = [1, 2, 10].map((seed) => makePng(3, 3, seed));
		await ctx.run({
			items: [
				{
					json: {},
					binary: {
						attachment_10: binary(shots[2], 'image/png'),
						attachment_2: binary(shots[1], 'image/png'),
						attachment_1: binary(shots[0], 'image/png'),
						logo: binary(gif, 'image/gif'),
					},
				},
			],
			parameters: fromProperties('attachment_*'),
		});
		expect(sentImages().map((image) => image.bytes)).toEqual(shots);
	});

	it('takes the media type from the content when the mime type is octet-stream', async () => {
		await ctx.run({
			items: [{ json: {}, binary: { data: binary(png, 'application/octet-stream', 'x.bin') } }],
			parameters: fromProperties('data'),
		});
		expect(sentImages()).toEqual([{ media_type: 'image/png', bytes: png }]);
	});

	it('sends clean base64 when the item holds base64 with line breaks', async () => {
		const wrapped = png.toString('base64').replace(/.{60}/g, '$&\n');
		await ctx.run({
			items: [{ json: {}, binary: { data: { data: wrapped, mimeType: 'image/png' } } }],
			parameters: fromProperties('data'),
		});
		expect(ctx.server.requests[0].body.images![0].source.data).toBe(png.toString('base64'));
	});

	it('trusts the content over a wrong image mime type', async () => {
		await ctx.run({
			items: [{ json: {}, binary: { data: binary(png, 'image/jpeg', 'x.jpg') } }],
			parameters: fromProperties('data'),
		});
		expect(sentImages()).toEqual([{ media_type: 'image/png', bytes: png }]);
	});

	it('names a missing property and the properties the item has, and sends nothing', async () => {
		const { error } = await ctx.run({
			items: [
				{
					json: {},
					binary: {
						attachment_0: binary(png, 'image/png'),
						attachment_1: binary(gif, 'image/gif'),
					},
				},
			],
			parameters: fromProperties('screenshot'),
		});
		expect(ctx.server.requests).toHaveLength(0);
		expect(error?.message).toBe(
			"Binary property 'screenshot' on item 0 does not exist; the item has 'attachment_0', 'attachment_1'",
		);
		expect(error?.description).toMatch(/Binary Properties/);
	});

	it('says so when the item has no binary data at all', async () => {
		const { error } = await ctx.run({ parameters: fromProperties('data') });
		expect(ctx.server.requests).toHaveLength(0);
		expect(error?.message).toBe(
			"Binary property 'data' on item 0 does not exist; the item has none",
		);
	});

	it('refuses a PDF, naming its type, and sends nothing', async () => {
		const { error } = await ctx.run({
			items: [{ json: {}, binary: { report: binary(pdf, 'application/pdf', 'report.pdf') } }],
			parameters: fromProperties('report'),
		});
		expect(ctx.server.requests).toHaveLength(0);
		expect(error?.message).toBe(
			"Binary property 'report' on item 0 is 'application/pdf'; images must be PNG, JPEG, GIF or WebP",
		);
	});

	it('fails only the item with a bad image when continuing on fail', async () => {
		const items: INodeExecutionData[] = [
			{ json: {}, binary: { data: binary(png, 'image/png') } },
			{ json: {}, binary: { data: binary(pdf, 'application/pdf') } },
		];
		const { output } = await ctx.run({
			items,
			parameters: fromProperties('data'),
			onError: 'continueRegularOutput',
		});
		expect(ctx.server.requests).toHaveLength(1);
		expect(output).toHaveLength(2);
		expect(output[0].json.status).toBe('sent');
		expect(output[1].json.error).toMatch(/'data' on item 1 is 'application\/pdf'/);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('binaries kept in the JSON (n8n 2.x "combined" binary mode)', () => {
	const settings = { binaryMode: 'combined' } as never;

	it('finds a named binary and all images among the JSON fields', async () => {
		const items = [
			{
				json: {
					subject: 'Bug',
					screenshot: binary(png, 'image/png', 'a.png'),
					spec: binary(pdf, 'application/pdf', 'spec.pdf'),
				},
			},
		];
		await ctx.run({ items, parameters: fromProperties('screenshot'), settings });
		await ctx.run({ items, parameters: sendMessage({ images: 'allImages' }), settings });
		expect(sentImages(0)).toEqual([{ media_type: 'image/png', bytes: png }]);
		expect(sentImages(1)).toEqual([{ media_type: 'image/png', bytes: png }]);
	});
});

describe('all image binaries on the item', () => {
	it('sends every image in natural order and skips what is not an image', async () => {
		await ctx.run({
			items: [
				{
					json: { subject: 'Bug' },
					binary: {
						attachment_0: binary(png, 'image/png', 'a.png'),
						attachment_1: binary(pdf, 'application/pdf', 'spec.pdf'),
						attachment_2: binary(jpeg, 'image/jpeg', 'b.jpg'),
					},
				},
			],
			parameters: sendMessage({ images: 'allImages' }),
		});
		expect(sentImages()).toEqual([
			{ media_type: 'image/png', bytes: png },
			{ media_type: 'image/jpeg', bytes: jpeg },
		]);
	});

	it('sends the message without images when the item has none', async () => {
		const { error } = await ctx.run({ parameters: sendMessage({ images: 'allImages' }) });
		expect(error).toBeUndefined();
		expect(ctx.server.requests[0].body).toEqual({ message: 'Fix the login timeout' });
	});
});

describe('binary data kept on disk (filesystem mode, the n8n 2.x default)', () => {
	it('reads the bytes through n8n, not from the item', async () => {
		const stored = await filesystemBinary(png, 'image/png', 'shot.png');
		expect(stored.id).toMatch(/^filesystem-v2:/);
		expect(stored.data).not.toBe(png.toString('base64'));

		await ctx.run({
			items: [{ json: {}, binary: { data: stored } }],
			parameters: fromProperties('data'),
		});
		expect(sentImages()).toEqual([{ media_type: 'image/png', bytes: png }]);
	});

	it('streams a larger stored image into the body byte for byte', async () => {
		const big = makePngOfSize(1024 * 1024 + 7, 11);
		const stored = await filesystemBinary(big, 'image/png', 'big.png');
		await ctx.run({
			items: [{ json: {}, binary: { data: stored } }],
			parameters: fromProperties('data'),
		});
		const [image] = sentImages();
		expect(image.media_type).toBe('image/png');
		expect(image.bytes.equals(big)).toBe(true);
	});

	it('finds the images in all-images mode too', async () => {
		const first = await filesystemBinary(jpeg, 'image/jpeg');
		const second = await filesystemBinary(webp, 'application/octet-stream');
		await ctx.run({
			items: [{ json: {}, binary: { attachment_0: first, attachment_1: second } }],
			parameters: sendMessage({ images: 'allImages' }),
		});
		expect(sentImages()).toEqual([
			{ media_type: 'image/jpeg', bytes: jpeg },
			{ media_type: 'image/webp', bytes: webp },
		]);
	});

	it('fails the item with a clear error when the file is gone, and sends nothing', async () => {
		const stored = await filesystemBinary(png, 'image/png', 'gone.png');
		rmSync(filesystemPath(stored));
		const { error } = await ctx.run({
			items: [{ json: {}, binary: { data: stored } }],
			parameters: fromProperties('data'),
		});
		expect(ctx.server.requests).toHaveLength(0);
		expect(error?.message).toMatch(/'data' on item 0/);
	});
});
