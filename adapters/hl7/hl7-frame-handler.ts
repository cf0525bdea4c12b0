/**
 * What the listener does with each MLLP frame: key it (MSH-10, or the bytes' hash), hand the bytes to the inbound
 * service (stored before anything is decided, a repeated key answered with the stored ACK), and send the ACK in the
 * channel's charset. When the store fails nothing was decided: AE, so the HIS resends.
 */
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import type { Hl7Channel } from './hl7-channel.js';
import type { FrameHandler } from './mllp-connection.js';

const STORE_FAILED = { code: 'STORE_UNAVAILABLE', message: '存储失败，请重发' };

export function hl7FrameHandler(channel: Hl7Channel, inbound: InboundService, log: ChannelLog): FrameHandler {
  return {
    async answer(frame: Buffer): Promise<Uint8Array> {
      const key = channel.sourceKeyOf(frame);
      try {
        const { message, replayed } = await inbound.receive(channel.name, key, frame);
        log.info('HL7 message answered', {
          channel: channel.name,
          key,
          id: message.id,
          state: message.state,
          code: message.code,
          replayed,
        });
        const reply = message.reply ?? channel.replyOf(message);
        return channel.encode(reply ?? channel.ackWithout('AE', frame, STORE_FAILED));
      } catch (e) {
        log.error('HL7 message not stored; answered AE', { channel: channel.name, key, error: String(e) });
        return channel.encode(channel.ackWithout('AE', frame, STORE_FAILED));
      }
    },

    tooLarge(head: Buffer, limit: number): Uint8Array {
      const problem = {
        code: 'HL7_FRAME_TOO_LARGE',
        message: `HL7 消息超过通道上限 ${limit} 字节，未处理，连接将关闭`,
      };
      return channel.encode(channel.ackWithout('AR', head, problem));
    },
  };
}
