// Builds a MIME message the way a mail client sends one: multipart/mixed with a plain-text body
// and base64 attachments, CRLF line endings, 76-character base64 lines.
import { randomBytes } from 'node:crypto';

function base64Lines(bytes) {
	return (
		Buffer.from(bytes)
			.toString('base64')
			.match(/.{1,76}/g)
			?.join('\r\n') ?? ''
	);
}

/**
 * @param {{ from: string, to: string, subject: string, text: string,
 *   attachments?: Array<{ filename: string, contentType: string, content: Buffer }> }} mail
 */
export function buildMime({ from, to, subject, text, attachments = [], date = new Date() }) {
	const boundary = `=_replicas_e2e_${randomBytes(8).toString('hex')}`;
	const lines = [
		`From: ${from}`,
		`To: ${to}`,
		`Subject: ${subject}`,
		`Date: ${date.toUTCString()}`,
		`Message-ID: <${randomBytes(8).toString('hex')}@replicas-e2e.test>`,
		'MIME-Version: 1.0',
		`Content-Type: multipart/mixed; boundary="${boundary}"`,
		'',
		`--${boundary}`,
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: 8bit',
		'',
		text.replace(/\r?\n/g, '\r\n'),
	];
	for (const attachment of attachments) {
		lines.push(
			`--${boundary}`,
			`Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
			`Content-Disposition: attachment; filename="${attachment.filename}"`,
			'Content-Transfer-Encoding: base64',
			'',
			base64Lines(attachment.content),
		);
	}
	lines.push(`--${boundary}--`, '');
	return lines.join('\r\n');
}
