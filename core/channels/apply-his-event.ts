/**
 * A HIS event decided by the window, once: opened with all its codes, refused as a whole on the first refused code
 * or short line, completed otherwise. The session id is fixed by the caller (derived from the stored message), so a
 * decision interrupted by a crash is found again instead of being made twice.
 */
import { isTracegateError, refused, type TracegateError } from '../errors.js';
import type { SessionStore } from '../ports/session-store.js';
import type { Session } from '../window/session.js';
import type { WindowActor, WindowService } from '../window/window-service.js';
import type { HisEvent } from './his-event.js';

export type EventOutcome =
  { accepted: true; session: Session } | { accepted: false; session: Session | null; refusal: TracegateError };

const CANCEL_REASON = 'HIS 消息被拒绝';

export async function applyHisEvent(
  window: WindowService,
  sessions: SessionStore,
  event: HisEvent,
  sessionId: string,
  who: WindowActor
): Promise<EventOutcome> {
  const earlier = await sessions.getSession(sessionId);
  if (earlier) {
    return resume(window, earlier, who);
  }
  const twice = codeTwice(event.codes);
  if (twice) {
    return { accepted: false, session: null, refusal: twice };
  }
  try {
    const { session, refusal } = await window.decideMessage(event.kind, event.order, event.codes, who, {
      sessionId,
      cancelReason: CANCEL_REASON,
    });
    return refusal ? { accepted: false, session, refusal } : complete(window, session, who);
  } catch (e) {
    if (isTracegateError(e) && e.kind !== 'unavailable') {
      // The order itself is refused (no original sale for a return, an unknown drug…).
      return { accepted: false, session: null, refusal: e };
    }
    throw e;
  }
}

async function complete(window: WindowService, session: Session, who: WindowActor): Promise<EventOutcome> {
  try {
    const done = await window.complete(session.id, who, undefined, session.kind, { session });
    return { accepted: true, session: done.session };
  } catch (e) {
    if (!isTracegateError(e) || e.kind === 'unavailable') {
      throw e;
    }
    // Lost a race for a pack (dispensed by another window meanwhile): refused, and nothing is left open.
    const cancelled = await window.cancel(session.id, who, CANCEL_REASON, session.kind).catch(() => session);
    return { accepted: false, session: cancelled, refusal: e };
  }
}

/** A decision interrupted earlier (tracegate stopped): its session says how far it got. */
async function resume(window: WindowService, session: Session, who: WindowActor): Promise<EventOutcome> {
  switch (session.state) {
    case 'completed':
      return { accepted: true, session };
    case 'open':
      return complete(window, session, who);
    case 'cancelled':
      return { accepted: false, session, refusal: refusalOf(session) };
    default:
      return session.state satisfies never;
  }
}

function refusalOf(session: Session): TracegateError {
  const scan = session.scans.find((s) => s.result === 'rejected' && s.problem);
  return scan?.problem
    ? refused(scan.problem.code, scan.problem.message, { traceCode: scan.traceCode })
    : refused('SESSION_INCOMPLETE', `会话 ${session.id} 已取消（扫码数量不足）`);
}

/** The same code twice in one message is a HIS error, refused as the proxy refuses it. */
function codeTwice(codes: string[]): TracegateError | null {
  const seen = new Set<string>();
  for (const raw of codes) {
    const code = raw.trim();
    if (seen.has(code)) {
      return refused('CODE_TWICE_IN_MESSAGE', `追溯码 ${code} 在同一消息中出现两次，同一盒药不能发放或退回两次`, {
        traceCode: code,
      });
    }
    seen.add(code);
  }
  return null;
}
