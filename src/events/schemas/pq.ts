import { signalSchema } from '../../schemas/signal';

/** `buying_signal`: PQ Intel's signal, exactly as intake accepts it (`signal_id` optional). */
export const buyingSignalDataSchema = signalSchema;
