import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sendBatch } from '#functions/api/webhooks/sender';

/**
 * OSMA_WEBHOOK_SENDER_FAULT=crash-mid-batch makes the local stack's sender crash once, in the
 * first batch of two or more messages, right after one POST answered and before it is
 * recorded: the fault the at-least-once test needs. It lives here, in the local poller's
 * wrapping of the sender, so no deployed function carries it.
 */
export function senderWithFault(fault: string | undefined): (event: SQSEvent) => Promise<SQSBatchResponse> {
  if (fault === undefined || fault === '') return (event) => sendBatch(event);
  if (fault !== 'crash-mid-batch') throw new Error(`OSMA_WEBHOOK_SENDER_FAULT must be crash-mid-batch or unset; got '${fault}'`);
  let used = false;
  return async (event) => {
    if (used || event.Records.length < 2) return sendBatch(event);
    let crash!: (error: Error) => void;
    const crashed = new Promise<never>((_, reject) => (crash = reject));
    const afterPost = () => {
      if (used) return;
      used = true;
      const error = new Error('injected fault (OSMA_WEBHOOK_SENDER_FAULT): the sender crashed mid-batch');
      crash(error);
      throw error;
    };
    return Promise.race([sendBatch(event, { afterPost }), crashed]);
  };
}
