/**
 * Reading a reply: the whole body as bytes (the relay hands them on untouched), and for tracegate's own requests
 * its JSON. Platform replies are UTF-8; a few provincial gateways answer GBK and say so in Content-Type.
 */
import iconv from 'iconv-lite';

/** Most replies arrive in one chunk, which is returned without a copy. */
export async function readBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  let first: Buffer | null = null;
  let rest: Buffer[] | null = null;
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (first === null) {
      first = chunk;
    } else {
      (rest ??= [first]).push(chunk);
    }
  }
  return rest ? Buffer.concat(rest, length) : (first ?? Buffer.alloc(0));
}

/** The parsed JSON, or undefined when the body is not JSON (a gateway's HTML error page, an empty body). */
export function parseReplyJson(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(decodeText(raw, contentType));
  } catch {
    return undefined;
  }
}

const CHARSET = /charset\s*=\s*"?([\w-]+)/i;
const GB_CHARSETS = new Set(['gbk', 'gb2312', 'gb18030', 'cp936']);

function decodeText(raw: Buffer, contentType: string | undefined): string {
  const charset = contentType === undefined ? undefined : CHARSET.exec(contentType)?.[1]?.toLowerCase();
  // GB18030 is a superset of GBK and GB2312.
  const text = charset !== undefined && GB_CHARSETS.has(charset) ? iconv.decode(raw, 'gb18030') : raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
