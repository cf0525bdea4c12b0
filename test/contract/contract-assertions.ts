/** Assertions the contract suites share: a promise must reject, with a StoreConflict or a given error code. */
import { expect } from 'chai';
import { TracegateError } from '../../core/errors.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

export async function storeConflict(promise: Promise<unknown>): Promise<StoreConflict> {
  const e = await rejection(promise);
  expect(e, String(e)).to.be.instanceOf(StoreConflict);
  return e as StoreConflict;
}

export async function tracegateError(promise: Promise<unknown>, code: string): Promise<TracegateError> {
  const e = await rejection(promise);
  expect(e, String(e)).to.be.instanceOf(TracegateError);
  expect((e as TracegateError).code).to.equal(code);
  return e as TracegateError;
}
