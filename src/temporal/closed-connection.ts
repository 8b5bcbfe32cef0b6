import type { Interceptor, InterceptingListener, Metadata as CallMetadata } from '@grpc/grpc-js';
import { InterceptingCall, Metadata, status } from '@grpc/grpc-js';

/**
 * The innermost gRPC interceptor of the service's Temporal connection. The SDK's retry interceptor
 * retries a failed call from a timer; if the connection was closed meanwhile (the service stopping
 * while a call to an unreachable server still retried), creating the next attempt throws inside
 * that timer, where nothing can catch it, and the process dies with "Channel has been shut down".
 * Here that attempt ends instead as CANCELLED, which is not retried: the call fails to its caller.
 */
export const endCallsAfterClose: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (error) {
    if (!(error instanceof Error) || !/channel has been shut down/i.test(error.message)) throw error;
    return new InterceptingCall(cancelledCall());
  }
};

/** A call that never reaches the network and ends at once as CANCELLED. */
function cancelledCall(): ConstructorParameters<typeof InterceptingCall>[0] {
  return {
    start(_metadata: CallMetadata, listener?: Partial<InterceptingListener>) {
      setImmediate(() =>
        listener?.onReceiveStatus?.({
          code: status.CANCELLED,
          details: 'the Temporal connection was closed',
          metadata: new Metadata(),
        }),
      );
    },
    cancelWithStatus: () => undefined,
    getPeer: () => '',
    sendMessageWithContext: () => undefined,
    sendMessage: () => undefined,
    startRead: () => undefined,
    halfClose: () => undefined,
    getAuthContext: () => null,
  };
}
